// The profile that prices time to target: the throughput profile timed in interleaved rounds, fastest round per batch size.
import type { Dataset } from '../../data/dataset.js';
import type { Model } from '../../nn/model.js';
import { kneeOf, throughputProfile, type ThroughputOptions, type ThroughputProfile, type ThroughputRow } from './throughput.js';

/** Defaults of pricingProfile: 9 rounds of one 20 ms repeat per batch size. */
export const PRICING = { rounds: 9, minMs: 20 } as const;

/**
 * Seconds per update by batch size for pricing time to target, robust to a machine whose load
 * changes while it is measured: `rounds` rounds, each timing every batch size once (one repeat of
 * at least `minMs`, after throughputProfile's warm-up: whole updates until minMs has passed),
 * and per batch size the fastest round. Interleaving the sizes within each round means a burst
 * of load from another process slows every size of that round alike; taking the fastest round
 * (as timeit does) estimates the cost of an update when the process has a core, a property of
 * the machine rather than of its load at that moment. (The median over rounds was tried first:
 * with a CPU-bound neighbour and a load average near 20 on 2 cores, the ratio of seconds per
 * update between batch sizes 32 and 8 moved from 2.7 to 5.1 between runs, enough to flip the
 * verdict.) `repeats` of the result is the rounds.
 */
export function pricingProfile(model: Model, data: Dataset, batchSizes: number[], o: Omit<ThroughputOptions, 'batchSizes' | 'repeats'> & { rounds?: number } = {}): ThroughputProfile {
  const rounds = Math.max(1, Math.floor(o.rounds ?? PRICING.rounds));
  const profiles: ThroughputProfile[] = [];
  for (let i = 0; i < rounds; i++) profiles.push(throughputProfile(model, data, { ...o, batchSizes, repeats: 1, minMs: o.minMs ?? PRICING.minMs, seed: (o.seed ?? 1) + i }));
  const first = profiles[0]!;
  const rows = first.rows.map((r, k): ThroughputRow => {
    const sec = Math.min(...profiles.map((p) => p.rows[k]!.secondsPerUpdate));
    return { ...r, secondsPerUpdate: sec, examplesPerSecond: r.batchSize / sec, updatesPerRepeat: Math.min(...profiles.map((p) => p.rows[k]!.updatesPerRepeat)) };
  });
  const { peak, knee } = kneeOf(rows, first.kneeFraction);
  return { ...first, rows, peakExamplesPerSecond: peak, knee, repeats: rounds, seconds: profiles.reduce((a, p) => a + p.seconds, 0) };
}
