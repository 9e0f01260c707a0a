// The reference backend: plain TypeScript loops over typed arrays, always available.
import { ACT, type ActCode, type Backend } from '../backend.js';

/**
 * Scalar kernels with double-precision accumulation. Loop orders keep the innermost loop
 * contiguous: forward accumulates a row of C in a float64 scratch row, the input gradient is a
 * dot product over W's rows, the weight gradient is a rank-1 update per example.
 */
export class JsBackend implements Backend {
  readonly name = 'js';
  private acc = new Float64Array(64);

  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void {
    if (n === 1) {
      const b = P[bOff]!;
      for (let i = 0; i < m; i++) {
        let s = b; const a = i * k;
        for (let p = 0; p < k; p++) s += A[a + p]! * P[wOff + p]!;
        C[i] = s;
      }
      return;
    }
    if (this.acc.length < n) this.acc = new Float64Array(n);
    const acc = this.acc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) acc[j] = P[bOff + j]!;
      const a = i * k;
      for (let p = 0; p < k; p++) {
        const v = A[a + p]!;
        if (v === 0) continue;
        const w = wOff + p * n;
        for (let j = 0; j < n; j++) acc[j]! += v * P[w + j]!;
      }
      const c = i * n;
      for (let j = 0; j < n; j++) C[c + j] = acc[j]!;
    }
  }

  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void {
    for (let i = 0; i < m; i++) {
      const d = i * n; const x = i * k;
      for (let p = 0; p < k; p++) {
        let s = 0; const w = wOff + p * n;
        for (let j = 0; j < n; j++) s += dY[d + j]! * P[w + j]!;
        dX[x + p] = s;
      }
    }
  }

  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void {
    G.fill(0, wOff, wOff + k * n);
    G.fill(0, bOff, bOff + n);
    if (n === 1) {
      let gb = 0;
      for (let i = 0; i < m; i++) {
        const d = dY[i]!; gb += d;
        if (d === 0) continue;
        const x = i * k;
        for (let p = 0; p < k; p++) G[wOff + p]! += X[x + p]! * d;
      }
      G[bOff] = gb;
      return;
    }
    for (let i = 0; i < m; i++) {
      const x = i * k; const d = i * n;
      for (let j = 0; j < n; j++) G[bOff + j]! += dY[d + j]!;
      for (let p = 0; p < k; p++) {
        const v = X[x + p]!;
        if (v === 0) continue;
        const w = wOff + p * n;
        for (let j = 0; j < n; j++) G[w + j]! += v * dY[d + j]!;
      }
    }
  }

  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void {
    switch (act) {
      case ACT.relu: for (let i = 0; i < len; i++) { if (Z[i]! < 0) Z[i] = 0; } break;
      case ACT.leakyRelu: for (let i = 0; i < len; i++) { const z = Z[i]!; if (z < 0) Z[i] = slope * z; } break;
      case ACT.tanh: for (let i = 0; i < len; i++) Z[i] = Math.tanh(Z[i]!); break;
      case ACT.sigmoid: for (let i = 0; i < len; i++) Z[i] = sigmoid(Z[i]!); break;
      default: break;
    }
  }

  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void {
    switch (act) {
      case ACT.relu: for (let i = 0; i < len; i++) { if (A[i]! <= 0) D[i] = 0; } break;
      case ACT.leakyRelu: for (let i = 0; i < len; i++) { if (A[i]! < 0) D[i] = D[i]! * slope; } break;
      case ACT.tanh: for (let i = 0; i < len; i++) { const a = A[i]!; D[i] = D[i]! * (1 - a * a); } break;
      case ACT.sigmoid: for (let i = 0; i < len; i++) { const a = A[i]!; D[i] = D[i]! * a * (1 - a); } break;
      default: break;
    }
  }
}

/** The logistic function, evaluated without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
