// Hand-fused reference loops: one function per workload, the "speed of light" yardstick.
import { Rng } from '../src/core/rng.js';
import type { Runner } from './timing.js';
import type { Workload } from './workloads.js';

/*
 * Each loop does exactly what fit does for its workload and nothing more: a seeded reshuffle
 * per epoch, then per batch the forward pass, the summed BCE loss, the mean gradient and the
 * optimizer update. Rows are read in place through the shuffled index (no batch copy), float32
 * parameters, float64 accumulators, one exp per example, no calls inside the batch loop.
 */

interface LogisticState {
  n: number; d: number; X: Float32Array; Y: Float32Array; lr: number; batch: number;
  /** P = [w, b]; G holds dloss/dz of each row of the current batch. */
  P: Float32Array; G: Float64Array; order: Uint32Array; rng: Rng;
}

/** Logistic regression by plain SGD: w <- w - lr mean_i (sigmoid(x_i w + b) - y_i) x_i. */
export function handLogistic(w: Workload, batch: number, seed = 1): Runner & { params: Float32Array; lastLoss: number } {
  const d = w.features;
  const P = new Float32Array(d + 1); // [w_0..w_{d-1}, b], Glorot-uniform like the engine
  const a = Math.sqrt(6 / (d + 1)); const init = new Rng(seed);
  for (let j = 0; j < d; j++) P[j] = (2 * init.next() - 1) * a;
  const st: LogisticState = {
    n: w.n, d, X: w.x, Y: w.y, lr: w.learningRate, batch, P, G: new Float64Array(batch),
    order: identity(w.n), rng: new Rng(seed),
  };
  const self = {
    params: P, lastLoss: NaN,
    run(epochs: number): void { for (let e = 0; e < epochs; e++) self.lastLoss = logisticEpoch(st); },
  };
  return self;
}

/**
 * One epoch of the fused logistic loop; returns the mean loss. Per row, z = x w + b as four
 * partial sums; then per batch the gradient sum_i g_i x_i four features at a time, the sums
 * in registers. Rows are read in place through the shuffled index.
 */
function logisticEpoch(s: LogisticState): number {
  const { n, d, X, Y, lr, batch, P, G, order } = s;
  s.rng.shuffle(order);
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(start + batch, n);
    let gb = 0;
    for (let i = start; i < end; i++) {
      const r = order[i]!; const o = r * d; const y = Y[r]!;
      let z0 = 0; let z1 = 0; let z2 = 0; let z3 = 0; let j = 0;
      for (; j + 4 <= d; j += 4) {
        z0 += X[o + j]! * P[j]!; z1 += X[o + j + 1]! * P[j + 1]!; z2 += X[o + j + 2]! * P[j + 2]!; z3 += X[o + j + 3]! * P[j + 3]!;
      }
      for (; j < d; j++) z0 += X[o + j]! * P[j]!;
      const z = P[d]! + ((z0 + z1) + (z2 + z3));
      const ez = Math.exp(-Math.abs(z));
      loss += (z > 0 ? z : 0) - z * y + Math.log1p(ez);
      const g = (z >= 0 ? 1 / (1 + ez) : ez / (1 + ez)) - y;
      G[i - start] = g; gb += g;
    }
    const step = lr / (end - start);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
      for (let i = start; i < end; i++) {
        const g = G[i - start]!; const o = order[i]! * d + j;
        s0 += g * X[o]!; s1 += g * X[o + 1]!; s2 += g * X[o + 2]!; s3 += g * X[o + 3]!;
      }
      P[j] = P[j]! - step * s0; P[j + 1] = P[j + 1]! - step * s1; P[j + 2] = P[j + 2]! - step * s2; P[j + 3] = P[j + 3]! - step * s3;
    }
    for (; j < d; j++) {
      let t = 0;
      for (let i = start; i < end; i++) t += G[i - start]! * X[order[i]! * d + j]!;
      P[j] = P[j]! - step * t;
    }
    P[d] = P[d]! - step * gb;
  }
  return loss / n;
}

function identity(n: number): Uint32Array {
  const o = new Uint32Array(n); for (let i = 0; i < n; i++) o[i] = i;
  return o;
}

interface MlpState {
  n: number; d: number; h1: number; h2: number; X: Float32Array; Y: Float32Array; lr: number; batch: number;
  P: Float32Array; G: Float64Array; M: Float32Array; V: Float32Array; order: Uint32Array; rng: Rng; t: number;
  /** Per-batch scratch: hidden activations, their gradients, and dloss/dz per row. */
  H1: Float32Array; H2: Float32Array; D1: Float32Array; D2: Float32Array; gz: Float64Array;
}

/**
 * The 8-12-8-1 MLP (widths [d, h1, h2, 1], hidden widths multiples of 4): relu, relu,
 * sigmoid + BCE, trained by Adam (PyTorch's rule, eps after the square root). Parameters laid
 * out [W1, b1, W2, b2, W3, b3] with W row-major [in, out] and Glorot-uniform init from the same
 * seed, as the engine does.
 */
export function handMlp(w: Workload, batch: number, seed = 1): Runner & { params: Float32Array; lastLoss: number } {
  const [d, h1, h2] = [w.layers[0]!, w.layers[1]!, w.layers[2]!];
  if (h1 % 4 !== 0 || h2 % 4 !== 0 || w.layers.length !== 4 || w.layers[3] !== 1) {
    throw new Error(`the hand-fused MLP needs widths [d, 4a, 4b, 1], got ${w.layers.join('-')}`);
  }
  const size = d * h1 + h1 + h1 * h2 + h2 + h2 + 1;
  const P = new Float32Array(size); const init = new Rng(seed);
  for (const [off, fanIn, fanOut] of [[0, d, h1], [d * h1 + h1, h1, h2], [size - 1 - h2, h2, 1]] as const) {
    const a = Math.sqrt(6 / (fanIn + fanOut)); // Glorot uniform, biases zero
    for (let i = 0; i < fanIn * fanOut; i++) P[off + i] = (2 * init.next() - 1) * a;
  }
  const st: MlpState = {
    n: w.n, d, h1, h2, X: w.x, Y: w.y, lr: w.learningRate, batch, P,
    G: new Float64Array(size), M: new Float32Array(size), V: new Float32Array(size),
    order: identity(w.n), rng: new Rng(seed), t: 0,
    H1: new Float32Array(batch * h1), H2: new Float32Array(batch * h2),
    D1: new Float32Array(batch * h1), D2: new Float32Array(batch * h2), gz: new Float64Array(batch),
  };
  const self = {
    params: P, lastLoss: NaN,
    run(epochs: number): void { for (let e = 0; e < epochs; e++) self.lastLoss = mlpEpoch(st); },
  };
  return self;
}

/**
 * One epoch of the fused MLP loop; returns the mean loss. Layer by layer over the batch (as
 * the engine does), but in one function: rows read in place through the shuffled index,
 * sums in registers four outputs at a time, relu and its derivative without branches (a
 * data-dependent branch mispredicts on half the units), no calls, no fills. Over 60 lines on
 * purpose: the baseline is the whole step written out in one function.
 */
function mlpEpoch(s: MlpState): number {
  const { n, d, h1, h2, X, Y, lr, batch, P, G, M, V, order, H1, H2, D1, D2, gz } = s;
  const oW1 = 0; const ob1 = d * h1; const oW2 = ob1 + h1; const ob2 = oW2 + h1 * h2; const oW3 = ob2 + h2; const ob3 = oW3 + h2;
  const size = ob3 + 1; const b1 = 0.9; const b2 = 0.999; const eps = 1e-8;
  s.rng.shuffle(order);
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    // Forward, loss and dloss/dz, one row at a time.
    for (let i = 0; i < m; i++) {
      const o = order[start + i]! * d; const r1 = i * h1; const r2 = i * h2;
      for (let j = 0; j < h1; j += 4) {
        let a0 = P[ob1 + j]!; let a1 = P[ob1 + j + 1]!; let a2 = P[ob1 + j + 2]!; let a3 = P[ob1 + j + 3]!;
        for (let p = 0, w = oW1 + j; p < d; p++, w += h1) {
          const v = X[o + p]!; a0 += v * P[w]!; a1 += v * P[w + 1]!; a2 += v * P[w + 2]!; a3 += v * P[w + 3]!;
        }
        H1[r1 + j] = 0.5 * (a0 + Math.abs(a0)); H1[r1 + j + 1] = 0.5 * (a1 + Math.abs(a1));
        H1[r1 + j + 2] = 0.5 * (a2 + Math.abs(a2)); H1[r1 + j + 3] = 0.5 * (a3 + Math.abs(a3));
      }
      let z = P[ob3]!;
      for (let j = 0; j < h2; j += 4) {
        let a0 = P[ob2 + j]!; let a1 = P[ob2 + j + 1]!; let a2 = P[ob2 + j + 2]!; let a3 = P[ob2 + j + 3]!;
        for (let p = 0, w = oW2 + j; p < h1; p++, w += h2) {
          const v = H1[r1 + p]!; a0 += v * P[w]!; a1 += v * P[w + 1]!; a2 += v * P[w + 2]!; a3 += v * P[w + 3]!;
        }
        a0 = 0.5 * (a0 + Math.abs(a0)); a1 = 0.5 * (a1 + Math.abs(a1)); a2 = 0.5 * (a2 + Math.abs(a2)); a3 = 0.5 * (a3 + Math.abs(a3));
        H2[r2 + j] = a0; H2[r2 + j + 1] = a1; H2[r2 + j + 2] = a2; H2[r2 + j + 3] = a3;
        z += a0 * P[oW3 + j]! + a1 * P[oW3 + j + 1]! + a2 * P[oW3 + j + 2]! + a3 * P[oW3 + j + 3]!;
      }
      const y = Y[order[start + i]!]!; const ez = Math.exp(-Math.abs(z));
      loss += (z > 0 ? z : 0) - z * y + Math.log1p(ez);
      const g = (z >= 0 ? 1 / (1 + ez) : ez / (1 + ez)) - y;
      gz[i] = g;
      // Hidden-layer deltas: D2 = g W3 relu'(H2), D1 = (D2 W2^T) relu'(H1).
      for (let j = 0; j < h2; j++) D2[r2 + j] = g * P[oW3 + j]! * +(H2[r2 + j]! > 0);
      for (let p = 0; p < h1; p += 4) {
        let t0 = 0; let t1 = 0; let t2 = 0; let t3 = 0;
        for (let j = 0, w = oW2 + p * h2; j < h2; j++) {
          const e = D2[r2 + j]!;
          t0 += e * P[w + j]!; t1 += e * P[w + h2 + j]!; t2 += e * P[w + 2 * h2 + j]!; t3 += e * P[w + 3 * h2 + j]!;
        }
        D1[r1 + p] = t0 * +(H1[r1 + p]! > 0); D1[r1 + p + 1] = t1 * +(H1[r1 + p + 1]! > 0);
        D1[r1 + p + 2] = t2 * +(H1[r1 + p + 2]! > 0); D1[r1 + p + 3] = t3 * +(H1[r1 + p + 3]! > 0);
      }
    }
    // Parameter gradients: sums over the batch kept in registers.
    let gb = 0; for (let i = 0; i < m; i++) gb += gz[i]!;
    G[ob3] = gb;
    for (let j = 0; j < h2; j++) { let t = 0; for (let i = 0; i < m; i++) t += gz[i]! * H2[i * h2 + j]!; G[oW3 + j] = t; }
    for (let j = 0; j < h2; j++) { let t = 0; for (let i = 0; i < m; i++) t += D2[i * h2 + j]!; G[ob2 + j] = t; }
    for (let j = 0; j < h1; j++) { let t = 0; for (let i = 0; i < m; i++) t += D1[i * h1 + j]!; G[ob1 + j] = t; }
    for (let p = 0; p < h1; p++) {
      for (let j = 0; j < h2; j += 4) {
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        for (let i = 0, x = p, e = j; i < m; i++, x += h1, e += h2) {
          const v = H1[x]!; s0 += v * D2[e]!; s1 += v * D2[e + 1]!; s2 += v * D2[e + 2]!; s3 += v * D2[e + 3]!;
        }
        const o = oW2 + p * h2 + j; G[o] = s0; G[o + 1] = s1; G[o + 2] = s2; G[o + 3] = s3;
      }
    }
    for (let q = 0; q < d; q++) {
      for (let j = 0; j < h1; j += 4) {
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        for (let i = 0, e = j; i < m; i++, e += h1) {
          const v = X[order[start + i]! * d + q]!; s0 += v * D1[e]!; s1 += v * D1[e + 1]!; s2 += v * D1[e + 2]!; s3 += v * D1[e + 3]!;
        }
        const o = oW1 + q * h1 + j; G[o] = s0; G[o + 1] = s1; G[o + 2] = s2; G[o + 3] = s3;
      }
    }
    const t = ++s.t;
    const inv = 1 / m; const stepSize = lr / (1 - b1 ** t); const rootBc2 = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < size; i++) {
      const gi = G[i]! * inv;
      const mi = b1 * M[i]! + (1 - b1) * gi; const vi = b2 * V[i]! + (1 - b2) * gi * gi;
      M[i] = mi; V[i] = vi;
      P[i] = P[i]! - (stepSize * mi) / (Math.sqrt(vi) / rootBc2 + eps);
    }
  }
  return loss / n;
}

/** The hand-fused runner for a workload. */
export function handFused(w: Workload, batch: number, seed = 1): Runner & { params: Float32Array; lastLoss: number } {
  return w.id === 'logistic' ? handLogistic(w, batch, seed) : handMlp(w, batch, seed);
}
