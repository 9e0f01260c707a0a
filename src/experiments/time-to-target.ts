// Time to target priced by the throughput profile: exact update counts x seconds per update, with bootstrap intervals.
import { bootstrapMean, type Interval } from './bootstrap.js';
import type { RunRecord, Spread } from './records.js';
import { firstPointAtTarget, summarise } from './summary.js';
import { finalPoint } from './target.js';
import { secondsPerUpdateAt, type ThroughputProfile } from './throughput.js';

/** Measured wall time and priced time disagree when their ratio is beyond this factor either way. */
export const DISAGREE_FACTOR = 2;

/** The priced time-to-target fields of one batch size's summary row. */
export interface PricedTimes {
  /** Seconds per update at this batch size from the throughput profile (NaN without a profile). */
  secondsPerUpdate: number;
  /** Per seed: updates to the target x secondsPerUpdate (NaN for a seed that never reached it). */
  pricedSecondsToTarget: Spread;
  /** Non-diverged seeds that reached the target, and non-diverged seeds. */
  reached: number;
  finished: number;
  /** Mean measured wall seconds to target / mean priced seconds (NaN when either is missing). */
  wallOverPriced: number;
  /** True when wallOverPriced is beyond DISAGREE_FACTOR either way. */
  timesDisagree: boolean;
  /** Seeded bootstrap intervals over seeds (see bootstrapMean). */
  intervals: {
    pricedSecondsToTarget: Interval; updatesToTarget: Interval; finalValLoss: Interval; finalValMetric: Interval;
  };
}

/**
 * Prices one batch size's runs: for each seed, u = the updates made until the first evaluation
 * point after at least one update whose validation loss is <= target (an exact count, the same
 * for a seed on any machine), and time to target T = u x t(B), with t(B) the median seconds per
 * update of the throughput profile at that batch size (timed in isolation, not during the
 * sweep). The measured wall time is kept beside it: wallOverPriced = mean wall / mean priced.
 * `seed` seeds the bootstrap (the same seed gives the same intervals).
 */
export function pricedTimes(runs: readonly RunRecord[], batchSize: number, target: number, profile: Pick<ThroughputProfile, 'rows'> | undefined, seed = 1): PricedTimes {
  const spu = profile && profile.rows.length > 0 ? secondsPerUpdateAt(profile, batchSize) : NaN;
  const done = runs.filter((r) => !r.diverged);
  const hits = runs.map((r) => (r.diverged ? undefined : firstPointAtTarget(r.points, target)));
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
