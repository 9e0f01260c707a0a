// Is a batch size's final quality indistinguishable from the best's? A bootstrap test over seeds with a practical floor.
import { bootstrapDifference, type Interval } from './bootstrap.js';
import type { MetricName, Spread } from '../records.js';
import { higherIsBetter } from '../../train/metrics.js';

/** Fewest seeds per batch size for a claim about seed-to-seed noise. */
export const MIN_SEEDS_FOR_NOISE = 3;

/**
 * Gaps below these never matter: half a point of accuracy (and of any metric where higher is
 * better: precision, recall, F1, AUC, R^2), or 2 % of the best mse (and of any error or loss).
 */
export const QUALITY_FLOOR = { accuracy: 0.005, mseRelative: 0.02 };

export interface QualityCheck {
  /** True when the final metric cannot be told apart from the best's (or the gap is below the floor). */
  same: boolean;
  /** 'test': the bootstrap interval decided; 'floor': too few seeds, only the floor was applied. */
  basis: 'test' | 'floor';
  /** The practical floor used. */
  floor: number;
  /** Bootstrap interval of mean(r) - mean(best) (NaN ends for 'floor'). */
  difference: Interval;
}

/** The floor of `metric` given the best value. */
export function qualityFloor(metric: MetricName, best: number): number {
  return higherIsBetter(metric) ? QUALITY_FLOOR.accuracy : QUALITY_FLOOR.mseRelative * Math.abs(best);
}

/**
 * Compares final validation metrics over seeds. With at least MIN_SEEDS_FOR_NOISE finite seeds
 * on both sides: indistinguishable when the 90 % percentile-bootstrap interval of
 * mean(r) - mean(best) (1000 seeded resamples within each side) contains 0, or when the
 * observed gap is within the floor. With fewer seeds no noise claim can be made, so only the
 * floor decides (basis 'floor').
 */
export function compareQuality(r: Spread, best: Spread, metric: MetricName, seed = 1): QualityCheck {
  const floor = qualityFloor(metric, best.mean);
  const gap = Math.abs(r.mean - best.mean);
  const n = Math.min(r.values.filter(Number.isFinite).length, best.values.filter(Number.isFinite).length);
  if (n < MIN_SEEDS_FOR_NOISE) {
    return { same: gap <= floor, basis: 'floor', floor, difference: { lo: NaN, hi: NaN, level: 0.9, resamples: 0, n } };
  }
  const d = bootstrapDifference(r.values, best.values, { seed });
  return { same: gap <= floor || (d.lo <= 0 && d.hi >= 0), basis: 'test', floor, difference: d };
}
