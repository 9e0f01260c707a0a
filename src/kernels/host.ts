// KernelHost: what the kernels need from the platform (WASM bytes, helper threads, settings), installed by src/platform/.

import type { NativeKernels } from './native/native-kernels.js';

/**
 * The native kernels loaded, or why not: `chosen` when the user switched them off
 * (MINIBATCH_BACKEND=wasm or js: nothing to tell), else a reason worth one line to the user.
 */
export type NativeStatus =
  | { ok: true; kernels: NativeKernels; path: string }
  | { ok: false; reason: string; chosen: boolean };

/** The two builds of assembly/kernels.ts, by file name. */
export type KernelFile = 'kernels-simd.wasm' | 'kernels-relaxed.wasm';

/** One kernel helper thread as the caller sees it (see KernelThreads). */
export interface KernelHelper {
  /** Posts an arena's memory and module (an AttachMessage, before the first request over that arena). */
  attach(message: object): void;
}

/**
 * The platform services the WASM kernels use. Node's is src/platform/node/kernel-host.ts; a
 * browser twin fetches the bytes and starts Web Workers. Without a host the JS kernels are used.
 */
export interface KernelHost {
  /** The bytes of a compiled kernel module, read synchronously (throws when missing). */
  wasmBytes(file: KernelFile): Uint8Array;
  /** Turns relaxed SIMD on where the runtime has it behind a flag; false when it cannot. */
  enableRelaxedSimd(): boolean;
  /**
   * Starts a helper thread that runs kernel parts over `channel` (null when this platform has
   * no threads). `onError` is called if the thread dies.
   */
  spawnHelper(channel: { readonly ctl: Int32Array; readonly args: Float64Array }, onError: () => void): KernelHelper | null;
  /**
   * Loads the native addon (Node: build/Release/minibatch_native.node, honouring
   * MINIBATCH_BACKEND and MINIBATCH_NATIVE_ISA); absent on platforms without one (browsers).
   * Called once per thread (src/kernels/native/native-status.ts caches it).
   */
  loadNative?(): NativeStatus;
  /**
   * Asks the OS to back the fresh memory under `view` with huge pages before it is first
   * written (Node: the native addon's madvise, when it is loaded); absent where it cannot. Call
   * through {@link adviseHugePages}.
   */
  adviseHugePages?(view: Float32Array): void;
  /** True on the main thread (a sweep's worker threads use one kernel thread each). */
  readonly isMainThread: boolean;
  /** Cores this process may use. */
  readonly cores: number;
  /** Settings from the environment: MINIBATCH_BACKEND and MINIBATCH_THREADS as given (undefined when unset). */
  readonly settings: { readonly backend?: string | undefined; readonly threads?: string | undefined };
}

let host: KernelHost | undefined;

/** Installs the platform's kernel host (src/platform/node/install.ts does this for Node). */
export function setKernelHost(h: KernelHost | undefined): void { host = h; }

/** The installed kernel host, if any. */
export function kernelHost(): KernelHost | undefined { return host; }

/** Buffers smaller than this hold too few whole 2 MiB pages to ask for them. */
export const HUGE_PAGE_MIN_BYTES = 4 << 20;

/**
 * Before a large fresh buffer is first filled (a data set's rows, a growing kernel memory): asks
 * the platform for huge pages under it, which turns 512 page faults into one (a fault of fresh
 * memory cost about 10 µs on the VMs measured: 0.1 s a 25 MB copy). Nothing below
 * {@link HUGE_PAGE_MIN_BYTES} or where the platform cannot; values are never changed.
 */
export function adviseHugePages(view: Float32Array): void {
  if (view.byteLength >= HUGE_PAGE_MIN_BYTES) host?.adviseHugePages?.(view);
}
