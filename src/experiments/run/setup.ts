// Shared option handling of the experiments: model sources, the validation split, budgets, seeds.
import { checkInt, checkNumber, show } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { splitIndices } from '../../data/split.js';
import { Model, type ModelSpec } from '../../nn/model.js';
import { checkDataFitsModel, METRIC_KEYS, metricsFor } from '../../train/metrics.js';
import type { JobExecutor } from './job-executor.js';
import type { OptimizerChoice } from './optimizer-spec.js';
import { trialThreads } from './pool.js';
import type { Budget } from './trial.js';
import type { RunRecord, SweepMetric } from '../records.js';

/**
 * Where an experiment's models come from: a `ModelSpec` (rebuildable in worker threads; run
 * `seed` uses init seed spec.seed + seed unless `varyInit: false`) or a function called with
 * the run's seed (in-thread only; a function that ignores the seed varies only the shuffling).
 */
export type ModelSource = ModelSpec | ((seed: number) => Model);

/** What is running, for progress displays. */
export interface TrialLabel {
  requested: number | 'full';
  learningRate: number;
  seed: number;
}

/** Called when a trial starts or ends: trials done, trials in this call, and those running. */
export type ProgressCallback = (done: number, total: number, running: readonly TrialLabel[]) => void;

/** Options every sweep shares. */
export interface SweepOptions {
  /** `(lr) => Optimizer`, an OptimizerSpec or an Optimizer (its rate is replaced). Default plain SGD. */
  optimizer?: OptimizerChoice;
  /** Fraction of rows held out at random (stratified for classes). Default 0.2. */
  validationSplit?: number;
  /** Explicit validation rows (then every row of `data` trains). */
  validationData?: Dataset;
  /** Seed of the validation split, the same for every run so losses compare. Default 1. */
  splitSeed?: number;
  /** With a ModelSpec: each seed also re-draws the initial weights. Default true. */
  varyInit?: boolean;
  /** A run counts as diverged when a loss exceeds this multiple of its initial loss. Default 1000. */
  divergenceFactor?: number;
  /** Reshuffle the training rows every epoch (fit's `shuffle`). Default true. */
  shuffle?: boolean;
  /** Skip the smaller last batch of each epoch (fit's `dropLast`). Default false. */
  dropLast?: boolean;
  /**
   * What ranks the runs: 'loss' (default), the validation loss; or a validation metric the model's
   * output supports ('accuracy', 'f1', 'auc', 'logLoss', ... for classifiers; 'mse', 'mae', 'r2'
   * for regression), in its direction (higher is better for accuracy, F1, AUC, R^2...). tune
   * ranks cells by it; compare records it in each point's valMetric, times batch sizes to a target
   * of it, and the recommendation checks quality with it.
   */
  metric?: SweepMetric;
  /** Worker threads: 1 runs in this thread. Default os.availableParallelism() for a ModelSpec, 1 for a function. */
  workers?: number;
  /** Runs the trials elsewhere (e.g. redisExecutor: worker processes on other machines) instead of on `workers` threads. */
  executor?: JobExecutor;
  /** Stops starting trials and ends running ones; the result holds what finished, marked partial. */
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Called with each trial's record as it finishes (e.g. to draw learning curves live). */
  onTrialEnd?(run: RunRecord): void;
}

/** The sampling settings of a sweep's trials, or nothing when both are at their defaults (same bits, same journal keys). */
export function samplingOf(o: SweepOptions): { sampling?: { shuffle: boolean; dropLast: boolean } } {
  const shuffle = o.shuffle ?? true; const dropLast = o.dropLast ?? false;
  return shuffle && !dropLast ? {} : { sampling: { shuffle, dropLast } };
}

/** The training and validation rows every run of a sweep uses. */
export interface SplitData { train: Dataset; val: Dataset }

/**
 * Splits `data` once for a whole sweep (seeded by `splitSeed`, stratified for classes, as fit's
 * validationSplit) or pairs it with `validationData`.
 */
export function splitForSweep(data: Dataset, o: SweepOptions): SplitData {
  if (!data || typeof data !== 'object' || !('numFeatures' in data)) {
    throw new MinibatchError('BAD_ARGUMENT', `experiments need a Dataset (Dataset.fromArrays(x, y)), got ${show(data)}`);
  }
  if (o.validationData) {
    if (o.validationSplit !== undefined) throw new MinibatchError('BAD_ARGUMENT', 'give either validationSplit or validationData, not both');
    return { train: data, val: o.validationData };
  }
  const f = checkNumber('validationSplit', o.validationSplit ?? 0.2, 0, 1, { minInclusive: false, hint: 'Experiments rank runs by validation loss: use a fraction such as 0.2, or give validationData' });
  if (f >= 1) throw new MinibatchError('BAD_ARGUMENT', `validationSplit must be below 1, got ${f}; use a fraction such as 0.2`);
  const idx = splitIndices(data, { testFraction: f, seed: checkInt('splitSeed', o.splitSeed ?? 1, 0, 2 ** 53) });
  const shared = { shared: trialThreads() !== undefined };
  return { train: data.subset(idx.train, shared), val: data.subset(idx.test, shared) };
}

/** Checks a sweep's `metric` option against the model's output ('loss' when not given). */
export function checkSweepMetric(value: unknown, model: Model): SweepMetric {
  if (value === undefined || value === 'loss') return 'loss';
  const allowed = metricsFor(model);
  if ((allowed as readonly unknown[]).includes(value)) return value as SweepMetric;
  const choices = ['loss', ...allowed].map((a) => `'${a}'`).join(', ');
  const why = (METRIC_KEYS as readonly unknown[]).includes(value) ? `does not apply to a model with a ${model.spec.output} output` : 'is not a metric';
  throw new MinibatchError('BAD_ARGUMENT', `metric ${show(value)} ${why}; choose from ${choices}`);
}

/** True when the source is a ModelSpec rather than a function. */
export function isSpecSource(source: ModelSource): source is ModelSpec {
  return typeof source === 'object' && source !== null && Array.isArray((source as ModelSpec).layers);
}

/** Builds the first model of a source and checks that the data fit it. */
export function probeModel(source: ModelSource, seed: number, d: SplitData): Model {
  const model = isSpecSource(source) ? new Model(source) : typeof source === 'function' ? source(seed) : undefined;
  if (!(model instanceof Model)) {
    throw new MinibatchError('BAD_ARGUMENT', `the model must be a ModelSpec (e.g. logisticRegression({ inputs: 4 }).spec) or a function (seed) => Model, got ${show(model ?? source)}`);
  }
  checkDataFitsModel(model, d.train, 'training data');
  checkDataFitsModel(model, d.val, 'validation data');
  return model;
}

/** The rows a batch size takes: N for 'full', min(B, N) otherwise. */
export function resolveBatchSize(bs: number | 'full', n: number): number {
  if (bs === 'full') return n;
  checkInt('batch size', bs, 1, Infinity, 'BAD_BATCH_SIZE', `Use 1 (stochastic), 'full' (batch) or a size between, such as 32; there are ${n} training rows.`);
  return Math.min(bs, n);
}

/** Checks a budget: whole epochs >= 1, whole examples >= 1, or seconds > 0. */
export function checkBudget(b: unknown): Budget {
  const o = b as Record<string, unknown> | undefined;
  if (o && typeof o === 'object') {
    if ('epochs' in o) return { epochs: checkInt('budget.epochs', o.epochs, 1, 1e9, 'BAD_EPOCHS', 'Train for at least one epoch, e.g. { epochs: 20 }.') };
    if ('examples' in o) return { examples: checkInt('budget.examples', o.examples, 1, 2 ** 53, 'BAD_ARGUMENT', 'Count training examples, e.g. { examples: 100000 }.') };
    if ('seconds' in o) return { seconds: checkNumber('budget.seconds', o.seconds, 0, 1e9, { minInclusive: false }) };
  }
  throw new MinibatchError('BAD_ARGUMENT', `budget must be { epochs }, { examples } or { seconds }, got ${show(b)}`);
}

/**
 * Default evaluation interval in examples for a budget over `n` training rows, aiming at 20-40
 * points per run. For E >= 20 epochs' worth it is n x ceil(E / 40) (points at epoch ends);
 * below, ceil(n / ceil(30 / E)) (about 30 points, some mid-epoch). A seconds budget gets n / 4.
 * A batch larger than the interval gives at most one point per update.
 */
export function defaultEvalEvery(budget: Budget, n: number): number {
  if ('seconds' in budget) return Math.max(1, Math.ceil(n / 4));
  const epochs = 'epochs' in budget ? budget.epochs : budget.examples / n;
  if (epochs >= 20) return n * Math.ceil(epochs / 40);
  return Math.max(1, Math.ceil(n / Math.ceil(30 / epochs)));
}

/** Seeds from a count (1..count) or a list (each a whole number). */
export function seedList(seeds: number | number[] | undefined, fallback: number): number[] {
  if (Array.isArray(seeds)) {
    if (seeds.length === 0) throw new MinibatchError('BAD_ARGUMENT', 'seeds must list at least one seed, got []');
    return seeds.map((s, i) => checkInt(`seeds[${i}]`, s, 0, 2 ** 53));
  }
  const n = checkInt('seeds', seeds ?? fallback, 1, 1000, 'BAD_ARGUMENT', 'Give a count such as 3 or a list such as [1, 2, 3].');
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** A positive finite learning rate, or a MinibatchError naming it. */
export function checkLearningRate(name: string, v: unknown): number {
  return checkNumber(name, v, 0, Infinity, { code: 'BAD_LEARNING_RATE', minInclusive: false, hint: 'Use a positive number such as 0.01' });
}

/** The default batch sizes of the lab: stochastic, three mini-batch sizes, and full batch. */
export const DEFAULT_BATCH_SIZES: ReadonlyArray<number | 'full'> = [1, 8, 32, 128, 'full'];

/**
 * Resolves requested batch sizes against `n` training rows, keeping the first of any that
 * resolve to the same size (e.g. 128 and 'full' with 100 rows), in the order given.
 */
export function uniqueBatchSizes(list: ReadonlyArray<number | 'full'> | undefined, n: number): Array<{ requested: number | 'full'; batchSize: number }> {
  const given = list ?? DEFAULT_BATCH_SIZES;
  if (!Array.isArray(given) || given.length === 0) {
    throw new MinibatchError('BAD_BATCH_SIZE', `batchSizes must list at least one batch size such as [1, 32, 'full'], got ${show(given)}`);
  }
  const out: Array<{ requested: number | 'full'; batchSize: number }> = [];
  for (const requested of given) {
    const batchSize = resolveBatchSize(requested, n);
    if (!out.some((o) => o.batchSize === batchSize)) out.push({ requested, batchSize });
  }
  return out;
}
