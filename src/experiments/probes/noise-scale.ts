// The gradient noise scale B_simple = tr(Sigma) / |G|^2: exact (per-example) and two-batch estimators, and an EMA.
import { checkInt, checkOneOf } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import type { Model } from '../../nn/model.js';
import { PerExample } from '../../nn/per-example.js';
import type { BatchInfo, EpochRecord, FitCallbacks, History } from '../../train/fit.js';
import { NoiseScaleEma } from '../../train/noise-meter.js';

export { NoiseScaleEma } from '../../train/noise-meter.js';

export type NoiseMethod = 'exact' | 'two-batch';

export interface NoiseScaleOptions {
  /** 'exact' (per-example gradients over every row, default) or 'two-batch' (any model, sampled). */
  method?: NoiseMethod;
  /** Two-batch: [small, big] batch sizes. Default [min(8, N), min(1024, N)] (big at least 2 x small). */
  batchSizes?: [number, number];
  /** Two-batch: how many big batches to draw. Default 16. */
  samples?: number;
  /** Seed of the two-batch sampling. Default 1. */
  seed?: number;
  /** Weights to measure at (default: the model's current parameters). */
  params?: Float32Array;
  /** Milliseconds clock for the cost. Default performance.now. */
  clock?: () => number;
  /**
   * A PerExample over this model and data to measure with, reused across measurements (its
   * buffers, and each row's input norm once computed: the rows must not change in between).
   * Default: a new one per call.
   */
  workspace?: PerExample;
}

/** The noise scale at one set of weights, per example with the loss averaged over the batch. */
export interface NoiseScaleResult {
  method: NoiseMethod;
  /** B_simple = tr(Sigma) / |G|^2 (Infinity when G = 0, e.g. at an exact optimum). */
  bSimple: number;
  /** tr(Sigma), Sigma the covariance of the per-example gradients (population, 1/N). */
  traceSigma: number;
  /** |G|^2, G the mean per-example gradient over all rows (the true gradient). */
  gradNormSq: number;
  /** Mean training loss at these weights (exact: all rows; two-batch: the sampled rows). */
  loss: number;
  /** Rows of the data set. */
  rows: number;
  /** Two-batch: standard errors over the samples (delta method for the ratio). */
  stderr?: { bSimple: number; traceSigma: number; gradNormSq: number };
  batchSizes?: [number, number];
  samples?: number;
  /** Seconds the measurement took. */
  seconds: number;
}

/**
 * The simple gradient noise scale of McCandlish, Kaplan, Amodei et al. (2018), "An Empirical
 * Model of Large-Batch Training": B_simple = tr(Sigma) / |G|^2, with G = (1/N) sum_i g_i the
 * true gradient and Sigma the covariance of the per-example gradients g_i (loss averaged over
 * the batch, so a batch of B has gradient covariance Sigma / B). Beyond B_simple, larger batches
 * stop saving steps.
 *
 * - 'exact': tr(Sigma) = (1/N) sum_i |g_i - G|^2 = (1/N) sum_i |g_i|^2 - |G|^2 (population
 *   form; multiply by N/(N-1) for the unbiased one), with |g_i|^2 from one batched pass
 *   (see PerExample: (|x_i|^2 + 1)|dz_i|^2 per dense layer).
 * - 'two-batch': for each of `samples` big batches of B_big rows drawn WITH replacement (so
 *   E|G_B|^2 = |G|^2 + tr(Sigma)/B holds exactly for a finite data set), split into
 *   floor(B_big/B_small) small batches: |G_small|^2 is the mean over them, and
 *     |G|^2 ~ (B_big |G_big|^2 - B_small |G_small|^2) / (B_big - B_small),
 *     tr(Sigma) ~ (|G_small|^2 - |G_big|^2) / (1/B_small - 1/B_big),
 *   both unbiased. Each is averaged over the samples separately (at fixed weights the running
 *   mean is the optimal smoother: the EMA with decay 1 - 1/k; see NoiseScaleEma for training)
 *   before the ratio is taken.
 */
export function noiseScale(model: Model, data: Dataset, o: NoiseScaleOptions = {}): NoiseScaleResult {
  const clock = o.clock ?? (() => performance.now());
  const t0 = clock();
  const method = checkOneOf('method', o.method ?? 'exact', ['exact', 'two-batch'] as const);
  const pe = o.workspace ?? new PerExample(model, data);
  if (pe.model !== model || pe.data !== data) throw new MinibatchError('BAD_ARGUMENT', 'the workspace option is a PerExample over another model or data set; make it with new PerExample(model, data) for the ones measured');
  const r = method === 'exact' ? exactNoise(pe, o.params) : twoBatchNoise(pe, o);
  return { ...r, seconds: (clock() - t0) / 1000 };
}

/** |v|^2 in float64. */
export function normSq(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

function ratio(tr: number, g2: number): number {
  if (g2 > 0) return tr / g2;
  return tr > 0 ? Infinity : NaN;
}

function exactNoise(pe: PerExample, params?: Float32Array): Omit<NoiseScaleResult, 'seconds'> {
  const m = pe.moments(params ? { params } : {});
  const g2 = normSq(m.meanGrad);
  const tr = Math.max(0, m.meanSqNorm - g2);
  return { method: 'exact', bSimple: ratio(tr, g2), traceSigma: tr, gradNormSq: g2, loss: m.meanLoss, rows: m.rows };
}

/** The default [small, big] batch sizes of the two-batch estimator for N rows. */
export function defaultTwoBatchSizes(n: number): [number, number] {
  const big = Math.min(1024, n);
  return [Math.max(1, Math.min(8, Math.floor(big / 2))), big];
}

function twoBatchNoise(pe: PerExample, o: NoiseScaleOptions): Omit<NoiseScaleResult, 'seconds'> {
  const n = pe.data.length;
  if (n < 2) throw new MinibatchError('BAD_ARGUMENT', `the two-batch estimator needs at least 2 rows, got ${n}; use method 'exact'`);
  const [bs, bb] = o.batchSizes ?? defaultTwoBatchSizes(n);
  checkInt('batchSizes[0] (small)', bs, 1, 1e9, 'BAD_BATCH_SIZE', 'Use a small batch such as 8.');
  checkInt('batchSizes[1] (big)', bb, 2 * bs, 1e9, 'BAD_BATCH_SIZE', `The big batch must hold at least two small batches of ${bs}, e.g. [${bs}, ${Math.max(2 * bs, 256)}].`);
  const samples = checkInt('samples', o.samples ?? 16, 2, 1e7, 'BAD_ARGUMENT', 'Draw at least 2 big batches, e.g. 16.');
  const rng = new Rng(o.seed ?? 1);
  const idx = new Uint32Array(bb);
  const k = Math.floor(bb / bs); const used = k * bs;
  const g2s: number[] = []; const trs: number[] = []; let loss = 0;
  const big = new Float64Array(pe.model.params.length); const scratch = new Float64Array(pe.model.params.length);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < used; i++) idx[i] = rng.int(n);
    big.fill(0); let small = 0;
    for (let j = 0; j < k; j++) {
      const m = pe.moments({ indices: idx, start: j * bs, count: bs, norms: false, into: scratch, ...(o.params ? { params: o.params } : {}) });
      small += normSq(m.meanGrad) / k; loss += m.meanLoss / (k * samples);
      for (let p = 0; p < big.length; p++) big[p]! += m.meanGrad[p]! / k;
    }
    const bigSq = normSq(big);
    g2s.push((used * bigSq - bs * small) / (used - bs));
    trs.push((small - bigSq) / (1 / bs - 1 / used));
  }
  const g2 = mean(g2s); const tr = mean(trs);
  const seG = Math.sqrt(variance(g2s) / samples); const seT = Math.sqrt(variance(trs) / samples);
  const cov = covariance(g2s, trs) / samples;
  const b = ratio(tr, g2);
  const relVar = (seT / tr) ** 2 + (seG / g2) ** 2 - (2 * cov) / (tr * g2);
  return {
    method: 'two-batch', bSimple: b, traceSigma: tr, gradNormSq: g2, loss, rows: n,
    stderr: { bSimple: Math.abs(b) * Math.sqrt(Math.max(0, relVar)), traceSigma: seT, gradNormSq: seG },
    batchSizes: [bs, used], samples,
  };
}

function mean(v: readonly number[]): number { return v.reduce((a, b) => a + b, 0) / v.length; }
function variance(v: readonly number[]): number { return covariance(v, v); }
function covariance(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a); const mb = mean(b); let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return a.length > 1 ? s / (a.length - 1) : 0;
}

/** One measurement of the noise scale during training. */
export interface NoiseTrackPoint {
  /** Epochs so far (fractional between epoch ends; 0 before training). */
  epoch: number;
  updates: number;
  examplesSeen: number;
  /** Mean training loss over all measured rows at these weights (exact) or the sampled rows. */
  loss: number;
  bSimple: number;
  traceSigma: number;
  gradNormSq: number;
  /** The separately smoothed (NoiseScaleEma) tr(Sigma) / |G|^2 up to this point. */
  smoothedBSimple: number;
  /** Seconds this measurement took. */
  seconds: number;
}

export interface NoiseTrackOptions extends Omit<NoiseScaleOptions, 'params'> {
  /** Also measure every this many updates (inside onBatchEnd). Default: only at epoch ends. */
  everyUpdates?: number;
  /** Decay of the EMA of the smoothed series. Default 0.5. */
  emaDecay?: number;
}

/** The cost of tracking, set against the training it watched. */
export interface NoiseTrackCost {
  measurements: number;
  /** Seconds spent measuring the noise scale. */
  measureSeconds: number;
  /** Seconds of training alone (fit's trainSeconds minus measurements made inside batches). */
  trainSeconds: number;
  /** measureSeconds / trainSeconds. */
  overhead: number;
}

/** An opt-in noise-scale monitor for `fit`: pass `callbacks` to fit, read `points` after. */
export interface NoiseTracker {
  callbacks: FitCallbacks;
  points: NoiseTrackPoint[];
  /** Measures at the current weights now (call before fit for a point at epoch 0). */
  measure(epoch?: number, updates?: number, examplesSeen?: number): NoiseTrackPoint;
  /** Measurement cost against the training time of `history` (fit's return value). */
  cost(history: History): NoiseTrackCost;
}

/**
 * A factory for tracking B_simple over training: `const t = noiseScaleTracker(model, train);
 * t.measure(); await fit(model, train, { callbacks: t.callbacks });` then `t.points`. Measures
 * with `noiseScale` at each epoch end (outside fit's timed loop) and, with `everyUpdates`, every
 * k updates (inside it: `cost` subtracts that time again). `data` should be the rows fit trains
 * on (pass validationData to fit rather than validationSplit, so both see the same rows).
 * The noise scale usually grows as the loss falls (McCandlish et al. 2018, figure 5).
 */
export function noiseScaleTracker(model: Model, data: Dataset, o: NoiseTrackOptions = {}): NoiseTracker {
  const every = o.everyUpdates === undefined ? 0 : checkInt('everyUpdates', o.everyUpdates, 1, 1e12);
  const ema = new NoiseScaleEma(o.emaDecay ?? 0.5);
  const points: NoiseTrackPoint[] = [];
  const n = data.length;
  let inBatchSeconds = 0; let seen = 0; let lastUpdates = -1;
  // One workspace for every measurement: the rows' input norms are computed once.
  const workspace = o.workspace ?? new PerExample(model, data);
  const measure = (epoch = 0, updates = 0, examplesSeen = 0): NoiseTrackPoint => {
    const r = noiseScale(model, data, { ...o, workspace, seed: (o.seed ?? 1) + points.length });
    ema.add(r.gradNormSq, r.traceSigma);
    const p: NoiseTrackPoint = {
      epoch, updates, examplesSeen, loss: r.loss, bSimple: r.bSimple, traceSigma: r.traceSigma,
      gradNormSq: r.gradNormSq, smoothedBSimple: ema.bSimple, seconds: r.seconds,
    };
    points.push(p); lastUpdates = updates;
    return p;
  };
  const callbacks: FitCallbacks = {
    onEpochEnd(rec: EpochRecord) {
      seen = rec.examplesSeen;
      if (rec.updates !== lastUpdates) measure(rec.epoch, rec.updates, rec.examplesSeen);
    },
    ...(every > 0 ? {
      onBatchEnd(info: BatchInfo) {
        seen += info.size;
        if (info.updates % every === 0) inBatchSeconds += measure(seen / n, info.updates, seen).seconds;
      },
    } : {}),
  };
  return {
    callbacks, points, measure,
    cost(history: History): NoiseTrackCost {
      const measureSeconds = points.reduce((s, p) => s + p.seconds, 0);
      const fitSeconds = history.records[history.records.length - 1]?.trainSeconds ?? 0;
      const trainSeconds = Math.max(0, fitSeconds - inBatchSeconds);
      return { measurements: points.length, measureSeconds, trainSeconds, overhead: trainSeconds > 0 ? measureSeconds / trainSeconds : NaN };
    },
  };
}
