// Output losses with per-row weights (sampleWeight, classWeight): the weighted twin of accumulateLoss.
import { STAT, type OutputKind } from './losses.js';

/**
 * accumulateLoss with a weight w_r >= 0 per row (the rows of a batch): the batch's loss is
 *   'mean': L = sum_r w_r l_r / sum_r w_r      (the weighted mean: rows weigh w_r / sum w)
 *   'sum':  L = sum_r w_r l_r
 * and D = dL/dZ = s w_r dl_r/dz with s = 1/sum_r w_r (mean; 0 when every weight is 0) or 1
 * (sum). l_r is the row's loss as in accumulateLoss (BCE averaged over a sigmoid model's
 * outputs, cross-entropy, squared error averaged over outputs). Dividing by the batch's weight
 * (not its row count, as Keras does) keeps the step size independent of the weights' scale, as
 * scikit-learn's sample_weight and PyTorch's weighted CrossEntropyLoss('mean') do.
 *
 * Adds the weighted sums to `stats`: loss, correct, absErr and sqErr each sum_r w_r (.)_r, and
 * count sum_r w_r, so the running means are weighted means. Always float64 in JavaScript (the
 * fused WASM softmax kernel takes no weights).
 */
export function accumulateWeightedLoss(
  kind: OutputKind, m: number, n: number, Z: Float32Array, Y: Float32Array, W: Float32Array,
  D: Float32Array | null, sum: boolean, stats: Float64Array,
): void {
  let total = 0;
  for (let r = 0; r < m; r++) total += W[r]!;
  const scale = sum ? 1 : total > 0 ? 1 / total : 0;
  let loss = 0; let correct = 0; let absErr = 0; let sqErr = 0;
  const inv = 1 / n;
  if (kind === 'sigmoid') {
    for (let i = 0; i < m * n; i++) {
      const w = W[(i / n) | 0]!; const z = Z[i]!; const y = Y[i]!;
      const ez = Math.exp(-Math.abs(z));
      loss += w * ((z > 0 ? z : 0) - z * y + Math.log1p(ez));
      const p = z >= 0 ? 1 / (1 + ez) : ez / (1 + ez);
      if ((z >= 0) === (y >= 0.5)) correct += w;
      const e = p - y; absErr += w * Math.abs(e); sqErr += w * e * e;
      if (D) D[i] = scale * inv * w * e;
    }
    loss *= inv; correct *= inv; absErr *= inv; sqErr *= inv;
  } else if (kind === 'softmax') {
    for (let r = 0; r < m; r++) {
      const o = r * n; const label = Y[r]!; const w = W[r]!;
      let max = Z[o]!; let arg = 0;
      for (let j = 1; j < n; j++) { const z = Z[o + j]!; if (z > max) { max = z; arg = j; } }
      let t = 0;
      for (let j = 0; j < n; j++) t += Math.exp(Z[o + j]! - max);
      loss += w * (max + Math.log(t) - Z[o + label]!);
      if (arg === label) correct += w;
      if (D) {
        const f = (scale * w) / t;
        for (let j = 0; j < n; j++) D[o + j] = Math.exp(Z[o + j]! - max) * f;
        D[o + label] = D[o + label]! - scale * w;
      }
    }
  } else {
    for (let i = 0; i < m * n; i++) {
      const w = W[(i / n) | 0]!; const e = Z[i]! - Y[i]!;
      sqErr += w * e * e; absErr += w * Math.abs(e);
      if (D) D[i] = scale * 2 * inv * w * e;
    }
    sqErr *= inv; absErr *= inv; loss = sqErr;
  }
  stats[STAT.loss]! += loss; stats[STAT.correct]! += correct;
  stats[STAT.absErr]! += absErr; stats[STAT.sqErr]! += sqErr; stats[STAT.count]! += total;
}
