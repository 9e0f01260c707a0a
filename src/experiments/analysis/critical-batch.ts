// The critical batch size from learning curves: fit (S/S_min - 1)(E/E_min - 1) = 1 to steps and examples to a target.
import { checkNumber } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import type { CompareResult, CriticalBatchResult, CriticalPoint, Point } from '../records.js';

export type { CriticalBatchResult, CriticalPoint } from '../records.js';

/**
 * The first evaluation point after at least one update at which a run's validation loss was at
 * or below `target`: exact counts of updates and examples (no interpolation, so the same seed
 * gives the same counts on any machine) and the measured seconds there. The point at 0 updates
 * never counts. Undefined when the run never reached it.
 */
export interface Crossing { steps: number; examples: number; seconds: number }

export function crossing(points: readonly Point[], target: number): Crossing | undefined {
  const p = points.find((q) => q.updates > 0 && q.valLoss <= target);
  return p ? { steps: p.updates, examples: p.examplesSeen, seconds: p.trainSeconds } : undefined;
}

/** Per batch size of a comparison (at its summary learning rate): mean steps and examples to `target`. */
export function criticalPoints(compare: CompareResult, target: number = compare.targetLoss): CriticalPoint[] {
  return compare.summary.map((s) => {
    const runs = compare.runs.filter((r) => r.batchSize === s.batchSize && r.learningRate === s.learningRate && !r.diverged);
    const hits = runs.map((r) => crossing(r.points, target)).filter((h): h is Crossing => h !== undefined);
    const avg = (f: (h: Crossing) => number): number => (hits.length ? hits.reduce((a, h) => a + f(h), 0) / hits.length : NaN);
    return {
      batchSize: s.batchSize, steps: avg((h) => h.steps), examples: avg((h) => h.examples), seconds: avg((h) => h.seconds),
      reached: hits.length, runs: runs.length,
    };
  });
}

/**
 * Fits the empirical model of McCandlish, Kaplan, Amodei et al. (2018), "An Empirical Model of
 * Large-Batch Training", equation 2.11: (S/S_min - 1)(E/E_min - 1) = 1. With E = B S it is
 * S(B) = S_min + E_min / B, a straight line in 1/B with intercept S_min and slope E_min, and
 * B_crit = E_min / S_min. The line is fitted by weighted least squares on RELATIVE residuals
 * (weights 1/S_B^2, since S spans decades across batch sizes), each batch size's S the mean over
 * seeds that reached the target; a negative intercept or slope is clamped to 0 and the other
 * refitted. Needs two batch sizes that reached the target; B_crit is reliable only when the
 * batch sizes straddle it (a point much above and one much below).
 */
export function fitCriticalBatch(points: readonly CriticalPoint[], targetLoss = NaN): CriticalBatchResult {
  const ok = points.filter((p) => p.reached > 0 && p.steps > 0 && Number.isFinite(p.steps) && p.batchSize > 0);
  const method = 'weighted least squares of S = S_min + E_min / B (relative residuals) over the batch sizes that reached the target';
  const base = { targetLoss, points: [...points], method };
  if (new Set(ok.map((p) => p.batchSize)).size < 2) {
    return { ...base, sMin: NaN, eMin: NaN, bCrit: NaN, rmsRelError: NaN, note: `only ${ok.length} batch size${ok.length === 1 ? '' : 's'} reached the target loss; the fit needs at least 2` };
  }
  const u = ok.map((p) => 1 / p.batchSize); const s = ok.map((p) => p.steps); const w = s.map((v) => 1 / (v * v));
  let [a, b] = weightedLine(u, s, w);
  if (a < 0) { a = 0; b = through0(u, s, w); } else if (b < 0) { b = 0; a = weightedMean(s, w); }
  const rms = Math.sqrt(ok.reduce((acc, p, i) => acc + ((a + b * u[i]! - p.steps) / p.steps) ** 2, 0) / ok.length);
  return { ...base, sMin: a, eMin: b, bCrit: a > 0 ? b / a : Infinity, rmsRelError: rms };
}

/** Critical batch size of a comparison at a target validation loss (default: the comparison's). */
export function criticalBatch(compare: CompareResult, targetLoss?: number): CriticalBatchResult {
  const t = targetLoss === undefined ? compare.targetLoss : checkNumber('targetLoss', targetLoss, 0, Infinity);
  if (!Number.isFinite(t)) {
    throw new MinibatchError('BAD_ARGUMENT', `the comparison has no finite target loss (got ${t}); give targetLoss, e.g. 1.1 x the best validation loss`);
  }
  return fitCriticalBatch(criticalPoints(compare, t), t);
}

/** Weighted least squares y = a + b x; returns [a, b] (b = 0 when x has no spread). */
function weightedLine(x: number[], y: number[], w: number[]): [number, number] {
  const sw = sum(w); const mx = dot(w, x) / sw; const my = dot(w, y) / sw;
  let sxx = 0; let sxy = 0;
  for (let i = 0; i < x.length; i++) { sxx += w[i]! * (x[i]! - mx) ** 2; sxy += w[i]! * (x[i]! - mx) * (y[i]! - my); }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mx, b];
}
function through0(x: number[], y: number[], w: number[]): number {
  let sxx = 0; let sxy = 0;
  for (let i = 0; i < x.length; i++) { sxx += w[i]! * x[i]! * x[i]!; sxy += w[i]! * x[i]! * y[i]!; }
  return sxx > 0 ? Math.max(0, sxy / sxx) : 0;
}
function weightedMean(y: number[], w: number[]): number { return dot(w, y) / sum(w); }
function sum(v: number[]): number { return v.reduce((a, b) => a + b, 0); }
function dot(a: number[], b: number[]): number { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; }

/** The steps the noise-scale model predicts at batch size B: S(B) = S_min (1 + B_noise / B). */
export function predictedSteps(sMin: number, bNoise: number, batchSize: number): number {
  return sMin * (1 + bNoise / batchSize);
}

/**
 * S_min for a GIVEN noise scale (e.g. B_simple): least squares of the relative residuals of
 * S_B = S_min (1 + B_noise / B), i.e. S_min = sum(r_B) / sum(r_B^2) with r_B = (1 + B_noise/B) / S_B.
 */
export function fitSMin(points: readonly CriticalPoint[], bNoise: number): number {
  let num = 0; let den = 0;
  for (const p of points) {
    if (!(p.reached > 0 && p.steps > 0)) continue;
    const r = (1 + bNoise / p.batchSize) / p.steps;
    num += r; den += r * r;
  }
  return den > 0 ? num / den : NaN;
}
