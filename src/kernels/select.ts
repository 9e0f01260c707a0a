// Backend selection, once per process: the WASM SIMD kernels with a per-shape cost model (native kernels for large layers where built) when they load, the JS reference otherwise.
import type { Backend } from './backend.js';
import { kernelHost } from './host.js';
import { JsBackend } from './js/js-backend.js';
import { nativeKernels, nativeNotice } from './native/native-status.js';
import { calibrate, type KernelCosts, type NativeCosts } from './wasm/cost-model.js';
import { defaultThreads } from './wasm/kernel-threads.js';
import { WasmBackend } from './wasm/wasm-backend.js';
import { loadKernels } from './wasm/wasm-module.js';

/** 'js': the reference kernels only. 'wasm': every layer on WASM. 'auto': per layer and batch size by the cost model. */
export type BackendKind = 'js' | 'wasm' | 'auto';

/**
 * The cost model's constants in ns, measured with `calibrate()` on the benchmark machine (2-core
 * AMD EPYC with AVX-512, Node 20 with relaxed SIMD; medians of four runs). They are fixed
 * rather than measured at each start so that the choice of kernels, and with it every bit of a
 * training run, does not depend on how busy the machine was at start-up; pass
 * `costs: 'measured'` to measure them instead.
 */
export const MODELLED_COSTS: KernelCosts = {
  jsPerMac: 0.53, jsPerCall: 22, wasmPerMac: 0.037, wasmPerCall: 16, copyPerFloat: 0.033, copyPerCall: 18,
};

/**
 * The native kernels' modelled costs in ns (fixed, as {@link MODELLED_COSTS}, so the choice and
 * the bits do not depend on start-up load): the AVX2 gemm ran the 784-128 products 1.9x to 2.6x
 * faster than the WASM gemm on the benchmark machine (bench/README.md, "The native kernel
 * path"), hence half the WASM cost per multiply-add; a call through N-API with its typed-array
 * checks costs about 0.4 µs. So a 784-10 softmax regression and the 784-128 layer of an MLP go
 * native at batch 32, the 128-10 layer stays on WASM and small models never leave JS/WASM.
 */
export const MODELLED_NATIVE_COSTS: NativeCosts = { nativePerMac: 0.0185, nativePerCall: 400 };

export interface BackendOptions {
  /** Force the plain SIMD build even where relaxed SIMD is available. */
  relaxed?: boolean;
  /** 'modelled' (default: {@link MODELLED_COSTS}) or 'measured' (calibrate now, about 10 ms). */
  costs?: 'modelled' | 'measured' | KernelCosts;
  /**
   * Threads a model's large kernel calls are split over (same bits on any number). Default:
   * MINIBATCH_THREADS, else up to 4 (the machine's cores) on the main thread and 1 in a worker.
   */
  threads?: number;
  /**
   * 'auto' only: let large layers run on the native kernels when they are built and loaded
   * (default true; the WASM/JS choice alone, the same bits as a browser, with false or
   * MINIBATCH_BACKEND=wasm).
   */
  native?: boolean;
}

/**
 * A backend of the given kind. 'wasm' and 'auto' fall back to the JS kernels when the compiled
 * kernels are missing or the runtime lacks WebAssembly SIMD.
 */
export function createBackend(kind: BackendKind, options: BackendOptions = {}): Backend {
  if (kind === 'js') return new JsBackend();
  const kernels = loadKernels(options.relaxed === false ? { relaxed: false } : {});
  if (!kernels) return new JsBackend();
  const threads = options.threads ?? defaultThreads();
  if (kind === 'wasm') return new WasmBackend(kernels, null, threads);
  const c = options.costs ?? 'modelled';
  const nk = options.native === false ? null : nativeKernels();
  return new WasmBackend(kernels, c === 'modelled' ? MODELLED_COSTS : c === 'measured' ? calibrate(kernels) : c, threads,
    nk === null ? null : { kernels: nk, costs: MODELLED_NATIVE_COSTS });
}

let chosen: Backend | undefined;
let hostless: Backend | undefined;

/**
 * The process-wide default backend, chosen on first use: `auto` (WASM SIMD for the layers and
 * batch sizes where the cost model says it wins, native kernels for the large ones where they
 * are built, JS for the rest), unless the environment
 * variable MINIBATCH_BACKEND names another kind ('js', 'wasm' or 'auto'). Without a kernel
 * host (no platform installed) the JS kernels.
 */
export function defaultBackend(): Backend {
  if (chosen) return chosen;
  const host = kernelHost();
  if (!host) return (hostless ??= new JsBackend()); // chosen again once a host is installed
  const env = host.settings.backend;
  const kind: BackendKind = env === 'js' || env === 'wasm' ? env : 'auto'; // 'native' means auto with native layers
  chosen = createBackend(kind);
  return chosen;
}

/**
 * The line to tell a CLI user once when the native kernels were expected but are not used (not
 * built, or failed to load), or null (loaded, or switched off by MINIBATCH_BACKEND=wasm or js).
 */
export function backendNotice(): string | null { return nativeNotice(); }
