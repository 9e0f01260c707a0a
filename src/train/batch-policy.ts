// Batch sizes that change at epoch boundaries: the adaptive (noise-scale) policy and step schedules.
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Optimizer } from '../optim/optimizer.js';
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
  /** Decay of the noise scale's EMA over epochs. Default 0.5. */
  emaDecay?: number;
}

/** fit's `batchSizeSchedule`: B_e = min(max, B_0 x factor^floor((e - 1) / every)) for epoch e (Smith et al. 2017). */
export interface BatchSizeSchedule { type: 'step'; every: number; factor?: number; max?: number }

/** The resolved policy: what fit runs and a checkpoint must match. */
export type BatchPolicySpec =
  | { type: 'adaptive'; initial: number; max: number; lrRule: LrRule; emaDecay: number }
  | { type: 'step'; initial: number; every: number; factor: number; max: number };

/** What a checkpoint keeps of a policy. */
export interface BatchPolicyState { spec: BatchPolicySpec; batchSize: number; lrScale: number; meter?: NoiseMeterState }

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
    const emaDecay = checkNumber('adaptive.emaDecay', a.emaDecay ?? 0.5, 0, 0.999, { hint: 'Use e.g. 0.5 for short runs, 0.9 for long ones.' });
    return { type: 'adaptive', initial, max, lrRule, emaDecay };
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
 *   epoch start B = clamp(max(B_prev, roundPow2(B_simple)), B_0, B_max) (the batch only grows:
 *   B_simple grows as the loss falls, McCandlish et al. 2018, and a monotone rule is robust to
 *   a noisy estimate), and the learning rate is lr_0 x r with r = gainRatio(B_simple, B, B_0)
 *   ('gain', AdaScale's rule, for SGD) or lr_0 x sqrt(r) ('sqrt-gain', the square-root rule that
 *   Malladi et al. 2022 derive for Adam and RMSProp), set through Optimizer.lrScale. Unlike
 *   AdaScale the gain is updated per epoch and the schedule is not stretched.
 */
export class BatchPolicy {
  batchSize: number;
  lrScale = 1;
  readonly meter: GradientNoiseMeter | undefined;

  constructor(readonly spec: BatchPolicySpec, params: number, rows: number) {
    this.batchSize = spec.initial;
    this.meter = spec.type === 'adaptive' ? new GradientNoiseMeter(params, rows, spec.emaDecay) : undefined;
  }

  /** The largest batch this policy can ask for (buffers are sized for it). */
  get maxBatchSize(): number { return this.spec.max; }

  /** Picks epoch `epoch`'s batch size and learning-rate scale, and applies them to the sampler and optimizer. */
  beginEpoch(epoch: number, sampler: BatchSampler, optimizer: Optimizer): void {
    const s = this.spec;
    if (s.type === 'step') {
      this.batchSize = Math.min(s.max, Math.round(s.initial * s.factor ** Math.floor((epoch - 1) / s.every)));
    } else {
      const b = this.meter!.bSimple;
      if (Number.isFinite(b)) this.batchSize = Math.min(s.max, Math.max(this.batchSize, roundPow2(b), s.initial));
      else if (b === Infinity) this.batchSize = s.max;
      const r = gainRatio(b, this.batchSize, s.initial);
      this.lrScale = s.lrRule === 'gain' ? r : s.lrRule === 'sqrt-gain' ? Math.sqrt(r) : 1;
    }
    sampler.resize(this.batchSize);
    optimizer.lrScale = this.lrScale;
  }

  /** Ends an epoch (the meter folds its estimates into the EMA). */
  endEpoch(): void { this.meter?.closeEpoch(); }

  getState(): BatchPolicyState {
    return { spec: this.spec, batchSize: this.batchSize, lrScale: this.lrScale, ...(this.meter ? { meter: this.meter.getState() } : {}) };
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
    sampler.resize(this.batchSize);
    optimizer.lrScale = this.lrScale;
  }
}
