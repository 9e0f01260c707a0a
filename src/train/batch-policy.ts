// Batch sizes that change at epoch boundaries: the adaptive (noise-scale) policy and step schedules.
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { goodput, interpolatedSeconds, type UpdateCost, type UpdateTime } from './goodput.js';
import { GradientNoiseMeter, type NoiseMeterState } from './noise-meter.js';

/** How the learning rate follows the batch size under `batchSize: 'adaptive'`. */
export type LrRule = 'gain' | 'sqrt-gain' | 'none';

/** Options of `batchSize: 'adaptive'` (fit's `adaptive` option). */
export interface AdaptiveBatchOptions {
  /** First epoch's batch size, also the smallest (B_min) and the one the learning rate is tuned for (B_0). Default min(32, n). */
  initial?: number;
  /** Largest batch size (B_max): e.g. the throughput knee (throughputProfile(...).knee). Default min(floor(n/8), 1024), at least `initial`. */
  max?: number;
  /** Learning-rate rule: 'gain' (AdaScale), 'sqrt-gain' or 'none'. Default 'gain' for SGD, 'sqrt-gain' for Adam and RMSProp. */
  lrRule?: LrRule;
  /** Largest learning-rate factor the rule may give (the gain bound): lr <= lr_0 x maxGain. Default 4. */
  maxGain?: number;
  /** Decay of the noise scale's EMA over epochs. Default 0.5. */
  emaDecay?: number;
  /** Largest growth of the batch from one epoch to the next (B_next <= growth x B). Default 2 (doubling, as AdaBatch and Smith's schedule). */
  growth?: number;
  /**
   * Seconds per update by batch size on this machine (the rows of a throughputProfile). With it
   * the batch grows only when that raises Pollux's goodput (examples/s x statistical efficiency);
   * without it, when B_simple >= growth x B.
   */
  throughput?: readonly UpdateCost[];
}

/** fit's `batchSizeSchedule`: B_e = min(max, B_0 x factor^floor((e - 1) / every)) for epoch e (Smith et al. 2017). */
export interface BatchSizeSchedule { type: 'step'; every: number; factor?: number; max?: number }

/** The resolved policy: what fit runs and a checkpoint must match. */
export type BatchPolicySpec =
  | { type: 'adaptive'; initial: number; max: number; lrRule: LrRule; maxGain: number; emaDecay: number; growth: number; throughput?: UpdateCost[] }
  | { type: 'step'; initial: number; every: number; factor: number; max: number };

/** The adaptive policy's back-off (see BatchPolicy.endEpoch): the last epoch's training loss, the learning-rate-scale cap, whether to hold the batch. */
export interface BackoffState { prevLoss: number | null; cap: number | null; hold: boolean }

/** What a checkpoint keeps of a policy. */
export interface BatchPolicyState { spec: BatchPolicySpec; batchSize: number; lrScale: number; meter?: NoiseMeterState; backoff?: BackoffState }

/** The default B_max of the adaptive policy for n training rows: min(floor(n/8), 1024), so an epoch keeps at least 8 updates. */
export function defaultMaxBatch(n: number): number { return Math.max(1, Math.min(Math.floor(n / 8), 1024)); }

/** The power of two nearest `b` in log scale (2^round(log2 b)); 1 for b <= 1. */
export function roundPow2(b: number): number { return b <= 1 ? 1 : 2 ** Math.round(Math.log2(b)); }

/**
 * AdaScale's gain ratio (Johnson, Agrawal, Gu, Guestrin, ICML 2020) for a batch of B against the
 * base batch B_0 at noise scale b = tr(Sigma) / |G|^2: with per-batch gradient variance
 * sigma^2 = tr(Sigma) / B_0 at B_0 and scale S = B / B_0,
 *   r = (sigma^2 + |G|^2) / (sigma^2 / S + |G|^2) = (b / B_0 + 1) / (b / B + 1),
 * between 1 (no noise: a bigger batch gains nothing) and B / B_0 (pure noise: linear scaling).
 * NaN b (not yet measured) counts as pure noise only when B = B_0 (r = 1); Infinity gives B / B_0.
 */
export function gainRatio(b: number, batch: number, base: number): number {
  if (batch === base || Number.isNaN(b)) return 1;
  if (b === Infinity) return batch / base;
  return (b / base + 1) / (b / batch + 1);
}

/** Default bound of the adaptive policy's learning-rate factor (adaptive.maxGain). */
export const DEFAULT_MAX_GAIN = 4;

/** Fewest batch pairs an epoch must give the noise meter before its estimate may grow the batch. */
export const MIN_PAIRS = 4;

/** Complete pairs of equal-sized consecutive batches the meter gets from one epoch at batch size B over n rows. */
export function pairsPerEpoch(batch: number, rows: number): number { return 2 * batch > rows ? 0 : Math.floor(Math.floor(rows / batch) / 2); }

/**
 * The adaptive rule's next batch size from B after an epoch at B that measured noise scale b.
 * The candidate is B' = B x growth (at most max); the batch moves to it only when the epoch gave
 * the meter at least MIN_PAIRS pairs and
 * - with a cost (the `throughput` rows read by interpolatedSeconds, as the time to a target is
 *   priced; a fitted CostModel also serves): goodput(B') > goodput(B), Pollux's
 *   rule (Qiao et al., OSDI 2021): examples/s x statistical efficiency (b + B_0) / (b + B),
 *   bounded by the rate factor the policy will apply at that size (scaleAt: gain rule, maxGain
 *   and back-off cap): min(r, scaleAt(B)) x B_0 / B;
 * - without: b >= B' (the grown batch is still below the noise scale, where McCandlish et al.'s
 *   law S = S_min (1 + b / B) says a bigger batch still saves updates almost in proportion).
 * Infinity (a |G|^2 estimate <= 0: noise dominates) counts as large; NaN (not measured) keeps B.
 */
export function nextAdaptiveBatch(
  b: number, batch: number, s: { growth: number; max: number; initial: number }, rows: number, cost?: UpdateTime,
  scaleAt: (batch: number) => number = () => Infinity,
): number {
  const next = Math.min(s.max, Math.max(batch + 1, Math.round(batch * s.growth)));
  const stay = Math.max(batch, s.initial);
  if (next <= batch || pairsPerEpoch(batch, rows) < MIN_PAIRS || Number.isNaN(b)) return stay;
  if (cost) return goodput(cost, b, next, s.initial, scaleAt(next)) > goodput(cost, b, batch, s.initial, scaleAt(batch)) ? next : stay;
  return b >= next ? next : stay;
}

function checkCosts(rows: readonly UpdateCost[]): UpdateCost[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new MinibatchError('BAD_ARGUMENT', `adaptive.throughput must be a non-empty array of { batchSize, secondsPerUpdate } (e.g. throughputProfile(model, data).rows), got ${JSON.stringify(rows)?.slice(0, 80)}`);
  return rows.map((r, i) => ({
    batchSize: checkInt(`adaptive.throughput[${i}].batchSize`, r?.batchSize, 1, 2 ** 31, 'BAD_ARGUMENT', 'Pass the rows of throughputProfile(model, data).'),
    secondsPerUpdate: checkNumber(`adaptive.throughput[${i}].secondsPerUpdate`, r?.secondsPerUpdate, 0, Infinity, { minInclusive: false, hint: 'Pass the rows of throughputProfile(model, data).' }),
  })).sort((x, y) => x.batchSize - y.batchSize);
}

/** Checks the adaptive options and the schedule into a spec for n training rows (B_0 from `batchSize` for a schedule). */
export function resolvePolicy(
  n: number, requested: number | 'full' | 'adaptive' | undefined, adaptive: AdaptiveBatchOptions | undefined,
  schedule: BatchSizeSchedule | undefined, optimizer: Optimizer,
): BatchPolicySpec | undefined {
  if (requested === 'adaptive') {
    if (schedule) throw new MinibatchError('BAD_ARGUMENT', "batchSizeSchedule needs a fixed starting batchSize (e.g. batchSize: 32), got batchSize: 'adaptive'; use one of the two");
    const a = adaptive ?? {};
    const initial = Math.min(checkInt('adaptive.initial', a.initial ?? 32, 1, 2 ** 31, 'BAD_BATCH_SIZE', 'Use a small batch size such as 32.'), n);
    const max = Math.min(n, Math.max(initial, checkInt('adaptive.max', a.max ?? defaultMaxBatch(n), 1, 2 ** 31, 'BAD_BATCH_SIZE', 'Use e.g. the throughput knee, such as 512.')));
    const lrRule = checkOneOf('adaptive.lrRule', a.lrRule ?? (optimizer.spec.type === 'sgd' ? 'gain' : 'sqrt-gain'), ['gain', 'sqrt-gain', 'none'] as const);
    const maxGain = checkNumber('adaptive.maxGain', a.maxGain ?? DEFAULT_MAX_GAIN, 1, 1e6, { hint: 'Use e.g. 4 (the rate at most 4 x the tuned one); 1 keeps the tuned rate.' });
    const emaDecay = checkNumber('adaptive.emaDecay', a.emaDecay ?? 0.5, 0, 0.999, { hint: 'Use e.g. 0.5 for short runs, 0.9 for long ones.' });
    const growth = checkNumber('adaptive.growth', a.growth ?? 2, 1, 1024, { minInclusive: false, hint: 'Use e.g. 2 (double at most once per epoch).' });
    const throughput = a.throughput === undefined ? undefined : checkCosts(a.throughput);
    return { type: 'adaptive', initial, max, lrRule, maxGain, emaDecay, growth, ...(throughput ? { throughput } : {}) };
  }
  if (adaptive) throw new MinibatchError('BAD_ARGUMENT', `the adaptive option needs batchSize: 'adaptive', got batchSize: ${JSON.stringify(requested)}; set batchSize: 'adaptive' or drop adaptive`);
  if (!schedule) return undefined;
  if (schedule.type !== 'step') throw new MinibatchError('BAD_ARGUMENT', `batchSizeSchedule.type must be 'step', got ${JSON.stringify(schedule.type)}; e.g. { type: 'step', every: 5, factor: 2, max: 1024 }`);
  const initial = typeof requested === 'number' ? Math.min(requested, n) : requested === 'full' ? n : Math.min(32, n);
  return {
    type: 'step', initial,
    every: checkInt('batchSizeSchedule.every', schedule.every, 1, 1e9, 'BAD_ARGUMENT', 'Grow the batch every few epochs, e.g. every: 5.'),
    factor: checkNumber('batchSizeSchedule.factor', schedule.factor ?? 2, 1, 1e6, { minInclusive: false }),
    max: Math.min(n, Math.max(initial, checkInt('batchSizeSchedule.max', schedule.max ?? n, 1, 2 ** 31, 'BAD_BATCH_SIZE', 'Use e.g. 1024.'))),
  };
}

/**
 * Sets the batch size at every epoch start, so each epoch still visits every row once.
 * - 'step': B_e = min(max, round(B_0 x factor^floor((e - 1) / every))); the learning rate is
 *   left alone ("Don't decay the learning rate, increase the batch size", Smith, Kindermans,
 *   Ying, Le, ICLR 2018).
 * - 'adaptive': a GradientNoiseMeter estimates B_simple from the training batches; at each
 *   epoch start B = nextAdaptiveBatch(B_simple, B_prev): at most x growth (default 2) per epoch,
 *   only from an epoch of at least MIN_PAIRS batch pairs, and only when that raises goodput
 *   (with `throughput`) or B_simple >= growth x B_prev (without). A negative estimate counts as 0.
 *   The batch only grows (B_simple grows as the loss falls, McCandlish et al. 2018) and grows
 *   gradually, as in AdaBatch (Devarakonda et al. 2017) and Smith et al. 2018; B_simple is a
 *   guide, not a jump target. The learning rate is lr_0 x r with r = gainRatio(B_simple, B, B_0)
 *   ('gain', AdaScale's rule, for SGD; r <= B / B_0, so it too grows at most x growth per epoch)
 *   or lr_0 x sqrt(r) ('sqrt-gain', the square-root rule that Malladi et al. 2022 derive for
 *   Adam and RMSProp), at most adaptive.maxGain (default 4), set through Optimizer.lrScale. Unlike AdaScale the gain is updated per
 *   epoch and the schedule is not stretched.
 */
export class BatchPolicy {
  batchSize: number;
  lrScale = 1;
  readonly meter: GradientNoiseMeter | undefined;
  private readonly cost: UpdateTime | undefined;
  private backoff: BackoffState = { prevLoss: null, cap: null, hold: false };

  constructor(readonly spec: BatchPolicySpec, params: number, readonly rows: number) {
    this.batchSize = spec.initial;
    this.meter = spec.type === 'adaptive' ? new GradientNoiseMeter(params, rows, spec.emaDecay) : undefined;
    const timed = spec.type === 'adaptive' ? spec.throughput : undefined;
    this.cost = timed ? (m: number): number => interpolatedSeconds(timed, m) : undefined;
  }

  /** The largest batch this policy can ask for (buffers are sized for it). */
  get maxBatchSize(): number { return this.spec.max; }

  /** Picks epoch `epoch`'s batch size and learning-rate scale, and applies them to the sampler and optimizer. */
  beginEpoch(epoch: number, sampler: BatchSampler, optimizer: Optimizer): void {
    const s = this.spec;
    if (s.type === 'step') {
      this.batchSize = Math.min(s.max, Math.round(s.initial * s.factor ** Math.floor((epoch - 1) / s.every)));
    } else if (epoch > 1) {
      const b = Math.max(0, this.meter!.bSimple); // NaN stays NaN
      const scaleAt = (m: number): number => {
        const r = gainRatio(b, m, s.initial);
        return Math.min(s.lrRule === 'gain' ? r : s.lrRule === 'sqrt-gain' ? Math.sqrt(r) : 1, s.maxGain, this.backoff.cap ?? Infinity);
      };
      if (!this.backoff.hold) this.batchSize = nextAdaptiveBatch(b, this.batchSize, s, this.rows, this.cost, scaleAt);
      this.backoff.hold = false;
      this.lrScale = scaleAt(this.batchSize);
    }
    sampler.resize(this.batchSize);
    optimizer.lrScale = this.lrScale;
  }

  /**
   * Ends an epoch with its mean training loss: the meter folds its estimates into the EMA, and
   * (adaptive) when the loss rose above the previous epoch's while the learning rate was scaled
   * up, the policy backs off ("bold driver", Battiti 1989): the scale is capped for the rest of
   * the run at one growth step below the scale that made the loss rise, and the batch holds for
   * one epoch; a rise at an unscaled rate (factor <= 1) caps the factor where it is, so the
   * rate is never raised after a rise (the batch may still grow). The gain assumes the base rate is well inside the stable range; this catches the
   * runs where a scaled rate is not (a noise scale overestimated, or the curvature limit reached).
   */
  endEpoch(trainLoss: number): void {
    this.meter?.closeEpoch();
    if (this.spec.type !== 'adaptive') return;
    const g = this.backoff;
    if (g.prevLoss !== null && trainLoss > g.prevLoss) {
      if (this.lrScale > 1) { g.cap = Math.max(1, this.lrScale / this.spec.growth); g.hold = true; } else g.cap = Math.min(g.cap ?? Infinity, this.lrScale);
    }
    g.prevLoss = Number.isFinite(trainLoss) ? trainLoss : g.prevLoss;
  }

  getState(): BatchPolicyState {
    return {
      spec: this.spec, batchSize: this.batchSize, lrScale: this.lrScale,
      ...(this.meter ? { meter: this.meter.getState(), backoff: { ...this.backoff } } : {}),
    };
  }

  /** Restores a state from getState() of a policy with the same spec, and applies it to the sampler and optimizer. */
  setState(s: BatchPolicyState, sampler: BatchSampler, optimizer: Optimizer, source: string): void {
    if (JSON.stringify(s.spec) !== JSON.stringify(this.spec)) {
      throw new MinibatchError('BAD_ARGUMENT', `${source} was saved with batch-size policy ${JSON.stringify(s.spec)}, this run has ${JSON.stringify(this.spec)}; resume with the same batchSize, adaptive and batchSizeSchedule options`);
    }
    if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1 && s.batchSize <= this.spec.max) || !(s.lrScale > 0)) {
      throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged (batch-size policy state); delete it to start over`);
    }
    this.batchSize = s.batchSize; this.lrScale = s.lrScale;
    if (this.meter && s.meter) this.meter.setState(s.meter);
    if (this.meter && s.backoff) this.backoff = { ...s.backoff };
    sampler.resize(this.batchSize);
    optimizer.lrScale = this.lrScale;
  }
}
