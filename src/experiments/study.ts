// study: the main job — lr range test, joint tuning, batch-size comparison and a recommendation.
import { checkInt } from '../core/check.js';
import type { Dataset } from '../data/dataset.js';
import { Model, type ModelSpec } from '../nn/model.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { adaptiveStage } from './adaptive-stage.js';
import { compare } from './compare.js';
import { lrRangeTest } from './probes/lr-range.js';
import { DEFAULT_OPTIMIZER } from './run/optimizer-spec.js';
import { criticalBatch, fitCriticalBatch } from './analysis/critical-batch.js';
import { crossCheck, noisePrediction, noRecommendation, recommend } from './analysis/recommend.js';
import type { AdaptiveStudy, CompareResult, NoiseStudy, Recommendation, RunRecord, StudyResult } from './records.js';
import { checkSweepMetric, isSpecSource, splitForSweep, type ModelSource, type SweepOptions, type TrialLabel } from './run/setup.js';
import { throughputProfile, type ThroughputProfile } from './probes/throughput.js';
import { trackNoise, type NoiseTrack } from './noise-track.js';
import { defaultWorkers, TrialPool, trialThreads } from './run/pool.js';
import { modelForSeed } from './run/trial.js';
import { logGrid, tune } from './tune.js';
import { MinibatchError } from '../core/errors.js';

/**
 * The stages of a study that report progress, in order, for progress displays. The noise-scale
 * stage that follows compare (a few seconds, one run plus timings) reports none: a display can
 * say it started when compare reports done === total.
 */
export type StudyStage = 'lr-range' | 'tune' | 'compare';

export interface StudyOptions extends Pick<SweepOptions, 'shuffle' | 'dropLast'> {
  /** Batch sizes compared and tuned. Default [1, 8, 32, 128, 'full']. */
  batchSizes?: Array<number | 'full'>;
  /** Learning rates tuned per batch size. Default: 8 rates from 1/30x to 30x the range test's suggestion. */
  learningRates?: number[];
  /** Default plain SGD (its rate is replaced per trial). */
  optimizer?: OptimizerSpec;
  /** Epochs of the comparison runs and of the tuning's longest rung. Default 10. */
  epochs?: number;
  /** Seeds of the comparison (and of the range test). Default 3. */
  seeds?: number;
  /** Share of rows held out for validation, the same split for every stage. Default 0.2. */
  validationSplit?: number;
  /** Explicit validation rows (then every row of `data` trains); replaces validationSplit. */
  validationData?: Dataset;
  /** Seed of that split. Default 1. */
  splitSeed?: number;
  /**
   * Worker threads of the tuning and comparison trials; with more than one (and the trials in
   * this process), the noise-scale stage's tracking run goes to one of them while this thread
   * times the throughput profile (the same results). Default one per core.
   */
  workers?: number;
  /** Runs the tuning and comparison trials elsewhere (see SweepOptions.executor). */
  executor?: SweepOptions['executor'];
  /** What ranks tuning cells and times batch sizes: 'loss' (default) or a validation metric (see SweepOptions.metric). */
  metric?: SweepOptions['metric'];
  /** Skip the learning-rate range test and tuning: compare at this one rate. */
  learningRate?: number;
  signal?: AbortSignal;
  onProgress?(stage: StudyStage, done: number, total: number, running: readonly TrialLabel[]): void;
  /** Called with each tuning or comparison trial's record as it finishes (e.g. for a live page). */
  onTrialEnd?(stage: 'tune' | 'compare', run: RunRecord): void;
  /**
   * Called with the study so far as its parts become known (after the comparison's trials,
   * before their pricing; after the comparison; after the noise-scale stage), e.g. to render
   * the charts of its report ahead while the later stages run.
   */
  onPartial?(early: StudyResult): void;
  /** Names for the record. */
  datasetName?: string;
  modelDescription?: string;
  /** Version string stored in the result. */
  createdBy?: string;
  /** Milliseconds clock. Default performance.now. */
  clock?: () => number;
  /**
   * Measure the gradient noise scale, critical batch size and throughput (stage 4). Default true.
   * A model with dropout needs false: the per-example gradients do not model dropout.
   */
  noiseScale?: boolean;
  /** Run the adaptive batch-size policy beside the fixed grid (stage 5, see adaptiveStage). Default true. */
  adaptive?: boolean;
}

/**
 * The batch-size study the tutorial recommends, in three measured stages on one seeded split:
 * 1. an LR range test (Smith 2015) at batch size 32 gives the scale of good learning rates;
 * 2. successive halving tunes batch size and learning rate jointly on a log grid around it
 *    (widened once by three rates where a batch size's best rate lies at an end of the grid);
 * 3. every batch size trains at its tuned rate for several seeds, evaluated at comparable
 *    examples seen, and the recommendation picks the fastest batch size to the target loss
 *    among those within noise of the best final metric;
 * 4. (unless `noiseScale: false`) the noise-scale stage (see noiseStage): B_simple over a
 *    training run, B_crit from the learning curves, the throughput profile, and the
 *    noise-scale model's predicted time to target, a cross-check of stage 3's one
 *    recommendation (recommendation.crossCheck), not a second verdict;
 * 5. (unless `adaptive: false`) the adaptive batch-size policy from the grid's learning rate,
 *    timed to the same target and set against the best fixed batch size (see adaptiveStage).
 * `source` is a ModelSpec (runs may go to worker threads) or a function (seed) => Model, e.g.
 * copies of an imported model so every run starts from its weights (runs in this thread).
 */
export async function study(source: ModelSource, data: Dataset, o: StudyOptions = {}): Promise<StudyResult> {
  const spec = isSpecSource(source) ? source : source(0).spec;
  if (spec.dropout && o.noiseScale !== false) {
    throw new MinibatchError('BAD_ARGUMENT', `the study's noise-scale stage measures per-example gradients, which do not model dropout, and this model has dropout ${JSON.stringify(spec.dropout)}: pass noiseScale: false (CLI: --no-noise-scale), or study the model without dropout`);
  }
  const clock = o.clock ?? (() => performance.now());
  const t0 = clock();
  const optimizer = o.optimizer ?? DEFAULT_OPTIMIZER;
  const epochs = checkInt('epochs', o.epochs ?? 10, 1, 1e6);
  const seeds = checkInt('seeds', o.seeds ?? 3, 1, 1000);
  const batchSizes = o.batchSizes ?? [1, 8, 32, 128, 'full'];
  const shared = {
    optimizer, splitSeed: o.splitSeed ?? 1,
    ...(o.validationData ? { validationData: o.validationData } : { validationSplit: o.validationSplit ?? 0.2 }),
    ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(o.executor ? { executor: o.executor } : {}), ...(o.signal ? { signal: o.signal } : {}),
    ...(o.shuffle === false ? { shuffle: false } : {}), ...(o.dropLast === true ? { dropLast: true } : {}),
    ...(o.metric !== undefined ? { metric: o.metric } : {}),
  };
  if (o.metric !== undefined) { const probe = new Model(spec); try { checkSweepMetric(o.metric, probe); } finally { probe.dispose(); } } // before any stage runs
  const progress = (stage: StudyStage) => (done: number, total: number, running: readonly TrialLabel[]) => o.onProgress?.(stage, done, total, running);

  let lrRange: StudyResult['lrRange'];
  let tuned: StudyResult['tune'];
  if (o.learningRate === undefined) {
    o.onProgress?.('lr-range', 0, seeds, []);
    lrRange = await cancellable(o.signal, () => lrRangeTest(source, data, { ...shared, batchSize: 32, seeds }));
    o.onProgress?.('lr-range', seeds, seeds, []);
    // Once cancelled, no later stage starts: compare below then returns an empty, partial result.
    if (lrRange && !o.signal?.aborted) {
      const lrs = o.learningRates ?? logGrid(lrRange.suggested / 30, lrRange.suggested * 30, 8);
      const runTune = (rates: number[]) => tune(source, data, { ...shared, batchSizes, learningRates: rates, method: 'halving', budget: { epochs }, onProgress: progress('tune'), onTrialEnd: (r) => o.onTrialEnd?.('tune', r) });
      tuned = await cancellable(o.signal, () => runTune(lrs));
      const wider = o.learningRates || !tuned ? undefined : widenGrid(lrs, tuned.bestPerBatchSize.map((b) => b.learningRate));
      if (wider && tuned && !tuned.partial && !o.signal?.aborted) tuned = await cancellable(o.signal, () => runTune(wider)) ?? tuned;
    }
  }
  const result = (parts: Pick<StudyResult, 'compare' | 'noise' | 'adaptive'>): StudyResult =>
    studyResult(spec, data, { ...(lrRange ? { lrRange } : {}), ...(tuned ? { tune: tuned } : {}), ...parts }, { ...o, optimizer, seconds: (clock() - t0) / 1000 });
  const partial = o.onPartial ? (parts: Pick<StudyResult, 'compare' | 'noise'>): void => o.onPartial!(result(parts)) : undefined;
  const cmp = await compare(source, data, {
    ...shared, batchSizes, learningRate: tuned ?? o.learningRate ?? 'tuned', epochs, seeds, onProgress: progress('compare'), onTrialEnd: (r) => o.onTrialEnd?.('compare', r),
    ...(partial ? { onTrialsDone: (early: CompareResult) => partial({ compare: early }) } : {}),
  });
  let noise: NoiseStudy | undefined;
  if (o.noiseScale !== false && !cmp.partial && !o.signal?.aborted) {
    partial?.({ compare: cmp });
    noise = await noiseStage(source, data, shared, cmp, recommend(tuned ?? cmp.tune, cmp, lrRange), optimizer, epochs);
  }
  let adaptive: AdaptiveStudy | undefined;
  if (o.adaptive !== false && !cmp.partial && !o.signal?.aborted && Number.isFinite(cmp.targetLoss)) {
    if (noise) partial?.({ compare: cmp, noise });
    adaptive = await adaptiveStage(source, data, shared, cmp, optimizer, epochs, noise);
  }
  return result({ compare: cmp, ...(noise ? { noise } : {}), ...(adaptive ? { adaptive } : {}) });
}

/** The stage's result, or undefined when `signal` cancelled it before anything finished. */
async function cancellable<T>(signal: AbortSignal | undefined, stage: () => Promise<T>): Promise<T | undefined> {
  try {
    return await stage();
  } catch (err) {
    if (signal?.aborted && err instanceof MinibatchError && err.code === 'CANCELLED') return undefined;
    throw err;
  }
}

/**
 * When some batch size's best rate sits at an end of the grid, the grid with three more rates
 * (same log spacing) beyond each such end; undefined when every best rate is inside.
 */
export function widenGrid(grid: readonly number[], best: readonly number[]): number[] | undefined {
  const lo = grid[0]!; const hi = grid[grid.length - 1]!;
  const atLo = best.some((b) => b <= lo); const atHi = best.some((b) => b >= hi);
  if (!atLo && !atHi || grid.length < 2) return undefined;
  const step = (hi / lo) ** (1 / (grid.length - 1));
  const below = atLo ? [3, 2, 1].map((k) => lo / step ** k) : [];
  const above = atHi ? [1, 2, 3].map((k) => hi * step ** k) : [];
  return [...below, ...grid, ...above];
}

/** Names and sizes a study record carries (see StudyOptions). */
export interface StudyLabels {
  datasetName?: string; modelDescription?: string; createdBy?: string; validationData?: Dataset;
  optimizer: OptimizerSpec; seconds: number;
}

/**
 * Wraps the results of the stages (any of which but compare may be missing) into the record
 * results.json holds, with the recommendation of `recommend`.
 */
export function studyResult(
  spec: ModelSpec, data: Dataset, parts: Pick<StudyResult, 'lrRange' | 'tune' | 'compare' | 'noise' | 'adaptive'>, o: StudyLabels,
): StudyResult {
  const tuned = parts.tune ?? parts.compare.tune;
  const partial = parts.compare.partial === true || tuned?.partial === true || parts.lrRange?.partial === true;
  const rows = parts.compare.summary.some((r) => Number.isFinite(r.finalValMetric.mean));
  const recommendation = rows ? recommend(tuned, parts.compare, parts.lrRange)
    : noRecommendation(tuned, parts.compare, partial && parts.compare.runs.every((r) => !r.diverged) ? 'cancelled' : 'diverged');
  const check = parts.noise && !recommendation.none ? crossCheck(recommendation, parts.noise.prediction) : undefined;
  if (check) recommendation.crossCheck = check;
  const classes = data.classCount();
  return {
    schema: 'minibatch-study/1',
    createdBy: o.createdBy ?? 'minibatch',
    dataset: {
      name: o.datasetName ?? 'data', rows: data.length + (o.validationData?.length ?? 0), features: data.numFeatures,
      ...(data.classNames ? { classes: data.classNames.length, classNames: data.classNames } : classes !== undefined && spec.output !== 'linear' ? { classes } : {}),
      featureNames: data.features,
    },
    model: { description: o.modelDescription ?? `${spec.kind} ${spec.layers.join('-')}`, spec, optimizer: o.optimizer },
    ...(parts.lrRange ? { lrRange: parts.lrRange } : {}),
    ...(parts.tune ? { tune: parts.tune } : {}),
    compare: parts.compare,
    recommendation,
    ...(parts.noise ? { noise: parts.noise } : {}),
    ...(parts.adaptive ? { adaptive: parts.adaptive } : {}),
    seconds: o.seconds,
    ...(partial ? { partial: true } : {}),
  };
}

/**
 * Stage 4 of a study, on the same training rows as the comparison: (a) one run at the grid's
 * batch size and learning rate (seed 1, the comparison's epochs) with B_simple measured exactly
 * about 12 times along the way, then exact and two-batch estimates at its final weights;
 * (b) B_crit fitted to the comparison's steps and examples to the target; (c) the throughput
 * profile of the model on this machine; (d) noisePrediction with B_noise = the median B_simple
 * of the measurements whose training loss was within 25 % of the target validation loss (else
 * of the last three): single measurements scatter with SGD's noisy weights, and an EMA lags
 * behind a noise scale that grows by orders of magnitude early in training. Undefined when the tracking run diverges.
 */
export async function noiseStage(
  source: ModelSource, data: Dataset, shared: SweepOptions, cmp: CompareResult, rec: Recommendation, optimizer: OptimizerSpec, epochs: number,
): Promise<NoiseStudy | undefined> {
  const t0 = performance.now();
  const { train, val } = splitForSweep(data, shared);
  const perEpoch = Math.ceil(train.length / Math.min(rec.batchSize, train.length));
  const job = { batchSize: rec.batchSize, learningRate: rec.learningRate, optimizer, epochs, everyUpdates: Math.max(1, Math.ceil((epochs * perEpoch) / 12)) };
  const critical = Number.isFinite(cmp.targetLoss) ? criticalBatch(cmp) : fitCriticalBatch([], NaN);
  let track: NoiseTrack | undefined; let throughput: ThroughputProfile;
  if (isSpecSource(source) && trackOnWorker(shared)) {
    // The tracking run on a trial worker while this thread times the throughput profile: the
    // same weights and bits (a run's bits do not depend on its thread), the profile on a model
    // of the same spec and seed (its timing does not depend on the weights).
    const pool = new TrialPool(train, val, 1);
    try {
      const pending = pool.track({ ...job, model: source }, shared.signal);
      pending.catch(() => {}); // awaited below; a failure while the profile is timed is not unhandled
      const timed = modelForSeed(source, 1, true);
      try { throughput = throughputProfile(timed, train, { optimizer, inPlace: true }); } finally { timed.dispose(); }
      track = await pending;
    } finally { await pool.close(false); } // the last stage on workers: their memory goes now
    if (!track) return undefined;
  } else {
    const model = isSpecSource(source) ? modelForSeed(source, 1, true) : source(1);
    track = await trackNoise(model, train, { ...job, model: model.spec }, shared.signal);
    if (!track) return undefined;
    throughput = throughputProfile(model, train, { optimizer });
  }
  const pts = track.tracking.points;
  const near = pts.filter((p) => p.loss <= 1.25 * cmp.targetLoss && p.loss >= cmp.targetLoss / 1.25 && p.bSimple > 0);
  const used = near.length > 0 ? near : pts.slice(-3);
  const prediction = noisePrediction(cmp, {
    bNoise: median(used.map((p) => p.bSimple)), critical, throughput, base: rec, optimizer: optimizer.type,
    bNoiseNote: near.length > 0
      ? `(median of the ${near.length} measurements of the tracking run at batch size ${rec.batchSize} whose training loss was within 25 % of the target ${fmtLoss(cmp.targetLoss)})`
      : `(median of the last ${used.length} measurements of the tracking run; its training loss ${fmtLoss(pts[pts.length - 1]!.loss)} never came within 25 % of the target ${fmtLoss(cmp.targetLoss)}, so the value at the target may differ)`,
  });
  return { ...track, critical, throughput, prediction, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Whether the noise stage's tracking run goes to a trial worker: on a platform with threads,
 * with more than one worker allowed, when the sweeps ran in this process (not on a queue).
 */
function trackOnWorker(shared: SweepOptions): boolean {
  return trialThreads() !== undefined && shared.executor === undefined && (shared.workers ?? defaultWorkers()) > 1;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmtLoss(v: number): string { return String(Number(v.toPrecision(3))); }
