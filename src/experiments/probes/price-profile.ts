// The profile that prices time to target: the throughput profile timed in interleaved rounds, fastest round per batch size.
import type { Dataset } from '../../data/dataset.js';
import type { Model } from '../../nn/model.js';
import { timedProfile, type ThroughputOptions, type ThroughputProfile } from './throughput.js';

/** Defaults of pricingProfile: 9 rounds of one 20 ms repeat per batch size. */
export const PRICING = { rounds: 9, minMs: 20 } as const;

/**
 * Seconds per update by batch size for pricing time to target, robust to a machine whose load
 * changes while it is measured: `rounds` rounds, each timing every batch size once (one repeat of
 * at least `minMs`, after one warm-up of every size: whole updates until 5 ms have passed), and
 * per batch size the fastest round. Interleaving the sizes within each round means a burst
 * of load from another process slows every size of that round alike; taking the fastest round
 * (as timeit does) estimates the cost of an update when the process has a core, a property of
 * the machine rather than of its load at that moment. (The median over rounds was tried first:
 * with a CPU-bound neighbour and a load average near 20 on 2 cores, the ratio of seconds per
 * update between batch sizes 32 and 8 moved from 2.7 to 5.1 between runs, enough to flip the
 * verdict.) All rounds time one model, a copy or (inPlace) `model` itself, with one resident
 * copy of the data and one warm-up: a copy, a warm-up and a data copy per round cost the study
 * about a third of a second. `repeats` of the result is the rounds.
 */
export function pricingProfile(model: Model, data: Dataset, batchSizes: number[], o: Omit<ThroughputOptions, 'batchSizes' | 'repeats'> & { rounds?: number } = {}): ThroughputProfile {
  const rounds = Math.max(1, Math.floor(o.rounds ?? PRICING.rounds));
  return timedProfile(model, data, { ...o, batchSizes }, { repeats: rounds, minMs: o.minMs ?? PRICING.minMs, interleaved: true });
}
