// NativeBackend: the Backend interface on the native kernels, in place on the caller's arrays (no staging copies).
import type { ActCode, Backend, DenseEngine, DenseLayout } from '../backend.js';
import { KernelDense } from '../js/js-dense.js';
import type { NativeKernels } from './native-kernels.js';

/**
 * The Backend kernel table on the native addon. Unlike the WASM backend, which copies JS-heap
 * operands into its memory, the addon reads and writes the given Float32Arrays where they are.
 * Within float32 rounding of the JS reference; bit-identical for any thread count on one ISA,
 * but not across ISAs nor with the WASM backend (see {@link NativeKernels}).
 */
export class NativeBackend implements Backend {
  readonly name: string;

  /** A model's engine: the JS-heap layer-by-layer engine calling these native kernels in place (no staging copies). */
  createDense(layout: DenseLayout): DenseEngine { return new KernelDense(this, layout); }

  constructor(readonly kernels: NativeKernels) {
    this.name = `native-${kernels.info().isa}`;
  }

  /** C[m,n] = A[m,k] W[k,n] + b[n]. */
  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void {
    this.kernels.denseForward(m, k, n, A, 0, P, wOff, bOff, C, 0);
  }

  /** dX[m,k] = dY[m,n] W[k,n]^T. */
  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void {
    this.kernels.denseBackwardInput(m, k, n, dY, 0, P, wOff, dX, 0);
  }

  /** G[wOff..] = X^T dY and G[bOff..] = column sums of dY. */
  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void {
    this.kernels.denseBackwardParams(m, k, n, X, 0, dY, 0, G, wOff, bOff);
  }

  /** In place: Z[0..len) <- f(Z). */
  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void {
    if (act !== 0) this.kernels.actForward(act, Z, 0, len, slope);
  }

  /** In place: D[i] <- D[i] f'(z_i), f' in terms of A = f(z). */
  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void {
    if (act !== 0) this.kernels.actBackward(act, A, 0, D, 0, len, slope);
  }
}
