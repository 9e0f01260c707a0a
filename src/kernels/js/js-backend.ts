// The reference backend: plain TypeScript loops over typed arrays, always available.
import { ACT, type ActCode, type Backend, type DenseEngine, type DenseLayout } from '../backend.js';
import { sigmoid } from '../math.js';
import { KernelDense } from './js-dense.js';

/*
 * How these loops are shaped (measured with bench/: `npm run bench`, see bench/README.md):
 * - Every sum lives in float64 registers, four independent partial sums at a time, so no loop
 *   reads and writes a scratch array per multiply-add and the add latency chain is split four
 *   ways. Results are written once, at the end of each sum.
 * - The weight gradient X^T dY is computed as k x n dot products down the batch (strided, but
 *   the batch is small and cache resident) instead of m rank-1 updates into float32 G; this is
 *   faster and accumulates in float64 rather than float32.
 * - relu, leaky relu and their derivatives are branch-free: on real data half the units are off in no
 *   predictable pattern, and a mispredicted branch per element cost more than the layer's
 *   multiply-adds. relu(z) = (z + |z|) / 2 is exact in floating point.
 * - Nothing is allocated per call. A double crossing a call that V8 does not inline is boxed
 *   (a heap number per call), so no helper here returns a double, and the activation entry
 *   points are tiny so they inline and their `slope` is never boxed on the way in.
 */

/**
 * Scalar kernels with double-precision accumulation over row-major float32 arrays. See the
 * Backend interface for the exact contract of each kernel.
 */
export class JsBackend implements Backend {
  readonly name = 'js';

  /** The model's passes on these kernels, buffers on the JS heap. */
  createDense(layout: DenseLayout): DenseEngine { return new KernelDense(this, layout); }

  /** C[m,n] = A[m,k] W[k,n] + b[n]: per row of A, four outputs at a time, each a dot product down a column of W. */
  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void {
    if (n === 1) {
      const b = P[bOff]!;
      for (let i = 0; i < m; i++) {
        const a = i * k;
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0; let p = 0;
        for (; p + 4 <= k; p += 4) {
          s0 += A[a + p]! * P[wOff + p]!; s1 += A[a + p + 1]! * P[wOff + p + 1]!;
          s2 += A[a + p + 2]! * P[wOff + p + 2]!; s3 += A[a + p + 3]! * P[wOff + p + 3]!;
        }
        for (; p < k; p++) s0 += A[a + p]! * P[wOff + p]!;
        C[i] = b + ((s0 + s1) + (s2 + s3));
      }
      return;
    }
    for (let i = 0; i < m; i++) {
      const a = i * k; const c = i * n;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        let s0 = P[bOff + j]!; let s1 = P[bOff + j + 1]!; let s2 = P[bOff + j + 2]!; let s3 = P[bOff + j + 3]!;
        for (let p = 0, w = wOff + j; p < k; p++, w += n) {
          const v = A[a + p]!;
          s0 += v * P[w]!; s1 += v * P[w + 1]!; s2 += v * P[w + 2]!; s3 += v * P[w + 3]!;
        }
        C[c + j] = s0; C[c + j + 1] = s1; C[c + j + 2] = s2; C[c + j + 3] = s3;
      }
      for (; j < n; j++) {
        let s = P[bOff + j]!;
        for (let p = 0, w = wOff + j; p < k; p++, w += n) s += A[a + p]! * P[w]!;
        C[c + j] = s;
      }
    }
  }

  /** dX[m,k] = dY[m,n] W^T: per row, four inputs at a time, each a dot product along a row of W. */
  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void {
    if (n === 1) {
      for (let i = 0; i < m; i++) {
        const g = dY[i]!; const x = i * k;
        for (let p = 0; p < k; p++) dX[x + p] = g * P[wOff + p]!;
      }
      return;
    }
    for (let i = 0; i < m; i++) {
      const d = i * n; const x = i * k;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const w0 = wOff + p * n; const w1 = w0 + n; const w2 = w1 + n; const w3 = w2 + n;
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        for (let j = 0; j < n; j++) {
          const g = dY[d + j]!;
          s0 += g * P[w0 + j]!; s1 += g * P[w1 + j]!; s2 += g * P[w2 + j]!; s3 += g * P[w3 + j]!;
        }
        dX[x + p] = s0; dX[x + p + 1] = s1; dX[x + p + 2] = s2; dX[x + p + 3] = s3;
      }
      for (; p < k; p++) {
        let t = 0;
        for (let j = 0, w = wOff + p * n; j < n; j++) t += dY[d + j]! * P[w + j]!;
        dX[x + p] = t;
      }
    }
  }

  /** G[W] = X^T dY and G[b] = column sums of dY: k x n dot products down the batch, four at a time. */
  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void {
    if (m === 1) { outer(k, n, X, dY, G, wOff, bOff); return; }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0, d = j; i < m; i++, d += n) s += dY[d]!;
      G[bOff + j] = s;
    }
    if (n === 1) {
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        for (let i = 0, x = p; i < m; i++, x += k) {
          const g = dY[i]!;
          s0 += X[x]! * g; s1 += X[x + 1]! * g; s2 += X[x + 2]! * g; s3 += X[x + 3]! * g;
        }
        G[wOff + p] = s0; G[wOff + p + 1] = s1; G[wOff + p + 2] = s2; G[wOff + p + 3] = s3;
      }
      for (; p < k; p++) {
        let s = 0;
        for (let i = 0, x = p; i < m; i++, x += k) s += X[x]! * dY[i]!;
        G[wOff + p] = s;
      }
      return;
    }
    for (let p = 0; p < k; p++) {
      const g = wOff + p * n;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        for (let i = 0, x = p, d = j; i < m; i++, x += k, d += n) {
          const v = X[x]!;
          s0 += v * dY[d]!; s1 += v * dY[d + 1]!; s2 += v * dY[d + 2]!; s3 += v * dY[d + 3]!;
        }
        G[g + j] = s0; G[g + j + 1] = s1; G[g + j + 2] = s2; G[g + j + 3] = s3;
      }
      for (; j < n; j++) {
        let s = 0;
        for (let i = 0, x = p, d = j; i < m; i++, x += k, d += n) s += X[x]! * dY[d]!;
        G[g + j] = s;
      }
    }
  }

  /**
   * In place: Z <- f(Z). Kept tiny so it inlines into the model's forward pass: a double
   * argument (slope) crossing a call that is not inlined is boxed, one heap number per call.
   */
  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void {
    if (act === ACT.relu) reluForward(Z, len);
    else if (act !== ACT.linear) otherForward(act, Z, len, slope);
  }

  /** In place: D <- D f'(z), f' written in terms of A = f(z). Tiny for the same reason. */
  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void {
    if (act === ACT.relu) reluBackward(A, D, len);
    else if (act !== ACT.linear) otherBackward(act, A, D, len, slope);
  }
}

/** relu(z) = (z + |z|) / 2: z for z > 0 and +0 otherwise, exactly, with no branch to mispredict. */
function reluForward(Z: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) { const z = Z[i]!; Z[i] = 0.5 * (z + Math.abs(z)); }
}

/** D x [A > 0] as a multiply by 0 or 1 (branch-free); a dead unit's delta becomes +-0. */
function reluBackward(A: Float32Array, D: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) D[i] = D[i]! * +(A[i]! > 0);
}

/** Leaky relu, tanh and sigmoid. Leaky relu multiplies by (slope if negative else 1), the factor picked arithmetically: exact, and no branch. */
function otherForward(act: ActCode, Z: Float32Array, len: number, slope: number): void {
  switch (act) {
    case ACT.leakyRelu: for (let i = 0; i < len; i++) { const z = Z[i]!; const neg = +(z < 0); Z[i] = z * (slope * neg + (1 - neg)); } break;
    case ACT.tanh: for (let i = 0; i < len; i++) Z[i] = Math.tanh(Z[i]!); break;
    case ACT.sigmoid: for (let i = 0; i < len; i++) Z[i] = sigmoid(Z[i]!); break;
    default: break;
  }
}

function otherBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void {
  switch (act) {
    // The factor is 1 where A > 0 and the slope elsewhere: testing A < 0 would pass the full
    // gradient through the -0 that a zero slope makes of every negative input.
    case ACT.leakyRelu: for (let i = 0; i < len; i++) { const pos = +(A[i]! > 0); D[i] = D[i]! * (pos + slope * (1 - pos)); } break;
    case ACT.tanh: for (let i = 0; i < len; i++) { const a = A[i]!; D[i] = D[i]! * (1 - a * a); } break;
    case ACT.sigmoid: for (let i = 0; i < len; i++) { const a = A[i]!; D[i] = D[i]! * a * (1 - a); } break;
    default: break;
  }
}

/** One example (stochastic gradient descent): G[W] = x^T dy, an outer product, and G[b] = dy. */
function outer(k: number, n: number, x: Float32Array, dy: Float32Array, G: Float32Array, wOff: number, bOff: number): void {
  if (n === 1) {
    const d = dy[0]!; G[bOff] = d;
    for (let p = 0; p < k; p++) G[wOff + p] = x[p]! * d;
    return;
  }
  for (let j = 0; j < n; j++) G[bOff + j] = dy[j]!;
  for (let p = 0; p < k; p++) {
    const v = x[p]!; const g = wOff + p * n;
    for (let j = 0; j < n; j++) G[g + j] = v * dy[j]!;
  }
}
