// Time to target priced by the throughput profile: exact update counts x seconds per update, with bootstrap intervals.
import { bootstrapMean } from './bootstrap.js';
import type { PricedTimes, RunRecord } from '../records.js';

export type { PricedTimes } from '../records.js';
import { firstPointAtTarget, summarise } from './summary.js';
import { finalPoint } from './target.js';
import { LOSS_OBJECTIVE, type Objective } from './objective.js';
import { secondsPerUpdateAt, type ThroughputProfile } from '../probes/throughput.js';

/** Measured wall time and priced time disagree when their ratio is beyond this factor either way. */
export const DISAGREE_FACTOR = 2;


/**
 * Prices one batch size's runs: for each seed, u = the updates made until the first evaluation
 * point after at least one update whose validation loss is <= target (for a metric objective:
 * whose metric is at or beyond it; an exact count, the same for a seed on any machine), and time
 * to target T = u x t(B), with t(B) the median seconds per update of the throughput profile at
 * that batch size (timed in isolation, not during the sweep).
 * The measured wall time is kept beside it: wallOverPriced = mean wall / mean priced.
 * `seed` seeds the bootstrap (the same seed gives the same intervals).
 */
export function pricedTimes(
  runs: readonly RunRecord[], batchSize: number, target: number, profile: Pick<ThroughputProfile, 'rows'> | undefined, seed = 1, objective: Objective = LOSS_OBJECTIVE,
): PricedTimes {
  const spu = profile && profile.rows.length > 0 ? secondsPerUpdateAt(profile, batchSize) : NaN;
  const done = runs.filter((r) => !r.diverged);
  const hits = runs.map((r) => (r.diverged ? undefined : firstPointAtTarget(r.points, target, objective)));
  const updates = hits.map((h) => h?.updates ?? NaN);
  const priced = summarise(updates.map((u) => u * spu));
  const wall = summarise(hits.map((h) => h?.trainSeconds ?? NaN));
  const ratio = wall.mean / priced.mean;
  const finals = runs.map((r) => finalPoint(r));
  const o = { seed };
  return {
    secondsPerUpdate: spu, pricedSecondsToTarget: priced,
    reached: hits.filter((h) => h !== undefined).length, finished: done.length,
    wallOverPriced: Number.isFinite(ratio) ? ratio : NaN,
    timesDisagree: Number.isFinite(ratio) && ratio > 0 && Math.max(ratio, 1 / ratio) > DISAGREE_FACTOR,
    intervals: {
      pricedSecondsToTarget: bootstrapMean(priced.values, o),
      updatesToTarget: bootstrapMean(updates, o),
      finalValLoss: bootstrapMean(finals.map((p) => p?.valLoss ?? NaN), o),
      finalValMetric: bootstrapMean(finals.map((p) => p?.valMetric ?? NaN), o),
    },
  };
}
