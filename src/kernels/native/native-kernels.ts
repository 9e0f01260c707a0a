// NativeKernels: the dense-layer products on the native addon, over typed arrays with offsets, for the Backend and the resident runner.
import type { NativeAddon, NativeInfo, NativeIsa } from './native-addon.js';

/**
 * The native kernels with the three dense-layer products spelled out. Every array may be a view
 * of a shared WebAssembly.Memory (a model's resident buffers): the products run on it in place.
 * Results agree with the JS and WASM kernels to float32 rounding (the native gemm accumulates
 * in float32 with fused multiply-adds where the CPU has them; the JS reference in float64), and
 * are bit-identical for any thread count on one ISA. They are not bit-identical across ISAs,
 * nor with the WASM kernels, so a run that must match a browser bit for bit uses the WASM
 * backend (MINIBATCH_BACKEND=wasm).
 */
export class NativeKernels {
  constructor(readonly addon: NativeAddon) {}

  /** The general product; see {@link NativeAddon.gemm}. */
  gemm(M: number, N: number, K: number, A: Float32Array, aOff: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bRs: number, bCs: number, C: Float32Array, cOff: number, cRs: number,
    bias: Float32Array | null, biasOff: number, act: number, slope: number): void {
    this.addon.gemm(M, N, K, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, cRs, bias, biasOff, act, slope);
  }

  /**
   * Forward: C[m,n] (at cOff) = act(A[m,k] (at aOff) W[k,n] + b[n]), W at P[wOff..] and b at
   * P[bOff..], row-major. act 0 (linear), 1 (relu) or 2 (leaky relu, `slope`) is fused; apply
   * tanh and sigmoid with {@link actForward} afterwards.
   */
  denseForward(m: number, k: number, n: number, A: Float32Array, aOff: number, P: Float32Array, wOff: number, bOff: number,
    C: Float32Array, cOff: number, act = 0, slope = 0): void {
    this.addon.gemm(m, n, k, A, aOff, k, 1, P, wOff, n, 1, C, cOff, n, P, bOff, act, slope);
  }

  /** Input gradient: dX[m,k] (at xOff) = dY[m,n] (at dOff) W^T, W at P[wOff..] [k, n]. */
  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, dOff: number, P: Float32Array, wOff: number,
    dX: Float32Array, xOff: number): void {
    this.addon.gemm(m, k, n, dY, dOff, n, 1, P, wOff, 1, n, dX, xOff, k, null, 0, 0, 0);
  }

  /** Parameter gradients: G[wOff..] = X^T dY ([k, n]) and G[bOff..] = column sums of dY ([n]); X [m, k] at xOff, dY [m, n] at dOff. */
  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, xOff: number, dY: Float32Array, dOff: number,
    G: Float32Array, wOff: number, bOff: number): void {
    this.addon.gemm(k, n, m, X, xOff, 1, k, dY, dOff, n, 1, G, wOff, n, null, 0, 0, 0);
    this.addon.colSums(m, n, dY, dOff, n, G, bOff);
  }

  /** In place: Z[zOff, zOff + len) <- f(Z). */
  actForward(act: number, Z: Float32Array, zOff: number, len: number, slope: number): void {
    this.addon.actForward(act, Z, zOff, len, slope);
  }

  /** In place: D[dOff, dOff + len) <- D f'(z), f' in terms of A = f(z) at aOff. */
  actBackward(act: number, A: Float32Array, aOff: number, D: Float32Array, dOff: number, len: number, slope: number): void {
    this.addon.actBackward(act, A, aOff, D, dOff, len, slope);
  }

  /** The fused SGD update, the same bits as src/optim/sgd.ts; see {@link NativeAddon.sgdUpdate}. */
  sgdUpdate(n: number, P: Float32Array, pOff: number, G: Float32Array, gOff: number, B: Float32Array | null, bOff: number,
    lr: number, mu: number, keep: number, wd: number, mode: number): void {
    this.addon.sgdUpdate(n, P, pOff, G, gOff, B, bOff, lr, mu, keep, wd, mode);
  }

  /** The ISA in use and the thread count. */
  info(): NativeInfo { return this.addon.info(); }

  /** Forces an ISA path ('auto': the best this CPU supports); throws a RangeError when unsupported. Affects every user in this thread. */
  setIsa(isa: NativeIsa | 'auto'): NativeIsa { return this.addon.setIsa(isa); }

  /** Threads a large product is split over (1 to 64); the same bits for any count. Affects every user in this thread. */
  setThreads(threads: number): number { return this.addon.setThreads(threads); }

  /** Huge pages for the fresh memory under `view`; see {@link NativeAddon.adviseHugePages}. */
  adviseHugePages(view: Float32Array): number { return this.addon.adviseHugePages(view); }
}
