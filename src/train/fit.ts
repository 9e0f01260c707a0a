// fit: the one training loop for batch, stochastic and mini-batch gradient descent.
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import { DivergenceError, MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { BatchBuffer } from '../data/batch.js';
import { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import { STAT, STAT_SIZE } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { Evaluator } from './evaluate.js';
import { checkDataFitsModel, metricsFromStats, type Metrics } from './metrics.js';

/** One row of the learning curve, written at the end of every epoch. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Parameter updates so far (cumulative). */
  updates: number;
  /** Training examples processed so far (cumulative). */
  examplesSeen: number;
  /** Seconds spent training so far, excluding validation (cumulative). */
  trainSeconds: number;
  /** Mean training loss over the epoch's examples (each batch weighted by its size). */
  trainLoss: number;
  /** Mean loss on the validation data after the epoch. */
  valLoss?: number;
  /** Training metrics over the epoch (accuracy; or mse and mae for regression). */
  metrics: Metrics;
  /** Validation metrics after the epoch. */
  valMetrics?: Metrics;
  /** Learning rate of the epoch's last update. */
  learningRate: number;
}

/** What onBatchEnd receives; one object reused for every batch (copy what you keep). */
export interface BatchInfo {
  epoch: number;
  batch: number;
  size: number;
  /** Mean loss of the batch before the update. */
  loss: number;
  updates: number;
}

export interface FitCallbacks {
  onEpochEnd?(record: EpochRecord): void | Promise<void>;
  onBatchEnd?(info: BatchInfo): void;
}

export interface FitOptions {
  /** Examples per update: 1 = stochastic, 'full' = batch GD. Default 32. Above N trains as full batch. */
  batchSize?: number | 'full';
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
  /** Stop when the loss exceeds this multiple of the first epoch's loss. Default 1000. */
  divergenceFactor?: number;
  /** Cancels training at the next batch; fit then returns the history so far. */
  signal?: AbortSignal;
  /** Milliseconds clock (injected in tests). Default performance.now. */
  clock?: () => number;
}

export interface History {
  records: EpochRecord[];
  /** The batch size actually used (N when the request was 'full' or above N). */
  batchSize: number;
  batchesPerEpoch: number;
  trainExamples: number;
  validationExamples: number;
  /** Why training ended before `epochs`, if it did. */
  stopped?: 'early-stopping' | 'aborted';
  /** Epoch with the lowest monitored loss, when early stopping was on. */
  bestEpoch?: number;
}

/**
 * Trains `model` in place by gradient descent over batches drawn by a BatchSampler. Each epoch
 * visits every training row exactly once; each batch makes one update
 * p <- optimizer(p, (1/|B|) sum_{i in B} grad loss_i)   (or the plain sum with reduction 'sum').
 * The step allocates nothing; the loop awaits once per epoch (never per batch).
 *
 * Throws MinibatchError for bad options or data, DivergenceError when the loss becomes NaN,
 * infinite or `divergenceFactor` x the first epoch's loss (with the records so far).
 */
export async function fit(model: Model, data: Dataset, options: FitOptions = {}): Promise<History> {
  const o = resolveOptions(model, data, options);
  const { train, val } = o;
  const sampler = new BatchSampler(train.length, o.batchSize, new Rng(o.seed), { shuffle: o.shuffle, dropLast: o.dropLast });
  if (sampler.batchesPerEpoch === 0) {
    throw new MinibatchError('BAD_BATCH_SIZE', `dropLast with batchSize ${o.batchSize} leaves no batch from ${train.length} rows; use a smaller batch size or dropLast: false`);
  }
  const buffer = new BatchBuffer(train, sampler.batchSize);
  const evaluator = val ? new Evaluator(model, val, 512) : undefined;
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping, val !== undefined) : undefined;
  const grad = new Float32Array(model.params.length);
  const stats = new Float64Array(STAT_SIZE);
  const params = model.params; const optimizer = o.optimizer; const clock = o.clock;
  const onBatchEnd = options.callbacks?.onBatchEnd; const onEpochEnd = options.callbacks?.onEpochEnd;
  const info: BatchInfo = { epoch: 0, batch: 0, size: 0, loss: 0, updates: 0 };
  const history: History = {
    records: [], batchSize: sampler.batchSize, batchesPerEpoch: sampler.batchesPerEpoch,
    trainExamples: train.length, validationExamples: val?.length ?? 0,
  };
  let updates = 0; let seen = 0; let seconds = 0; let firstLoss = NaN;
  const nb = sampler.batchesPerEpoch; const sum = o.reduction === 'sum'; const signal = options.signal;

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    stats.fill(0);
    const t0 = clock();
    sampler.startEpoch();
    for (let b = 0; b < nb; b++) {
      if (signal?.aborted) { history.stopped = 'aborted'; break; }
      const len = sampler.batchLength(b);
      const batch = buffer.gather(sampler.order, sampler.batchStart(b), len);
      const loss = model.lossAndGrad(params, batch, grad, sum ? 1 : 1 / len, stats);
      if (!(Math.abs(loss) <= Number.MAX_VALUE)) {
        seconds += (clock() - t0) / 1000;
        throw new DivergenceError(epoch, loss, history.records, optimizer.learningRate());
      }
      optimizer.step(params, grad);
      updates++; seen += len;
      if (onBatchEnd) {
        info.epoch = epoch; info.batch = b; info.size = len; info.loss = loss / len; info.updates = updates;
        onBatchEnd(info);
      }
    }
    seconds += (clock() - t0) / 1000;
    if (stats[STAT.count] === 0) break;
    const record: EpochRecord = {
      epoch, updates, examplesSeen: seen, trainSeconds: seconds,
      trainLoss: stats[STAT.loss]! / stats[STAT.count]!, metrics: metricsFromStats(model, stats),
      learningRate: optimizer.lastLearningRate,
    };
    if (evaluator) {
      const ev = evaluator.run(params);
      record.valLoss = ev.loss; record.valMetrics = ev.metrics;
    }
    if (epoch === 1) firstLoss = record.trainLoss;
    history.records.push(record);
    const watched = Math.max(record.trainLoss, record.valLoss ?? -Infinity);
    if (!Number.isFinite(watched) || (firstLoss > 0 && record.trainLoss > o.divergenceFactor * firstLoss)) {
      throw new DivergenceError(epoch, Number.isFinite(watched) ? record.trainLoss : watched, history.records, optimizer.learningRate());
    }
    if (onEpochEnd) await onEpochEnd(record);
    if (history.stopped) break;
    if (early && early.update(epoch, early.monitor === 'valLoss' ? record.valLoss! : record.trainLoss, params)) {
      history.stopped = 'early-stopping';
      break;
    }
    await yieldToEventLoop();
  }
  if (early) { early.restore(params); history.bestEpoch = early.bestEpoch; }
  return history;
}

function yieldToEventLoop(): Promise<void> { return new Promise((r) => setImmediate(r)); }

interface Resolved {
  batchSize: number; epochs: number; optimizer: Optimizer; shuffle: boolean; dropLast: boolean;
  reduction: 'mean' | 'sum'; seed: number; divergenceFactor: number; clock: () => number;
  train: Dataset; val: Dataset | undefined;
}

function resolveOptions(model: Model, data: Dataset, o: FitOptions): Resolved {
  if (!data || typeof data !== 'object' || !('numFeatures' in data)) {
    throw new MinibatchError('BAD_ARGUMENT', `fit needs a Dataset (Dataset.fromArrays(x, y)), got ${show(data)}`);
  }
  checkDataFitsModel(model, data, 'training data');
  const seed = checkInt('seed', o.seed ?? 1, 0, 2 ** 53);
  const epochs = checkInt('epochs', o.epochs ?? 1, 1, 1e9, 'BAD_EPOCHS', 'Train for at least one epoch, e.g. epochs: 50.');
  let train = data; let val = o.validationData;
  if (o.validationSplit !== undefined && o.validationData) {
    throw new MinibatchError('BAD_ARGUMENT', 'give either validationSplit or validationData, not both');
  }
  if (o.validationSplit !== undefined && o.validationSplit !== 0) {
    checkNumber('validationSplit', o.validationSplit, 0, 1, { minInclusive: false, hint: 'Use a fraction such as 0.2' });
    if (o.validationSplit >= 1) throw new MinibatchError('BAD_ARGUMENT', `validationSplit must be below 1, got ${o.validationSplit}; use a fraction such as 0.2`);
    const idx = splitIndices(data, { testFraction: o.validationSplit, seed: (seed + 0x5bd1e995) % 2 ** 53 });
    train = data.subset(idx.train); val = data.subset(idx.test);
  }
  if (val) checkDataFitsModel(model, val, 'validation data');
  const n = train.length;
  const bs = o.batchSize ?? 32;
  let batchSize: number;
  if (bs === 'full') batchSize = n;
  else {
    checkInt('batchSize', bs, 1, Infinity, 'BAD_BATCH_SIZE', `Use 1 (stochastic), 'full' (batch) or a size between, such as 32; there are ${n} training rows.`);
    batchSize = Math.min(bs, n);
  }
  return {
    batchSize, epochs, seed, train, val,
    optimizer: o.optimizer ?? sgd({ learningRate: 0.01 }),
    shuffle: o.shuffle ?? true, dropLast: o.dropLast ?? false,
    reduction: checkOneOf('reduction', o.reduction ?? 'mean', ['mean', 'sum']),
    divergenceFactor: checkNumber('divergenceFactor', o.divergenceFactor ?? 1000, 1, Infinity, { minInclusive: false }),
    clock: o.clock ?? (() => performance.now()),
  };
}
