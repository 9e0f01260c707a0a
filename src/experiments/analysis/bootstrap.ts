// Seeded bootstrap over seeds: percentile intervals of a mean, and of a difference of two means.
import { Rng } from '../../core/rng.js';

/** A percentile bootstrap interval of a mean. */
export interface Interval {
  /** Lower and upper ends (NaN without finite values). */
  lo: number;
  hi: number;
  /** Coverage, e.g. 0.9. */
  level: number;
  /** Resamples drawn (0 when fewer than 2 values: the interval then collapses to the value). */
  resamples: number;
  /** Finite values resampled. */
  n: number;
}

/** Defaults: 1000 resamples, 90 % interval, seed 1. */
export const BOOTSTRAP = { resamples: 1000, level: 0.9, seed: 1 } as const;

export interface BootstrapOptions { resamples?: number; level?: number; seed?: number }

/**
 * Percentile bootstrap of the mean (Efron 1979): draw `resamples` samples of size n with
 * replacement from the finite values (seeded RNG, so the same input gives the same interval),
 * take each sample's mean, and return the (1 - level)/2 and (1 + level)/2 quantiles of those
 * means. With one value the interval is that value (resamples 0): no spread can be estimated.
 */
export function bootstrapMean(values: readonly number[], o: BootstrapOptions = {}): Interval {
  const v = values.filter(Number.isFinite);
  const level = o.level ?? BOOTSTRAP.level;
  if (v.length === 0) return { lo: NaN, hi: NaN, level, resamples: 0, n: 0 };
  if (v.length === 1) return { lo: v[0]!, hi: v[0]!, level, resamples: 0, n: 1 };
  const means = resampleMeans([v], o, (m) => m[0]!);
  return { ...quantiles(means, level), level, resamples: means.length, n: v.length };
}

/**
 * Percentile bootstrap interval of mean(a) - mean(b), each resampled within itself (seeded).
 * Collapses to the observed difference when either side has fewer than 2 finite values.
 */
export function bootstrapDifference(a: readonly number[], b: readonly number[], o: BootstrapOptions = {}): Interval {
  const x = a.filter(Number.isFinite); const y = b.filter(Number.isFinite);
  const level = o.level ?? BOOTSTRAP.level;
  if (x.length === 0 || y.length === 0) return { lo: NaN, hi: NaN, level, resamples: 0, n: 0 };
  if (x.length < 2 || y.length < 2) { const d = mean(x) - mean(y); return { lo: d, hi: d, level, resamples: 0, n: Math.min(x.length, y.length) }; }
  const diffs = resampleMeans([x, y], o, (m) => m[0]! - m[1]!);
  return { ...quantiles(diffs, level), level, resamples: diffs.length, n: Math.min(x.length, y.length) };
}

function resampleMeans(groups: number[][], o: BootstrapOptions, combine: (means: number[]) => number): Float64Array {
  const k = o.resamples ?? BOOTSTRAP.resamples;
  const rng = new Rng(o.seed ?? BOOTSTRAP.seed);
  const out = new Float64Array(k); const means = new Array<number>(groups.length).fill(0);
  for (let i = 0; i < k; i++) {
    for (let g = 0; g < groups.length; g++) {
      const v = groups[g]!; let s = 0;
      for (let j = 0; j < v.length; j++) s += v[rng.int(v.length)]!;
      means[g] = s / v.length;
    }
    out[i] = combine(means);
  }
  return out;
}

function quantiles(v: Float64Array, level: number): { lo: number; hi: number } {
  const s = Float64Array.from(v).sort();
  const at = (q: number): number => {
    const pos = q * (s.length - 1); const i = Math.floor(pos); const f = pos - i;
    return i + 1 < s.length ? s[i]! + f * (s[i + 1]! - s[i]!) : s[i]!;
  };
  return { lo: at((1 - level) / 2), hi: at((1 + level) / 2) };
}

function mean(v: readonly number[]): number { return v.reduce((a, b) => a + b, 0) / v.length; }
