// Loads the compiled WebAssembly SIMD kernels once per process: relaxed SIMD (fused multiply-add) where the runtime has it, plain SIMD otherwise.
import { kernelHost } from '../host.js';

/** The exports of assembly/kernels.ts. Pointers are byte offsets into the instance's memory. */
export interface KernelExports {
  /** C = act(bias + A B) with A(i,p) at A + 4 (i aRs + p aCs); see assembly/kernels.ts. */
  gemm(M: number, N: number, K: number, A: number, aRs: number, aCs: number, B: number, bRs: number,
    C: number, cRs: number, bias: number, act: number, slope: number, pack: number): void;
  /** C[M,P] = A[M,N] B[P,N]^T. */
  gemmNT(M: number, P: number, N: number, A: number, B: number, C: number): void;
  /** out[j] = sum_i Y[i,j]. */
  colSums(M: number, N: number, Y: number, out: number): void;
  /** D <- D x (A > 0 ? 1 : slope) for relu (act 1) and leaky relu (act 2). */
  actBackward(act: number, A: number, D: number, len: number, slope: number): void;
  /** torch.optim.SGD's update in float64 lanes (mode: see assembly/optim.ts). */
  sgdUpdate(n: number, p: number, g: number, b: number, lr: number, mu: number, keep: number, wd: number, mode: number): void;
  /** Adam / AdamW's update in float64 lanes. */
  adamUpdate(n: number, p: number, g: number, m: number, v: number, b1: number, omb1: number, b2: number, omb2: number,
    stepSize: number, rootBc2: number, eps: number, l2: number, shrink: number): void;
  /** RMSProp's update in float64 lanes. */
  rmspropUpdate(n: number, p: number, g: number, v: number, ga: number, b: number, alpha: number, oma: number, eps: number,
    mu: number, lr: number, wd: number, centered: number, momentum: number): void;
  /** x <- 0 where |x| < tiny. */
  flushTiny(x: number, n: number, tiny: number): void;
  /** Softmax cross-entropy of m rows of n logits: sums into out (f64 loss, correct), D = scale (softmax - onehot) unless D is 0. */
  softmaxXent(m: number, n: number, Z: number, Y: number, D: number, scale: number, work: number, out: number): void;
  /** End of the module's static data (bytes): memory below it is the module's. */
  staticEnd(): number;
  /** dst row i <- src row idx[i] (u32 indices) for i < count, rows of rowBytes bytes. */
  gatherRows(dst: number, src: number, idx: number, count: number, rowBytes: number): void;
  /** Batch-1 SGD over rows of a one-layer, one-output model (assembly/sgd-epoch.ts); returns the updates applied. */
  sgdEpoch(k: number, rows: number, ys: number, order: number, from: number, count: number, p: number, g: number, mb: number,
    stats: number, rates: number, job: number, flags: number, iter0: number, tiny: number): number;
  /** Batch-1 SGD over rows of a one-layer softmax model of c classes (assembly/sgd-epoch-softmax.ts); returns the updates applied. */
  sgdEpochSoftmax(k: number, c: number, rows: number, ys: number, order: number, from: number, count: number, p: number, g: number, mb: number,
    stats: number, rates: number, job: number, flags: number, iter0: number, tiny: number, work: number): number;
  /** Math.exp and Math.log1p with V8's bits (assembly/libm.ts). */
  exp64(x: number): number;
  log1p64(x: number): number;
}

/** The kernel modules declare a shared memory of at most this many 64 KiB pages (4 GiB). */
export const MAX_PAGES = 65536;

/** A compiled kernel module and which instruction set it uses. */
export interface WasmKernels {
  readonly module: WebAssembly.Module;
  /** True when the module uses relaxed-SIMD fused multiply-add (f32x4.relaxed_madd). */
  readonly relaxed: boolean;
}

/** (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd): validates only where relaxed SIMD is on. */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

/**
 * Whether this runtime validates relaxed-SIMD code. Node 22 has it on; Node 20 has it behind
 * `--experimental-wasm-relaxed-simd`, which the kernel host sets (before any kernel module is
 * compiled) when validation fails without it.
 */
export function relaxedSimdSupported(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  if (!kernelHost()?.enableRelaxedSimd()) return false;
  return WebAssembly.validate(RELAXED_PROBE);
}

let cached: WasmKernels | null | undefined;
let failure = '';

/**
 * The kernel module for this process (compiled synchronously on first use, then shared), or
 * null when no kernel host is installed or the .wasm files are missing or do not validate
 * (see {@link wasmFailure}).
 * `relaxed: false` forces the plain SIMD build (for tests and the benchmark).
 */
export function loadKernels(options: { relaxed?: boolean } = {}): WasmKernels | null {
  if (!kernelHost()) { failure = 'no kernel host is installed (import minibatch from its Node or browser entry point)'; return null; }
  if (options.relaxed === false) return compile(false);
  if (cached === undefined) cached = compile(relaxedSimdSupported());
  return cached;
}

/** Why {@link loadKernels} returned null ('' when it did not). */
export function wasmFailure(): string { return failure; }

const plainCache: { k?: WasmKernels | null } = {};

function compile(relaxed: boolean): WasmKernels | null {
  if (!relaxed && plainCache.k !== undefined) return plainCache.k;
  const file = relaxed ? 'kernels-relaxed.wasm' : 'kernels-simd.wasm';
  let result: WasmKernels | null = null;
  try {
    result = { module: new WebAssembly.Module(kernelHost()!.wasmBytes(file)), relaxed };
  } catch (e) {
    failure = `${file}: ${(e as Error).message}`;
    result = relaxed ? compile(false) : null;
  }
  if (!relaxed) plainCache.k = result;
  return result;
}

/**
 * A fresh instance over a new shared memory of `pages` 64 KiB pages (growable to MAX_PAGES), or
 * over `memory` when given (a second instance, on another thread, over the same memory). Shared
 * memory never detaches on growth: a view made before `grow` stays valid.
 */
export function instantiate(kernels: WasmKernels, pages: number, shared?: WebAssembly.Memory): { memory: WebAssembly.Memory; exports: KernelExports } {
  const memory = shared ?? new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(kernels.module, { env: { memory, abort: () => { throw new Error('wasm kernel abort'); } } });
  return { memory, exports: instance.exports as unknown as KernelExports };
}
