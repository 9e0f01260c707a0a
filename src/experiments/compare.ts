// The batch-size comparison: every (batch size, seed) run on one budget, evaluated by examples seen.
import { checkInt, checkNumber, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { createExecutor, metricSetting, Progress, type Executor } from './run/executor.js';
import type { Objective } from './analysis/objective.js';
import type { CompareResult, RunRecord, TuneResult } from './records.js';
import {
  checkBudget, checkLearningRate, defaultEvalEvery, samplingOf, seedList, splitForSweep, uniqueBatchSizes,
  isSpecSource, probeModel, type ModelSource, type SweepOptions, type SplitData,
} from './run/setup.js';
import type { OptimizerChoice } from './run/optimizer-spec.js';
import { examplesToTarget, relativeDistance, secondsToTarget, summarise, updatesToTarget } from './analysis/summary.js';
import { chooseTarget } from './analysis/target.js';
import type { ThroughputProfile } from './probes/throughput.js';
import { pricingProfile } from './probes/price-profile.js';
import { Model } from '../nn/model.js';
import { createBackend } from '../kernels/select.js';
import { pricedTimes } from './analysis/time-to-target.js';
import type { Budget, TrialSettings } from './run/trial.js';
import { tuneWith, type TuneOptions } from './tune.js';
import { convexOptimum } from './probes/optimum.js';

export interface CompareOptions extends SweepOptions {
  /** Default [1, 8, 32, 128, 'full']; sizes that resolve to the same rows run once. */
  batchSizes?: Array<number | 'full'>;
  /**
   * One rate for all, one per batch size, a TuneResult (its best rate per batch size), or
   * 'tuned' (default): runs a small tune first (halving, one seed, the same epochs).
   */
  learningRate?: number | number[] | 'tuned' | TuneResult;
  /** Options of the small tune run for 'tuned' (learningRates, eta, ...). */
  tuneOptions?: Omit<TuneOptions, keyof SweepOptions | 'batchSizes'>;
  /** Training per run: { epochs }, { examples } or { seconds } (not reproducible). Default { epochs: 20 }. */
  budget?: Budget;
  /** Shorthand for budget: { epochs }. */
  epochs?: number;
  /** A count (seeds 1..n) or the seeds. Default 3. */
  seeds?: number | number[];
  /** Examples between evaluations. Default: 20-40 points per run (see defaultEvalEvery). */
  evalEvery?: number;
  /**
   * The validation loss runs are timed to. Default: within 2 % of the best final validation loss
   * (see chooseTarget). With a `metric`, runs are timed to a target of that metric instead
   * (within 2 % of its best final value, see chooseMetricTarget) and this sets only `targetLoss`.
   */
  targetLoss?: number;
  /**
   * Prices of an update by batch size: a profile to use (e.g. measured earlier, or a fixed one in
   * tests), false for none (time to target is then only the measured wall time). Default: a
   * pricingProfile of the compared batch sizes, timed after the sweep (9 interleaved rounds, the fastest per batch size).
   */
  throughput?: ThroughputProfile | false;
  /**
   * Called once the trials are done, before the throughput profile is timed: the result as it
   * will be returned except for what the profile prices (a report can start rendering its
   * charts meanwhile). Not called for a cancelled run.
   */
  onTrialsDone?: (early: CompareResult) => void;
}

/**
 * Trains every (batch size, seed) pair with the same budget and fit's semantics (seeded
 * reshuffling, every row once per epoch, mean gradient), each batch size at its own learning
 * rate, and records Points at comparable moments by examples seen (see TrialRunner).
 *
 * Summary per batch size, over seeds: final validation loss and metric; seconds, examples and
 * updates until the validation loss (or, with `metric`, that metric) first reached the target; and for convex models the relative
 * distance ||w - w_full|| / ||w_full|| of each run's final weights from the full-batch run's
 * (same seed) - near 0 when both converged to the one optimum. The default target is within
 * 2 % of the best final validation loss over all runs and seeds, never one the untrained model
 * meets (see chooseTarget). Time to target is priced: exact updates to the target x seconds per
 * update from a throughput profile timed after the sweep (see pricedTimes); the measured wall
 * time is kept beside it. Diverged runs stop and are kept.
 */
export async function compare(makeModel: ModelSource, data: Dataset, options: CompareOptions = {}): Promise<CompareResult> {
  const o = options;
  const split = splitForSweep(data, o);
  const seeds = seedList(o.seeds, 3);
  const n = split.train.length;
  const sizes = uniqueBatchSizes(o.batchSizes, n);
  if (o.budget && o.epochs !== undefined) throw new MinibatchError('BAD_ARGUMENT', 'give either budget or epochs, not both');
  const budget = checkBudget(o.budget ?? { epochs: o.epochs ?? 20 });
  const evalEvery = o.evalEvery === undefined ? defaultEvalEvery(budget, n)
    : checkInt('evalEvery', o.evalEvery, 1, 2 ** 53, 'BAD_ARGUMENT', 'Count examples between evaluations, e.g. 1000.');
  const target = o.targetLoss === undefined ? undefined : checkNumber('targetLoss', o.targetLoss, 0, Infinity);
  const exec = createExecutor(makeModel, split, o, seeds[0]!);
  const progress = new Progress(0, o.onProgress, o.onTrialEnd);
  try {
    if (o.signal?.aborted) return emptyResult(exec, sizes, seeds, budget, evalEvery, undefined);
    let tuned: TuneResult | undefined;
    if (o.learningRate === 'tuned' || o.learningRate === undefined) {
      const epochs = 'epochs' in budget ? budget.epochs : 'examples' in budget ? Math.max(1, Math.ceil(budget.examples / n)) : 10;
      tuned = await tuneWith(exec, { budget: { epochs }, ...o.tuneOptions, batchSizes: sizes.map((s) => s.requested), signal: o.signal, shuffle: o.shuffle, dropLast: o.dropLast }, progress);
      if (tuned.partial) return emptyResult(exec, sizes, seeds, budget, evalEvery, tuned);
    }
    const lrs = sizes.map((s, i) => learningRateFor(tuned ?? o.learningRate, s.batchSize, i, sizes.length));
    const settings: TrialSettings[] = sizes.flatMap((s, i) => seeds.map((seed) => ({
      requested: s.requested, learningRate: lrs[i]!, seed, budget, evalEvery,
      divergenceFactor: o.divergenceFactor ?? 1000, keepParams: exec.convex, ...samplingOf(o), ...metricSetting(exec),
    })));
    progress.addTotal(settings.length);
    const out = await exec.run(settings, progress, o.signal);
    const runs = out.runs.filter((r): r is RunRecord => r !== undefined);
    const lossTarget = chooseTarget(runs, target);
    const obj = exec.objective;
    const chosen = obj.name === 'loss' ? lossTarget : chooseTarget(runs, undefined, undefined, obj);
    const targetLoss = lossTarget.loss; const goal = chosen.loss;
    const optimum = exec.convex ? optimumOf(makeModel, split, seeds[0]!, runs, n) : undefined;
    const assemble = (profile: ThroughputProfile | undefined): CompareResult => {
      const summary = sizes.map((s, i) => ({
        ...summariseBatchSize(runs, s, lrs[i]!, goal, exec.convex ? n : undefined, obj),
        ...pricedTimes(runs.filter((r) => r.batchSize === s.batchSize), s.batchSize, goal, profile, seeds[0]!, obj),
      }));
      if (optimum) {
        summary.forEach((row) => {
          row.distanceToOptimum = summarise(runs.filter((r) => r.batchSize === row.batchSize)
            .map((r) => (r.finalParams ? relativeDistance(r.finalParams, optimum.params) : NaN)));
        });
      }
      return {
        kind: 'compare', metric: exec.metric, ...(obj.name === 'loss' ? {} : { rankedBy: obj.name }), batchSizes: sizes.map((s) => s.requested), seeds, runs, summary,
        ...(optimum ? { optimum: { converged: optimum.converged, iterations: optimum.iterations, loss: optimum.loss, gradNorm: optimum.gradNorm, startGradNorm: optimum.startGradNorm } } : {}),
        targetLoss, targetRule: chosen.kind, target: chosen, ...(profile ? { throughput: profile } : {}),
        ...describe(exec, budget, evalEvery, tuned), ...(out.partial ? { partial: true } : {}),
      };
    };
    if (!out.partial) o.onTrialsDone?.(assemble(undefined));
    const profile = o.throughput === false || out.partial ? undefined
      : o.throughput ?? priced(makeModel, split, seeds[0]!, exec.workers, reachedSizes(sizes, runs, goal, obj), o.optimizer);
    return assemble(profile);
  } finally {
    await exec.close();
  }
}

/**
 * The pricing profile of `sizes` on a model of the first seed, timed in place when it was built
 * here. Trials on worker threads run their kernels on one thread each, so with workers > 1 the
 * model is rebuilt on a one-thread backend of the same kind (the main thread's default splits
 * large products over threads, a different speed than the trials had). Models built here are
 * disposed as soon as they are done with, so their memory (and the resident rows in it) serves
 * the next model on this thread.
 */
function priced(source: ModelSource, split: SplitData, seed: number, workers: number, sizes: number[], optimizer: OptimizerChoice | undefined): ThroughputProfile {
  const probe = probeModel(source, seed, split);
  let timed = probe;
  let owned = isSpecSource(source); // a model from the caller's function may be theirs
  if (workers > 1 && probe.backend.name !== 'js') {
    const kind = probe.backend.name.startsWith('wasm') ? 'wasm' : 'auto';
    const params = probe.params.slice();
    if (owned) probe.dispose();
    timed = new Model(probe.spec, createBackend(kind, { threads: 1 }));
    timed.params.set(params);
    owned = true;
  }
  try {
    return pricingProfile(timed, split.train, sizes, { ...(optimizer ? { optimizer } : {}), inPlace: owned });
  } finally {
    if (owned) timed.dispose();
  }
}

/** The batch sizes with a seed that reached the target (only their time needs a price; all when none did). */
function reachedSizes(sizes: ReadonlyArray<{ batchSize: number }>, runs: readonly RunRecord[], target: number, obj: Objective): number[] {
  const hit = sizes.filter((s) => runs.some((r) => r.batchSize === s.batchSize && !r.diverged && examplesToTarget(r.points, target, obj) > 0));
  return (hit.length > 0 ? hit : sizes).map((s) => s.batchSize);
}

/**
 * The learning rate for batch size `batchSize` (the i-th of `count`): a number, the i-th of a
 * list, or from a TuneResult: its best rate for that batch size, else the best rate of the
 * nearest tuned batch size B0 (in log) scaled by (B / B0)^k with the fitted exponent k
 * clamped to [0, 1] (0.5 when there was no fit).
 */
export function learningRateFor(lr: CompareOptions['learningRate'], batchSize: number, i = 0, count = 1): number {
  if (typeof lr === 'number') return checkLearningRate('learningRate', lr);
  if (Array.isArray(lr)) {
    if (lr.length !== count) throw new MinibatchError('BAD_LEARNING_RATE', `learningRate lists ${lr.length} rates for ${count} batch sizes; give one per batch size, or one number for all`);
    return checkLearningRate(`learningRate[${i}]`, lr[i]);
  }
  if (lr && typeof lr === 'object' && lr.kind === 'tune') {
    const known = lr.bestPerBatchSize;
    if (known.length === 0) throw new MinibatchError('BAD_LEARNING_RATE', 'the TuneResult has no usable learning rate for any batch size; tune with smaller learningRates');
    const exact = known.find((b) => b.batchSize === batchSize);
    if (exact) return exact.learningRate;
    const near = [...known].sort((a, b) => Math.abs(Math.log(a.batchSize / batchSize)) - Math.abs(Math.log(b.batchSize / batchSize)))[0]!;
    const k = Number.isFinite(lr.scaling.exponent) ? Math.min(1, Math.max(0, lr.scaling.exponent)) : 0.5;
    return near.learningRate * (batchSize / near.batchSize) ** k;
  }
  throw new MinibatchError('BAD_LEARNING_RATE', `learningRate must be a number, one number per batch size, 'tuned' or a TuneResult, got ${show(lr)}`);
}

/**
 * The training-loss optimum of a convex model (see convexOptimum), started from the full-batch
 * run's final weights; undefined when the problem is too large to solve here.
 */
function optimumOf(source: ModelSource, split: SplitData, seed: number, runs: readonly RunRecord[], n: number): ReturnType<typeof convexOptimum> {
  const model = probeModel(source, seed, split);
  const full = runs.find((r) => r.batchSize === n && !r.diverged && r.finalParams);
  if (full?.finalParams) model.params.set(full.finalParams);
  try {
    return convexOptimum(model, split.train); // its params are a copy
  } finally {
    if (isSpecSource(source)) model.dispose();
  }
}

function summariseBatchSize(
  all: readonly RunRecord[], s: { requested: number | 'full'; batchSize: number }, learningRate: number, target: number, fullRows: number | undefined, obj?: Objective,
): CompareResult['summary'][number] {
  const runs = all.filter((r) => r.batchSize === s.batchSize);
  const last = (r: RunRecord): CompareResult['runs'][number]['points'][number] | undefined => (r.diverged ? undefined : r.points[r.points.length - 1]);
  const row: CompareResult['summary'][number] = {
    batchSize: s.batchSize, requested: s.requested, learningRate,
    finalValLoss: summarise(runs.map((r) => last(r)?.valLoss ?? NaN)),
    finalValMetric: summarise(runs.map((r) => last(r)?.valMetric ?? NaN)),
    secondsToTarget: summarise(runs.map((r) => secondsToTarget(r.points, target, obj))),
    examplesToTarget: summarise(runs.map((r) => examplesToTarget(r.points, target, obj))),
    updatesToTarget: summarise(runs.map((r) => updatesToTarget(r.points, target, obj))),
  };
  if (fullRows !== undefined) {
    const refs = all.filter((r) => r.batchSize === fullRows && !r.diverged && r.finalParams);
    if (refs.length > 0) {
      row.distanceToFullBatch = summarise(runs.map((r) => {
        const ref = refs.find((f) => f.seed === r.seed) ?? refs[0]!;
        return r.finalParams ? relativeDistance(r.finalParams, ref.finalParams!) : NaN;
      }));
    }
  }
  return row;
}

function describe(exec: Executor, budget: Budget, evalEvery: number, tuned: TuneResult | undefined): Partial<CompareResult> {
  return {
    budget, evalEvery, trainExamples: exec.data.train.length, validationExamples: exec.data.val.length,
    workers: exec.workers, ...(exec.optimizerSpec ? { optimizer: exec.optimizerSpec } : {}), ...(tuned ? { tune: tuned } : {}),
  };
}

/** The result of a compare cancelled before (or during) its tune: no runs, marked partial. */
function emptyResult(
  exec: Executor, sizes: Array<{ requested: number | 'full'; batchSize: number }>, seeds: number[], budget: Budget, evalEvery: number, tuned: TuneResult | undefined,
): CompareResult {
  return {
    kind: 'compare', metric: exec.metric, ...(exec.objective.name === 'loss' ? {} : { rankedBy: exec.objective.name }), batchSizes: sizes.map((s) => s.requested), seeds, runs: [],
    summary: sizes.map((s) => summariseBatchSize([], s, tuned?.bestPerBatchSize.find((b) => b.batchSize === s.batchSize)?.learningRate ?? NaN, NaN, undefined)),
    targetLoss: NaN, targetRule: 'none', ...describe(exec, budget, evalEvery, tuned), partial: true,
  };
}
