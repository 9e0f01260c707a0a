// The Node kernel host: WASM bytes from dist/, the native addon (and its huge-page advice), relaxed SIMD by V8 flag, helper threads by worker_threads, env settings.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { isMainThread, MessageChannel, Worker } from 'node:worker_threads';
import type { KernelFile, KernelHelper, KernelHost } from '../../kernels/host.js';
import { nativeKernels } from '../../kernels/native/native-status.js';
import { entryUrl, srcUrl } from './entries.js';
import { loadNative } from './native-loader.js';

/** The .wasm files sit beside the compiled kernels (dist/src/kernels/wasm/). */
const WASM_DIR = srcUrl('kernels/wasm/');
const KERNEL_WORKER = entryUrl('kernel-worker');

/** Starts a kernel worker thread over `channel`; unref'd, so it never keeps the process alive. */
function spawnHelper(channel: { readonly ctl: Int32Array; readonly args: Float64Array }, onError: () => void): KernelHelper {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(KERNEL_WORKER, { workerData: { ctl: channel.ctl, args: channel.args, port: port2 }, transferList: [port2] });
  worker.unref(); port1.unref();
  worker.on('error', onError);
  return { attach: (message) => port1.postMessage(message) };
}

/** The kernel host of a Node process; `env` (default process.env) is read when a setting is needed. */
export function nodeKernelHost(env: NodeJS.ProcessEnv = process.env): KernelHost {
  return {
    wasmBytes: (file: KernelFile) => readFileSync(new URL(file, WASM_DIR)),
    enableRelaxedSimd: () => {
      try { setFlagsFromString('--experimental-wasm-relaxed-simd'); return true; } catch { return false; }
    },
    spawnHelper,
    loadNative: () => loadNative({ env }),
    adviseHugePages: (view) => { nativeKernels()?.adviseHugePages(view); },
    isMainThread,
    cores: availableParallelism(),
    settings: { get backend() { return env['MINIBATCH_BACKEND']; }, get threads() { return env['MINIBATCH_THREADS']; } },
  };
}
