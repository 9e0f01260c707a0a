// fit's options: their types, defaults and checks (the validation split included).
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import { resolvePolicy, type AdaptiveBatchOptions, type BatchPolicySpec, type BatchSizeSchedule } from './batch-policy.js';
import type { CheckpointOptions, Checkpoint } from './checkpoint.js';
import { resolveClipping, type Clipping } from './clip.js';
import type { EarlyStoppingOptions } from './early-stopping.js';
import { checkDataFitsModel, checkMetricKeys, type MetricKey } from './metrics.js';
import type { ReduceLrOptions } from './reduce-lr.js';
import { rowWeights, type ClassWeight } from './sample-weights.js';
import { describeValue } from './fit-args.js';
import type { FitCallbacks } from './train-run.js';

export interface FitOptions {
  /**
   * Examples per update: 1 = stochastic, 'full' = batch GD. Default 32. Above N trains as full batch.
   * 'adaptive' grows the batch at epoch boundaries from the gradient noise scale measured on the
   * training batches and scales the learning rate with it (see `adaptive` and BatchPolicy).
   */
  batchSize?: number | 'full' | 'adaptive';
  /** Settings of `batchSize: 'adaptive'`: initial and largest batch size, learning-rate rule. */
  adaptive?: AdaptiveBatchOptions;
  /**
   * Grow the batch size on a schedule from `batchSize` instead of decaying the learning rate
   * (Smith et al. 2017), e.g. { type: 'step', every: 5, factor: 2, max: 1024 }: the batch
   * doubles every 5 epochs up to 1024 rows. Each history record carries its batchSize.
   */
  batchSizeSchedule?: BatchSizeSchedule;
  /** Passes over the training data. Default 1 (as Keras). */
  epochs?: number;
  /** Default: sgd({ learningRate: 0.01 }). */
  optimizer?: Optimizer;
  /** Reshuffle the rows every epoch. Default true. */
  shuffle?: boolean;
  /** Skip the smaller last batch of each epoch. Default false. */
  dropLast?: boolean;
  /** Average ('mean', default) or sum ('sum') the per-example gradients of a batch. */
  reduction?: 'mean' | 'sum';
  /** Fraction of rows held out at random (stratified for classes) for validation. */
  validationSplit?: number;
  /** Explicit validation data (instead of validationSplit). */
  validationData?: Dataset;
  /** Seed of shuffling and of the validation split. Default 1. */
  seed?: number;
  callbacks?: FitCallbacks;
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Metrics to track in every record besides accuracy (or mse and mae), on the training data
   * (`metrics`) and the validation data (`valMetrics`), e.g. ['f1', 'auc'] (see Metrics). The
   * running ones (accuracy, mse, mae) average the epoch's batches; the others are computed on
   * the training rows with the weights at the end of the epoch. A monitored metric is tracked
   * without being listed.
   */
  metrics?: MetricKey[];
  /**
   * Loss weight of each row of `data` (a Float32Array or number[], values >= 0). The batch loss
   * becomes the weighted mean sum w_i l_i / sum w_i ('mean'; the weighted sum for 'sum'), so
   * scaling every weight by a constant changes nothing (scikit-learn's rule, not Keras's division
   * by the batch size). Validation and evaluation stay unweighted. Multiplied by classWeight.
   */
  sampleWeight?: Float32Array | number[];
  /**
   * Loss weight of each class (classifiers): an array or map by class index (0/1 for a sigmoid
   * model), or 'balanced' = n_rows / (n_classes x rows of the class) over the training rows (scikit-learn).
   */
  classWeight?: ClassWeight;
  /** Clip every batch gradient to global L2 norm at most this before the step (torch clip_grad_norm_). */
  clipNorm?: number;
  /** Clip every gradient component to [-clipValue, clipValue] before the step (applied before clipNorm). */
  clipValue?: number;
  /** Lower the learning rate when the monitored value plateaus (Keras ReduceLROnPlateau). */
  reduceLROnPlateau?: ReduceLrOptions;
  /**
   * The divergence rule (the same on every training path): training stops with DivergenceError
   * when the loss of a batch, of an epoch or on the validation data is not finite or exceeds
   * divergenceFactor x the initial loss, the mean training loss before the first update
   * (measured on the training rows, at most 4096 of them evenly spaced) or, when larger, the
   * loss of the best constant prediction on them (no bound when both are 0).
   * Default 1000.
   */
  divergenceFactor?: number;
  /** Cancels training at the next batch; fit then returns the history so far. */
  signal?: AbortSignal;
  /** Milliseconds clock (injected in tests); it times the epochs and yieldEvery. Default performance.now. */
  clock?: () => number;
  /**
   * How often fit hands the thread back to the event loop (timers, I/O, abort signals, page
   * rendering), between epochs, as TF.js's option of the same name: 'auto' (the default) when
   * at least 16 ms have passed since the last time, 'epoch' after every epoch, 'never', or a
   * number of milliseconds. A turn of the event loop costs 5-20 µs, a good share of a short
   * epoch (a 768-row batch-1 logistic epoch takes about 50 µs), so 'auto' skips it for them.
   */
  yieldEvery?: YieldEvery;
  /** Save a checkpoint to `path` every `everyEpochs` epochs (default 1), at the end, and when aborted. */
  checkpoint?: CheckpointOptions;
  /** Continue the run saved in this checkpoint (a path or a loaded Checkpoint), bit-identically. */
  resumeFrom?: string | Checkpoint;
}

/** FitOptions.yieldEvery: 'auto' (every 16 ms at most), 'epoch', 'never' or milliseconds. */
export type YieldEvery = 'auto' | 'epoch' | 'never' | number;

/** The milliseconds 'auto' waits between two yields: one frame at 60 Hz. */
const AUTO_YIELD_MS = 16;

/** yieldEvery as milliseconds between yields (0: every epoch, Infinity: never), checked. */
function yieldInterval(v: unknown): number {
  if (v === undefined || v === 'auto') return AUTO_YIELD_MS;
  if (v === 'epoch') return 0;
  if (v === 'never') return Infinity;
  if (typeof v === 'number') return checkNumber('yieldEvery', v, 0, Infinity, { hint: "Give milliseconds, or 'auto', 'epoch' or 'never'" });
  throw new MinibatchError('BAD_ARGUMENT', `yieldEvery must be 'auto', 'epoch', 'never' or a number of milliseconds, got ${show(v)}`);
}

/**
 * Every option name of FitOptions (the compiler keeps the list complete), for refusing unknown
 * names such as `epoch`.
 */
export const FIT_OPTION_NAMES: readonly string[] = Object.keys({
  batchSize: 1, epochs: 1, optimizer: 1, shuffle: 1, dropLast: 1, reduction: 1, validationSplit: 1, validationData: 1,
  seed: 1, callbacks: 1, earlyStopping: 1, divergenceFactor: 1, signal: 1, clock: 1, yieldEvery: 1, checkpoint: 1, resumeFrom: 1,
  adaptive: 1, batchSizeSchedule: 1, metrics: 1, sampleWeight: 1, classWeight: 1, clipNorm: 1, clipValue: 1, reduceLROnPlateau: 1,
} satisfies Record<keyof FitOptions, 1>);

/** Options after defaults and checks. */
export interface Resolved {
  batchSize: number; epochs: number; optimizer: Optimizer; shuffle: boolean; dropLast: boolean;
  reduction: 'mean' | 'sum'; seed: number; divergenceFactor: number; clock: () => number;
  /** Milliseconds between yields to the event loop (0: every epoch, Infinity: never). */
  yieldMs: number;
  train: Dataset; val: Dataset | undefined;
  /** The tracked metrics (checked), the training rows' loss weights, the clipping. */
  metrics: MetricKey[]; weights: Float32Array | undefined; clipping: Clipping | undefined;
  /** The batch-size policy, when the batch size changes between epochs (batchSize is then its first size). */
  policy: BatchPolicySpec | undefined;
}

export function resolveOptions(model: Model, data: Dataset, o: FitOptions): Resolved {
  if (!data || typeof data !== 'object' || !('numFeatures' in data)) {
    throw new MinibatchError('BAD_ARGUMENT', `fit needs a Dataset (Dataset.fromArrays(x, y)), got ${describeValue(data)}`);
  }
  checkDataFitsModel(model, data, 'training data');
  const seed = checkInt('seed', o.seed ?? 1, 0, 2 ** 53);
  const epochs = checkInt('epochs', o.epochs ?? 1, 1, 1e9, 'BAD_EPOCHS', 'Train for at least one epoch, e.g. epochs: 50.');
  let train = data; let val = o.validationData; let rows: Uint32Array | number[] | undefined;
  if (o.validationSplit !== undefined && o.validationData) {
    throw new MinibatchError('BAD_ARGUMENT', 'give either validationSplit or validationData, not both');
  }
  if (o.validationSplit !== undefined && o.validationSplit !== 0) {
    checkNumber('validationSplit', o.validationSplit, 0, 1, { minInclusive: false, hint: 'Use a fraction such as 0.2' });
    if (o.validationSplit >= 1) throw new MinibatchError('BAD_ARGUMENT', `validationSplit must be below 1, got ${o.validationSplit}; use a fraction such as 0.2`);
    const idx = splitIndices(data, { testFraction: o.validationSplit, seed: (seed + 0x5bd1e995) % 2 ** 53 });
    train = data.subset(idx.train); val = data.subset(idx.test); rows = idx.train;
  }
  if (val) checkDataFitsModel(model, val, 'validation data');
  const n = train.length;
  const bs = o.batchSize ?? 32;
  const optimizer = o.optimizer ?? sgd({ learningRate: 0.01 });
  const policy = resolvePolicy(n, o.batchSize, o.adaptive, o.batchSizeSchedule, optimizer);
  let batchSize: number;
  if (policy) batchSize = policy.initial;
  else if (bs === 'full') batchSize = n;
  else {
    checkInt('batchSize', bs, 1, Infinity, 'BAD_BATCH_SIZE', `Use 1 (stochastic), 'full' (batch), 'adaptive' or a size between, such as 32; there are ${n} training rows.`);
    batchSize = Math.min(bs as number, n);
  }
  return {
    batchSize, epochs, seed, train, val, policy, optimizer,
    shuffle: o.shuffle ?? true, dropLast: o.dropLast ?? false,
    reduction: checkOneOf('reduction', o.reduction ?? 'mean', ['mean', 'sum']),
    divergenceFactor: checkNumber('divergenceFactor', o.divergenceFactor ?? 1000, 1, Infinity, { minInclusive: false }),
    clock: o.clock ?? (() => performance.now()),
    yieldMs: yieldInterval(o.yieldEvery),
    metrics: checkMetricKeys('metrics', o.metrics, model),
    weights: rowWeights(model, train, rows, data.length, o.sampleWeight, o.classWeight),
    clipping: resolveClipping(o),
  };
}
