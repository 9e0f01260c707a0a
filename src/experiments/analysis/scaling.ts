// How the best learning rate scales with batch size: a log-log least-squares fit against known rules.
import { fmt } from './summary.js';

/** The fit reported in TuneResult.scaling. */
export interface ScalingFit {
  /** Slope k of log(lr*) = a + k log(B); NaN with fewer than two batch sizes. */
  exponent: number;
  rule: 'linear' | 'square-root' | 'neither';
  note: string;
  /** a: natural log of the fitted best rate at batch size 1. */
  intercept: number;
  /** Standard error of k (NaN with fewer than three batch sizes). */
  stderr: number;
  /** Batch sizes in the fit. */
  points: number;
}

/**
 * Least-squares fit of log(best lr) = a + k log(batch size) over the given (batch size, best
 * learning rate) pairs: k = S_xy / S_xx, a = mean(y) - k mean(x), se(k) = sqrt(SSE / (n - 2) / S_xx).
 * k is compared with the linear scaling rule (k = 1, Goyal et al. 2017, "Accurate, Large
 * Minibatch SGD") and the square-root rule (k = 0.5, Krizhevsky 2014; Hoffer et al. 2017): the
 * rule is the nearer of the two when within 0.25 of it, else 'neither'. `atGridEdge` lists batch
 * sizes whose best rate was the smallest or largest rate tried (the fit is then censored).
 */
export function fitScaling(best: ReadonlyArray<{ batchSize: number; learningRate: number }>, atGridEdge: readonly number[] = []): ScalingFit {
  const pts = best.filter((p) => p.batchSize > 0 && p.learningRate > 0 && Number.isFinite(p.learningRate));
  const n = pts.length;
  const xs = pts.map((p) => Math.log(p.batchSize)); const ys = pts.map((p) => Math.log(p.learningRate));
  const mx = mean(xs); const my = mean(ys);
  let sxx = 0; let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (xs[i]! - mx) ** 2; sxy += (xs[i]! - mx) * (ys[i]! - my); }
  if (n < 2 || sxx === 0) {
    return {
      exponent: NaN, intercept: NaN, stderr: NaN, points: n, rule: 'neither',
      note: `Fitting how the best learning rate scales with batch size needs at least two different batch sizes with a usable best rate; got ${n}.`,
    };
  }
  const k = sxy / sxx; const a = my - k * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - a - k * xs[i]!) ** 2;
  const se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : NaN;
  const rule = classify(k);
  return { exponent: k, intercept: a, stderr: se, points: n, rule, note: describe(k, se, rule, pts, atGridEdge) };
}

function classify(k: number): ScalingFit['rule'] {
  const d1 = Math.abs(k - 1); const dh = Math.abs(k - 0.5);
  if (Math.min(d1, dh) > 0.25) return 'neither';
  return d1 <= dh ? 'linear' : 'square-root';
}

function describe(k: number, se: number, rule: ScalingFit['rule'], pts: ReadonlyArray<{ batchSize: number }>, edge: readonly number[]): string {
  const sizes = pts.map((p) => p.batchSize);
  const span = `${pts.length} batch sizes from ${Math.min(...sizes)} to ${Math.max(...sizes)}`;
  const pm = Number.isFinite(se) ? ` (standard error ${fmt(se, 2)})` : '';
  let s = `The best learning rate grows as batch size^${fmt(k, 2)}${pm}, a least-squares fit in log-log over ${span}: `;
  if (rule === 'linear') s += 'close to the linear scaling rule (exponent 1, Goyal et al. 2017).';
  else if (rule === 'square-root') s += 'close to the square-root rule (exponent 0.5, Krizhevsky 2014; Hoffer et al. 2017).';
  else {
    s += 'neither the linear scaling rule (exponent 1, Goyal et al. 2017) nor the square-root rule (exponent 0.5) describes it';
    s += k < 0.25 ? '; the best rate barely changes with batch size, as when plain SGD is limited by curvature rather than gradient noise (beyond the critical batch size, McCandlish et al. 2018).' : '.';
  }
  if (edge.length > 0) s += ` The best rate of batch size${edge.length > 1 ? 's' : ''} ${edge.join(', ')} lies at the edge of the learning-rate grid, so the fit is bounded by the grid; widen learningRates to be sure.`;
  return s;
}

function mean(v: readonly number[]): number { return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; }
