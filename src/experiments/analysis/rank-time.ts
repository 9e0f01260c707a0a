// Ranking batch sizes by time to target: priced time (exact updates x profiled seconds/update), ties (within 1.5x, or all under 0.1 s) by fewest updates.
import type { CompareResult } from '../records.js';

type Row = CompareResult['summary'][number];

/**
 * Priced times within this factor of the fastest are a tie. The profile's ratio of seconds per
 * update between two batch sizes moved by up to 1.35x between repeated studies on a loaded
 * machine (Pima, 128 vs 8: 5.1 to 6.9; a first try with 1.2 flipped the Pima verdict once in
 * three runs), so differences below 1.5x are not evidence that one batch size is faster.
 */
export const TIE_FACTOR = 1.5;

/**
 * Priced times under this many seconds are a tie whatever their ratio: there the seconds per
 * update are microseconds, which a loaded machine's profile cannot rank (ionosphere: batch size
 * 32 moved 1.9x between runs, Pima 128 2.8x), and a difference of a fraction of 0.1 s of
 * training matters to nobody waiting for it.
 */
export const TIME_FLOOR_SECONDS = 0.1;

export interface TimeRanking {
  /** The fastest row, or undefined when no row reached the target. */
  chosen: Row | undefined;
  /** What was ranked: the priced time when every candidate has one, else the measured wall time. */
  basis: 'priced' | 'wall' | 'none';
  /** Rows tied with the fastest (within TIE_FACTOR), the chosen one included; length 1 when no tie. */
  tied: Row[];
  /** The time ranked, per row. */
  time: (r: Row) => number;
}

/**
 * The median over seeds of a time to target, a seed that never reached the target counting as
 * infinitely slow (so the median is finite only when at least half the seeds reached it).
 */
export function medianTime(values: readonly number[]): number {
  const v = values.map((x) => (Number.isNaN(x) ? Infinity : x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  const med = v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  return Number.isFinite(med) ? med : NaN;
}

/**
 * The fastest of `pool` to the target. Time is the priced time to target (per seed, updates to
 * target x the profile's seconds per update) when the pool's rows have one, else the measured
 * wall time (results without a profile); a row's time is its median over seeds, a seed that
 * never reached the target counting as infinitely slow. Rows within TIE_FACTOR of the fastest
 * (or, when the fastest is under TIME_FLOOR_SECONDS, all rows under it) are
 * tied, and the tie goes to the fewest updates to target (mean over seeds), then to the lowest
 * mean final validation loss: counts that do not depend on the machine, so a tie cannot flip with
 * its load. Fewest updates, because at equal time it is the setting that parallel hardware can
 * speed up further (Shallue et al. 2018), and because the candidates' final quality is already
 * indistinguishable (choosing by final loss there would rank seed noise).
 */
export function rankByTime(pool: readonly Row[]): TimeRanking {
  const priced = pool.some((r) => Number.isFinite(r.pricedSecondsToTarget?.mean));
  const time = priced ? (r: Row): number => medianTime(r.pricedSecondsToTarget?.values ?? []) : (r: Row): number => medianTime(r.secondsToTarget.values);
  const timed = pool.filter((r) => Number.isFinite(time(r)));
  if (timed.length === 0) return { chosen: undefined, basis: 'none', tied: [], time };
  const fastest = Math.min(...timed.map(time));
  const tied = timed.filter((r) => time(r) <= Math.max(TIE_FACTOR * fastest, TIME_FLOOR_SECONDS));
  const chosen = tied.reduce((x, y) => (better(y, x) ? y : x));
  return { chosen, basis: priced ? 'priced' : 'wall', tied, time };
}

function better(a: Row, b: Row): boolean {
  const ua = a.updatesToTarget.mean; const ub = b.updatesToTarget.mean;
  if (ua !== ub) return ua < ub;
  return a.finalValLoss.mean < b.finalValLoss.mean;
}
