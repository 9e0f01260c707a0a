// The Backend interface: the kernel table every model calls for its dense layers.

/** Element-wise activation codes shared by every backend (numbers keep kernels monomorphic). */
export const ACT = { linear: 0, relu: 1, leakyRelu: 2, tanh: 3, sigmoid: 4 } as const;
export type ActCode = (typeof ACT)[keyof typeof ACT];

/**
 * The matrix kernels a dense layer needs, all row-major over float32. Parameters live in one
 * flat array `P`: a layer's weights W [k, n] start at `wOff`, its bias b [n] at `bOff`.
 * Implementations must not allocate per call once warmed up for a shape.
 */
export interface Backend {
  readonly name: string;
  /** Forward: C[m,n] = A[m,k] W[k,n] + b[n]. */
  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void;
  /** Input gradient: dX[m,k] = dY[m,n] W[k,n]^T. */
  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void;
  /** Parameter gradients: G[wOff..] = X^T dY (k x n) and G[bOff..] = column sums of dY (n). */
  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void;
  /** In place: Z[0..len) <- f(Z). */
  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void;
  /** In place: D[i] <- D[i] f'(z_i), with f' written in terms of the output A = f(z). */
  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void;
}
