// Output layers fused with their losses: sigmoid + binary cross-entropy, softmax + cross-entropy, linear + MSE.
import { sigmoid } from '../kernels/math.js';

export type OutputKind = 'linear' | 'sigmoid' | 'softmax';

/** Slots of the running statistics a loss pass adds to (sums over examples). */
export const STAT = { loss: 0, correct: 1, absErr: 2, sqErr: 3, count: 4 } as const;
export const STAT_SIZE = 5;

/**
 * Loss of logits Z [m, n] against targets Y, and its gradient with respect to Z.
 *
 * - sigmoid: per output, l = max(z,0) - z y + log(1 + e^-|z|) (= BCE of sigmoid(z), stable for
 *   any z); dl/dz = sigmoid(z) - y, with sigmoid(z) from the same e^-|z| (one exp per output).
 *   Averaged over the n outputs.
 * - softmax: l = logsumexp(z) - z_y with the max subtracted first; dl/dz = softmax(z) - onehot(y).
 *   Y holds one class index per row.
 * - linear: l = (1/n) sum (z - y)^2; dl/dz = (2/n)(z - y).
 *
 * The training hot path: writes `s x dl/dz` into D (which may alias Z) unless D is null, with
 * s = 1 when `sum` and 1/m otherwise, and adds the summed loss, correct predictions, absolute
 * and squared errors and the row count to `stats` (see STAT). Returns nothing: a double
 * returned from a call V8 does not inline is boxed, one heap number per training step.
 */
export function accumulateLoss(
  kind: OutputKind, m: number, n: number, Z: Float32Array, Y: Float32Array,
  D: Float32Array | null, sum: boolean, stats: Float64Array,
): void {
  const scale = sum ? 1 : 1 / m;
  let loss = 0; let correct = 0; let absErr = 0; let sqErr = 0;
  if (kind === 'sigmoid') {
    const inv = 1 / n; const g = scale * inv;
    for (let i = 0; i < m * n; i++) {
      const z = Z[i]!; const y = Y[i]!;
      const ez = Math.exp(-Math.abs(z));
      loss += (z > 0 ? z : 0) - z * y + Math.log1p(ez);
      const p = z >= 0 ? 1 / (1 + ez) : ez / (1 + ez);
      if ((z >= 0) === (y >= 0.5)) correct++;
      const e = p - y; absErr += Math.abs(e); sqErr += e * e;
      if (D) D[i] = g * e;
    }
    loss *= inv; correct *= inv; absErr *= inv; sqErr *= inv;
  } else if (kind === 'softmax') {
    // One exp per logit: e_j = exp(z_j - max) is kept (float64) for the gradient e_j / total.
    const e = expRow(n);
    for (let i = 0; i < m; i++) {
      const o = i * n; const label = Y[i]!;
      let max = Z[o]!; let arg = 0;
      for (let j = 1; j < n; j++) { const z = Z[o + j]!; if (z > max) { max = z; arg = j; } }
      let total = 0;
      for (let j = 0; j < n; j++) { const v = Math.exp(Z[o + j]! - max); e[j] = v; total += v; }
      loss += max + Math.log(total) - Z[o + label]!;
      if (arg === label) correct++;
      if (D) {
        const f = scale / total;
        for (let j = 0; j < n; j++) D[o + j] = e[j]! * f;
        D[o + label] = D[o + label]! - scale;
      }
    }
  } else {
    const inv = 1 / n;
    for (let i = 0; i < m * n; i++) {
      const e = Z[i]! - Y[i]!;
      sqErr += e * e; absErr += Math.abs(e);
      if (D) D[i] = scale * 2 * inv * e;
    }
    sqErr *= inv; absErr *= inv; loss = sqErr;
  }
  stats[STAT.loss]! += loss; stats[STAT.correct]! += correct;
  stats[STAT.absErr]! += absErr; stats[STAT.sqErr]! += sqErr; stats[STAT.count]! += m;
}

/**
 * The mean loss of the best constant prediction on m rows of targets Y (n outputs): for sigmoid
 * the binary entropy of each output's mean target, for softmax the entropy of the class
 * proportions, for linear the variance of each target column (each averaged over the outputs,
 * as accumulateLoss averages). A scale for the loss of a model that has learnt nothing; 0 for
 * constant targets or m = 0.
 */
export function constantLoss(kind: OutputKind, m: number, n: number, Y: Float32Array): number {
  if (m === 0) return 0;
  const h = (p: number): number => (p > 0 && p < 1 ? -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) : 0);
  if (kind === 'softmax') {
    const counts = new Float64Array(n);
    for (let i = 0; i < m; i++) counts[Y[i]!]! += 1;
    let e = 0;
    for (const c of counts) if (c > 0) e -= (c / m) * Math.log(c / m);
    return e;
  }
  let total = 0;
  for (let j = 0; j < n; j++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += Y[i * n + j]!;
    mean /= m;
    if (kind === 'sigmoid') { total += h(mean); continue; }
    let v = 0;
    for (let i = 0; i < m; i++) { const d = Y[i * n + j]! - mean; v += d * d; }
    total += v / m;
  }
  return total / n;
}

const scratch = new Float64Array(STAT_SIZE);
let expScratch = new Float64Array(16);

/** A float64 row of at least n values for softmax's exponentials (grown once, then reused). */
function expRow(n: number): Float64Array {
  if (expScratch.length < n) expScratch = new Float64Array(n);
  return expScratch;
}

/**
 * accumulateLoss with any gradient scale (D holds `scale x dl/dz`), returning the summed loss
 * over the m rows. For gradient checks and one-off passes; training uses accumulateLoss.
 */
export function outputLoss(
  kind: OutputKind, m: number, n: number, Z: Float32Array, Y: Float32Array,
  D: Float32Array | null, scale: number, stats: Float64Array,
): number {
  scratch.fill(0);
  const mean = scale === 1 / m && scale !== 1;
  accumulateLoss(kind, m, n, Z, Y, D, !mean, scratch);
  if (D && !mean && scale !== 1) for (let i = 0; i < m * n; i++) D[i] = D[i]! * scale;
  for (let s = 0; s < STAT_SIZE; s++) stats[s]! += scratch[s]!;
  return scratch[STAT.loss]!;
}

/** Turns logits into outputs in place: probabilities for sigmoid and softmax, identity for linear. */
export function outputTransform(kind: OutputKind, m: number, n: number, Z: Float32Array): void {
  if (kind === 'sigmoid') { for (let i = 0; i < m * n; i++) Z[i] = sigmoid(Z[i]!); return; }
  if (kind !== 'softmax') return;
  for (let i = 0; i < m; i++) {
    const o = i * n; let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, Z[o + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) { const e = Math.exp(Z[o + j]! - max); Z[o + j] = e; sum += e; }
    for (let j = 0; j < n; j++) Z[o + j] = Z[o + j]! / sum;
  }
}
