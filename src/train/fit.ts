// fit: the one training loop for batch, stochastic and mini-batch gradient descent.
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import { DivergenceError, MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { yieldToEventLoop } from '../core/yield.js';
import { BatchBuffer, type Batch } from '../data/batch.js';
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
import type { Checkpoint, CheckpointOptions } from './checkpoint.js';

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
  /** Save a checkpoint to `path` every `everyEpochs` epochs (default 1), at the end, and when aborted. */
  checkpoint?: CheckpointOptions;
  /** Continue the run saved in this checkpoint (a path or a loaded Checkpoint), bit-identically. */
  resumeFrom?: string | Checkpoint;
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
 * The step allocates nothing; the loop awaits once per epoch (never per batch), to let the event
 * loop run, plus the promise `onEpochEnd` returns when it is async.
 *
 * With `checkpoint` the run is saved atomically every `everyEpochs` epochs, at the end and when
 * aborted (even mid-epoch); `resumeFrom` continues such a run bit-identically (see checkpoint.ts).
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
  const buffer = new BatchBuffer(train, sampler.batchSize, model.rowGatherer(train, sampler.batchSize));
  const run = createRun(model, o, options, val, {
    batchSize: sampler.batchSize, batchesPerEpoch: sampler.batchesPerEpoch, trainExamples: train.length, validationExamples: val?.length ?? 0,
  });
  const ckpt = options.checkpoint || options.resumeFrom ? await checkpointing(run, sampler, o, options) : undefined;
  const nb = sampler.batchesPerEpoch; const signal = options.signal; const st = run.state; const history = run.history;

  while (st.epoch <= o.epochs && history.stopped !== 'early-stopping') {
    if (!st.inEpoch) { run.stats.fill(0); sampler.startEpoch(); st.inEpoch = true; st.batch = 0; }
    const t0 = o.clock();
    while (st.batch < nb) {
      if (signal?.aborted) { history.stopped = 'aborted'; break; }
      const len = sampler.batchLength(st.batch);
      stepBatch(run, buffer.gather(sampler.order, sampler.batchStart(st.batch), len), len);
    }
    st.seconds += (o.clock() - t0) / 1000;
    if (history.stopped === 'aborted') {
      if (ckpt) await ckpt.save();
      if (run.stats[STAT.count] === 0) break;
    }
    const stop = endEpoch(run);
    const pending = run.onEpochEnd?.(history.records[history.records.length - 1]!);
    if (pending) await pending;
    if (history.stopped === 'aborted') break;
    if (stop || st.epoch > o.epochs) break;
    if (ckpt?.due()) await ckpt.save(); else await yieldToEventLoop();
  }
  if (ckpt && history.stopped !== 'aborted') await ckpt.save();
  if (run.early) { run.early.restore(model.params); history.bestEpoch = run.early.bestEpoch; }
  return history;
}

/** Sets up checkpoint saving and/or restores `resumeFrom` into the run (loaded lazily: no cycle at start-up). */
async function checkpointing(run: TrainRun, sampler: BatchSampler, o: Resolved, options: FitOptions): Promise<{ due(): boolean; save(): Promise<void> } | undefined> {
  const cp = await import('./checkpoint.js');
  const fingerprint = cp.runFingerprint(o.train, o.val, o);
  if (options.resumeFrom) await cp.resumeRun(run, sampler, options.resumeFrom, fingerprint);
  if (!options.checkpoint) return undefined;
  const { path, everyEpochs } = cp.checkCheckpointOptions(options.checkpoint);
  let savedAt = -1;
  return {
    due: () => run.state.epoch > 1 && (run.state.epoch - 1) % everyEpochs === 0,
    async save() {
      const key = run.state.updates * 2 + (run.state.inEpoch ? 1 : 0);
      if (key === savedAt && !run.state.inEpoch) return;
      savedAt = key;
      await cp.saveCheckpoint(path, cp.captureRun(run, sampler, fingerprint));
    },
  };
}

/** The loop's position and running sums: what a checkpoint keeps besides model, optimizer and sampler. */
export interface LoopState {
  /** The epoch in progress, or the next one to start (1-based). */
  epoch: number;
  /** Whether `epoch` has started (its order is drawn and `stats` hold its batches so far). */
  inEpoch: boolean;
  /** The next batch of `epoch` to run. */
  batch: number;
  updates: number;
  seen: number;
  seconds: number;
  /** Training loss of epoch 1 (NaN before), the divergence reference. */
  firstLoss: number;
}

/** Everything one training run mutates, shared by fit and fitStream (one step function for both). */
export interface TrainRun {
  model: Model;
  optimizer: Optimizer;
  grad: Float32Array;
  /** Sums of the epoch so far (loss, count, metric sums; see STAT). */
  stats: Float64Array;
  sum: boolean;
  divergenceFactor: number;
  state: LoopState;
  history: History;
  evaluator: Evaluator | undefined;
  early: EarlyStopping | undefined;
  onBatchEnd: ((info: BatchInfo) => void) | undefined;
  onEpochEnd: ((record: EpochRecord) => void | Promise<void>) | undefined;
  info: BatchInfo;
}

/** A fresh run at epoch 1 (fit and fitStream). */
export function createRun(
  model: Model, o: { optimizer: Optimizer; reduction: 'mean' | 'sum'; divergenceFactor: number }, options: FitOptions,
  val: Dataset | undefined, shape: Pick<History, 'batchSize' | 'batchesPerEpoch' | 'trainExamples' | 'validationExamples'>,
): TrainRun {
  return {
    model, optimizer: o.optimizer, grad: model.gradientBuffer(), stats: new Float64Array(STAT_SIZE),
    sum: o.reduction === 'sum', divergenceFactor: o.divergenceFactor,
    state: { epoch: 1, inEpoch: false, batch: 0, updates: 0, seen: 0, seconds: 0, firstLoss: NaN },
    history: { records: [], ...shape },
    evaluator: val ? new Evaluator(model, val, 512) : undefined,
    early: options.earlyStopping ? new EarlyStopping(options.earlyStopping, val !== undefined) : undefined,
    onBatchEnd: options.callbacks?.onBatchEnd, onEpochEnd: options.callbacks?.onEpochEnd,
    info: { epoch: 0, batch: 0, size: 0, loss: 0, updates: 0 },
  };
}

/**
 * One update on the first `len` rows of `batch`: loss and gradient, a DivergenceError if the
 * loss is not finite, then the optimizer step and the counters. Allocates nothing.
 */
export function stepBatch(run: TrainRun, batch: Batch, len: number): void {
  const params = run.model.params; const st = run.state;
  const before = run.stats[STAT.loss]!;
  run.model.accumulateGrad(params, batch, run.grad, run.sum, run.stats);
  const loss = run.stats[STAT.loss]! - before;
  if (!(Math.abs(loss) <= Number.MAX_VALUE)) throw new DivergenceError(st.epoch, loss, run.history.records, run.optimizer.learningRate());
  run.optimizer.step(params, run.grad);
  st.updates++; st.seen += len;
  if (run.onBatchEnd) {
    const info = run.info;
    info.epoch = st.epoch; info.batch = st.batch; info.size = len; info.loss = loss / len; info.updates = st.updates;
    run.onBatchEnd(info);
  }
  st.batch++;
}

/**
 * Closes the epoch in progress: its record (validation included) is appended to the history,
 * divergence is checked, and the state moves to the next epoch. Returns true when early
 * stopping says to stop. Call only when the epoch ran at least one batch.
 */
export function endEpoch(run: TrainRun): boolean {
  const st = run.state; const stats = run.stats; const history = run.history;
  const record: EpochRecord = {
    epoch: st.epoch, updates: st.updates, examplesSeen: st.seen, trainSeconds: st.seconds,
    trainLoss: stats[STAT.loss]! / stats[STAT.count]!, metrics: metricsFromStats(run.model, stats),
    learningRate: run.optimizer.lastLearningRate,
  };
  if (run.evaluator) {
    const ev = run.evaluator.run(run.model.params);
    record.valLoss = ev.loss; record.valMetrics = ev.metrics;
  }
  if (st.epoch === 1) st.firstLoss = record.trainLoss;
  history.records.push(record);
  const watched = Math.max(record.trainLoss, record.valLoss ?? -Infinity);
  if (!Number.isFinite(watched) || (st.firstLoss > 0 && record.trainLoss > run.divergenceFactor * st.firstLoss)) {
    throw new DivergenceError(st.epoch, Number.isFinite(watched) ? record.trainLoss : watched, history.records, run.optimizer.learningRate());
  }
  if (history.stopped === 'aborted') return true;
  st.epoch++; st.inEpoch = false; st.batch = 0;
  const early = run.early;
  if (early && early.update(record.epoch, early.monitor === 'valLoss' ? record.valLoss! : record.trainLoss, run.model.params)) {
    history.stopped = 'early-stopping';
    return true;
  }
  return false;
}

/** Options after defaults and checks. */
export interface Resolved {
  batchSize: number; epochs: number; optimizer: Optimizer; shuffle: boolean; dropLast: boolean;
  reduction: 'mean' | 'sum'; seed: number; divergenceFactor: number; clock: () => number;
  train: Dataset; val: Dataset | undefined;
}

export function resolveOptions(model: Model, data: Dataset, o: FitOptions): Resolved {
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
