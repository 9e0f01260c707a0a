// The browser kernel host: WASM bytes fetched beforehand (see install.ts), kernel helpers as Web Workers when the page is cross-origin isolated, settings from an options object.
import type { KernelFile, KernelHelper, KernelHost } from '../../kernels/host.js';

/** Settings of the browser platform (the twins of Node's MINIBATCH_BACKEND and MINIBATCH_THREADS). */
export interface BrowserOptions {
  /** 'js', 'wasm' or 'auto' (default): the backend `defaultBackend()` picks. */
  backend?: 'js' | 'wasm' | 'auto';
  /** Kernel threads of the page (1 turns splitting off). Default: up to 4 when cross-origin isolated, else 1. */
  threads?: number;
  /** Where the .wasm files and kernel-worker.js are (default: beside this module). */
  baseUrl?: string | URL;
}

/** What the browser global scope offers (typed here: the project compiles without the DOM library). */
interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: URL, options: { type: 'module'; name: string }) => {
    postMessage(message: unknown): void;
    addEventListener(type: 'error', listener: () => void): void;
  };
}

/** True when this page may share memory with workers (COOP/COEP headers sent). */
export function isolated(): boolean {
  const g = globalThis as BrowserGlobals;
  return g.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && typeof g.Worker === 'function';
}

/**
 * The kernel host of a page: `bytes` holds both kernel builds (fetched before; compiling them is
 * then synchronous, as the kernels expect). Helpers are module Web Workers running
 * kernel-worker.js; there are none unless the page is cross-origin isolated.
 */
export function browserKernelHost(bytes: ReadonlyMap<KernelFile, Uint8Array>, workerUrl: URL, options: BrowserOptions): KernelHost {
  const g = globalThis as BrowserGlobals;
  const threads = isolated();
  const spawnHelper = (channel: { readonly ctl: Int32Array; readonly args: Float64Array }, onError: () => void): KernelHelper | null => {
    if (!threads || !g.Worker) return null;
    const worker = new g.Worker(workerUrl, { type: 'module', name: 'minibatch-kernels' });
    worker.addEventListener('error', onError);
    worker.postMessage({ kind: 'channel', ctl: channel.ctl, args: channel.args });
    return { attach: (message) => worker.postMessage({ kind: 'attach', ...message }) };
  };
  return {
    wasmBytes: (file) => {
      const b = bytes.get(file);
      if (!b) throw new Error(`${file} was not fetched`);
      return b;
    },
    enableRelaxedSimd: () => false,
    spawnHelper,
    isMainThread: true,
    cores: threads ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1,
    settings: {
      backend: options.backend,
      threads: options.threads === undefined ? (threads ? undefined : '1') : String(options.threads),
    },
  };
}
