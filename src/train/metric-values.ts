// Metric formulas on predictions and labels (scikit-learn's definitions): precision, recall, F1, ROC AUC, log loss, R^2, confusion matrix.

/**
 * The confusion matrix C[k x k] (row-major) of integer labels against predicted labels:
 * C[t * k + p] counts rows of true class t predicted as p (sklearn.metrics.confusion_matrix).
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): Float64Array {
  const c = new Float64Array(k * k);
  for (let i = 0; i < truth.length; i++) c[truth[i]! * k + predicted[i]!]! += 1;
  return c;
}

/** Per-class precision, recall, F1 and support from a k x k confusion matrix (0 where undefined, as sklearn's zero_division=0). */
export function perClass(c: Float64Array, k: number): { precision: Float64Array; recall: Float64Array; f1: Float64Array; support: Float64Array } {
  const precision = new Float64Array(k); const recall = new Float64Array(k);
  const f1 = new Float64Array(k); const support = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let predicted = 0; let actual = 0;
    for (let i = 0; i < k; i++) { predicted += c[i * k + j]!; actual += c[j * k + i]!; }
    const tp = c[j * k + j]!;
    support[j] = actual;
    precision[j] = predicted > 0 ? tp / predicted : 0;
    recall[j] = actual > 0 ? tp / actual : 0;
    // F1 = 2 tp / (2 tp + fp + fn), the form sklearn uses (equal to the harmonic mean when both are defined).
    const denom = predicted + actual;
    f1[j] = denom > 0 ? (2 * tp) / denom : 0;
  }
  return { precision, recall, f1, support };
}

/** The unweighted mean ('macro') or the support-weighted mean ('weighted') of per-class values. */
export function average(values: Float64Array, support: Float64Array, how: 'macro' | 'weighted'): number {
  let s = 0; let w = 0;
  for (let j = 0; j < values.length; j++) {
    const wj = how === 'macro' ? 1 : support[j]!;
    s += wj * values[j]!; w += wj;
  }
  return w > 0 ? s / w : 0;
}

/**
 * Area under the ROC curve of scores against 0/1 labels (sklearn.metrics.roc_auc_score, binary):
 * the Mann-Whitney statistic AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg), with R_pos the
 * sum of the positives' ranks among all scores, tied scores given their average rank (so ties
 * count one half, as the ROC curve's trapezoids do). NaN when only one class is present.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0; let pos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let t = i; t <= j; t++) if (labels[order[t]!]! >= 0.5) { rankSum += rank; pos++; }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Probabilities are clipped to [EPS, 1 - EPS] before the log (sklearn clips to the dtype's eps; float32 here). */
const EPS = 1.1920928955078125e-7;

/**
 * Mean log loss (sklearn.metrics.log_loss): -(1/m) sum_i log p_i(y_i). `probs` holds one
 * probability per row for a binary model (of class 1) or `k` per row (softmax) with class indices in `labels`.
 */
export function logLoss(labels: ArrayLike<number>, probs: ArrayLike<number>, k: number): number {
  const m = labels.length; let s = 0;
  for (let i = 0; i < m; i++) {
    let p: number;
    if (k === 1) { const p1 = probs[i]!; p = labels[i]! >= 0.5 ? p1 : 1 - p1; } else p = probs[i * k + labels[i]!]!;
    s -= Math.log(Math.min(1 - EPS, Math.max(EPS, p)));
  }
  return s / m;
}

/**
 * Coefficient of determination (sklearn.metrics.r2_score, multioutput='uniform_average'):
 * per output j, R^2_j = 1 - sum_i (y_ij - f_ij)^2 / sum_i (y_ij - mean_j y)^2, then the mean over
 * outputs. An output with constant targets scores 1 when predicted exactly, else 0 (as sklearn).
 */
export function r2(y: ArrayLike<number>, f: ArrayLike<number>, width: number): number {
  const m = y.length / width; let total = 0;
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += y[i * width + j]!;
    mean /= m;
    let res = 0; let tot = 0;
    for (let i = 0; i < m; i++) {
      const v = y[i * width + j]!; const e = v - f[i * width + j]!; const d = v - mean;
      res += e * e; tot += d * d;
    }
    total += tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
  }
  return total / width;
}
