// Pure summaries of experiment records: spreads over seeds, time to a target loss, distances.
import type { Point, Spread } from '../records.js';
import { LOSS_OBJECTIVE, meets, type Objective } from './objective.js';

/**
 * Mean, sample standard deviation, min and max of the finite entries of `values`
 * (NaN and infinities stand for "not reached" or "diverged" and are skipped), with
 * `values` kept as given. sd = sqrt(sum (v - mean)^2 / (n - 1)), 0 for a single value;
 * all statistics are NaN when no value is finite.
 */
export function summarise(values: readonly number[]): Spread {
  const ok = values.filter((v) => Number.isFinite(v));
  const n = ok.length;
  if (n === 0) return { mean: NaN, sd: NaN, min: NaN, max: NaN, values: [...values] };
  let sum = 0; let min = Infinity; let max = -Infinity;
  for (const v of ok) { sum += v; if (v < min) min = v; if (v > max) max = v; }
  const mean = sum / n;
  let ss = 0;
  for (const v of ok) ss += (v - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min, max, values: [...values] };
}

/**
 * The first evaluation point after at least one update whose validation loss is at or below
 * `target` (or, for another objective, whose value is at or beyond it in its better direction), or undefined. The point at 0 updates (the untrained model) never counts: a target
 * "reached" before training says nothing about the batch size. No interpolation: the answer is
 * an exact count, late by at most one evaluation interval.
 */
export function firstPointAtTarget(points: readonly Point[], target: number, o: Objective = LOSS_OBJECTIVE): Point | undefined {
  return points.find((p) => p.updates > 0 && meets(o, o.value(p), target));
}

/**
 * Measured seconds of training (evaluation excluded) until a run's validation loss first reached
 * `target` (see firstPointAtTarget); NaN when it never did. A wall-clock reading: it varies with
 * the machine's load; the verdict uses the priced time (see pricedTimes) instead.
 */
export function secondsToTarget(points: readonly Point[], target: number, o: Objective = LOSS_OBJECTIVE): number {
  return firstPointAtTarget(points, target, o)?.trainSeconds ?? NaN;
}

/** Training examples processed until the validation loss first reached `target` (NaN if never). */
export function examplesToTarget(points: readonly Point[], target: number, o: Objective = LOSS_OBJECTIVE): number {
  return firstPointAtTarget(points, target, o)?.examplesSeen ?? NaN;
}

/** Parameter updates made until the validation loss first reached `target` (NaN if never). */
export function updatesToTarget(points: readonly Point[], target: number, o: Objective = LOSS_OBJECTIVE): number {
  return firstPointAtTarget(points, target, o)?.updates ?? NaN;
}

/**
 * Lowest validation loss over a run's trained points (after at least one update; Infinity for a
 * run without any), so a target derived from it is one that training reached.
 */
export function bestValLoss(points: readonly Point[]): number {
  let best = Infinity;
  for (const p of points) if (p.updates > 0 && p.valLoss < best) best = p.valLoss;
  return best;
}

/**
 * Relative Euclidean distance ||w - ref|| / ||ref|| (the absolute distance when ref is 0).
 * Throws nothing: arrays of different lengths give NaN.
 */
export function relativeDistance(w: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (w.length !== ref.length) return NaN;
  let d = 0; let r = 0;
  for (let i = 0; i < w.length; i++) {
    const a = w[i]!; const b = ref[i]!;
    d += (a - b) ** 2; r += b * b;
  }
  return r > 0 ? Math.sqrt(d / r) : Math.sqrt(d);
}

/** Geometric mean of positive numbers and the sample sd of their log10 (in decades). */
export function geometricSpread(values: readonly number[]): { mean: number; spreadLog10: number } {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map((v) => Math.log10(v));
  const s = summarise(logs);
  return { mean: 10 ** s.mean, spreadLog10: s.sd };
}

/** A number in short human form for evidence sentences: 3 significant digits. */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}
