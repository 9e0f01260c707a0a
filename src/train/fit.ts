// fit: batch, stochastic and mini-batch gradient descent on a Dataset, epoch by epoch on the one loop.
import { MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { yieldToEventLoop } from '../core/yield.js';
import { BatchBuffer } from '../data/batch.js';
import { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../nn/model.js';
import { BatchPolicy } from './batch-policy.js';
import { checkTrainArgs } from './fit-args.js';
import { FIT_OPTION_NAMES, resolveOptions, type FitOptions, type Resolved } from './fit-options.js';
import { claimModel } from './model-busy.js';
import { initialLoss } from './loop.js';
import { createRun, endEpoch, epochHasBatches, runBatches, type History, type TrainRun } from './train-run.js';

export type { FitOptions, YieldEvery } from './fit-options.js';
export type { AdaptiveBatchOptions, BatchSizeSchedule, LrRule } from './batch-policy.js';
export type { BatchInfo, EpochRecord, FitCallbacks, History } from './train-run.js';
export type { TrainingControl } from './loop.js';

/**
 * Trains `model` in place by gradient descent over batches drawn by a BatchSampler. Each epoch
 * visits every training row exactly once; each batch makes one update
 * p <- optimizer(p, (1/|B|) sum_{i in B} grad loss_i)   (or the plain sum with reduction 'sum').
 * The step allocates nothing; the loop awaits once per epoch (never per batch), to let the event
 * loop run, plus the promise `onEpochEnd` returns when it is async.
 *
 * With `checkpoint` the run is saved atomically every `everyEpochs` epochs, at the end and when
 * aborted (even mid-epoch); `resumeFrom` continues such a run bit-identically (see checkpoint.ts).
 * With `batchSize: 'adaptive'` or a `batchSizeSchedule` the batch size changes at epoch starts
 * only (see BatchPolicy), each record carries its epoch's batchSize, and the policy's state is
 * part of the checkpoint.
 * A callback may stop the run (`control.stop()`, see FitCallbacks): `history.stopped` is then
 * 'callback'.
 *
 * Throws MinibatchError for bad options or data (an unknown option name included), MODEL_BUSY
 * when another fit, fitStream or trial is training `model` at the same time, DivergenceError (with the records so far) when a
 * batch, epoch or validation loss is NaN, infinite or `divergenceFactor` x the loss before the
 * first update (see FitOptions.divergenceFactor).
 */
export async function fit(model: Model, data: Dataset, options: FitOptions = {}): Promise<History> {
  checkTrainArgs('fit', model, options, FIT_OPTION_NAMES);
  const release = claimModel(model, 'fit');
  try {
    return await fitUnclaimed(model, data, options);
  } finally {
    release();
  }
}

/** fit's run once the arguments are checked and the model is claimed. */
async function fitUnclaimed(model: Model, data: Dataset, options: FitOptions): Promise<History> {
  const o = resolveOptions(model, data, options);
  const { train, val } = o;
  const sampler = new BatchSampler(train.length, o.batchSize, new Rng(o.seed), { shuffle: o.shuffle, dropLast: o.dropLast });
  if (sampler.batchesPerEpoch === 0) {
    throw new MinibatchError('BAD_BATCH_SIZE', `dropLast with batchSize ${o.batchSize} leaves no batch from ${train.length} rows; use a smaller batch size or dropLast: false`);
  }
  const policy = o.policy ? new BatchPolicy(o.policy, model.params.length, train.length) : undefined;
  const rows = policy ? policy.maxBatchSize : sampler.batchSize;
  const buffer = new BatchBuffer(train, rows, model.rowGatherer(train, rows), o.weights);
  o.optimizer.lrScale = 1;
  model.dropout?.reseed(o.seed); // the masks' stream follows the fit seed (a resumed run restores its state below)
  const run = createRun(model, o, options, val, {
    batchSize: sampler.batchSize, batchesPerEpoch: sampler.batchesPerEpoch, trainExamples: train.length, validationExamples: val?.length ?? 0,
  }, train, policy);
  const ckpt = options.checkpoint || options.resumeFrom ? await checkpointing(run, sampler, o, options) : undefined;
  const loop = run.loop; const st = loop.state; const history = run.history; const cb = run.callbacks;
  if (Number.isNaN(st.initialLoss)) loop.setInitialLoss(initialLoss(model, train));
  if (cb.onTrainBegin) await cb.onTrainBegin(loop);
  let partial = false; let lastYield = o.clock();
  while (st.epoch <= o.epochs && history.stopped === undefined && !loop.stopRequested) {
    if (!st.inEpoch) {
      policy?.beginEpoch(st.epoch, sampler, o.optimizer);
      if (cb.onEpochBegin) { await cb.onEpochBegin(st.epoch, loop); if (loop.stopRequested) break; }
      loop.beginEpoch(sampler);
    }
    const t0 = o.clock();
    runBatches(run, sampler, buffer, options.signal);
    st.seconds += (o.clock() - t0) / 1000;
    partial = !sampler.epochDone;
    if (partial) {
      if (ckpt) await ckpt.save();
      if (!epochHasBatches(run)) break;
    }
    const stop = endEpoch(run, partial);
    const pending = run.onEpochEnd?.(history.records[history.records.length - 1]!, loop);
    if (pending) await pending;
    if (loop.stopRequested) history.stopped ??= 'callback';
    if (stop || partial || history.stopped !== undefined || st.epoch > o.epochs) break;
    if (ckpt?.due()) { await ckpt.save(); lastYield = o.clock(); }
    else if (o.clock() - lastYield >= o.yieldMs) { await yieldToEventLoop(); lastYield = o.clock(); }
  }
  if (ckpt && !partial) await ckpt.save();
  if (loop.stopRequested) history.stopped ??= 'callback';
  if (run.early) { run.early.restore(model.params); history.bestEpoch = run.early.bestEpoch; }
  if (cb.onTrainEnd) await cb.onTrainEnd(history, loop);
  return history;
}

/**
 * Sets up checkpoint saving and/or restores `resumeFrom` into the run. checkpoint.ts (and the
 * schema library it validates files with) loads here, on first use: a fit without checkpoints,
 * such as every trial a sweep's worker threads run, never pays for it.
 */
async function checkpointing(run: TrainRun, sampler: BatchSampler, o: Resolved, options: FitOptions): Promise<{ due(): boolean; save(): Promise<void> } | undefined> {
  const { captureRun, checkCheckpointOptions, resumeRun, runFingerprint, saveCheckpoint } = await import('./checkpoint.js');
  const fingerprint = runFingerprint(o.train, o.val, o);
  if (options.resumeFrom) await resumeRun(run, sampler, options.resumeFrom, fingerprint);
  if (!options.checkpoint) return undefined;
  const { path, everyEpochs } = checkCheckpointOptions(options.checkpoint);
  const st = run.loop.state;
  let savedAt = -1;
  return {
    due: () => st.epoch > 1 && (st.epoch - 1) % everyEpochs === 0,
    async save() {
      const key = st.updates * 2 + (st.inEpoch ? 1 : 0);
      if (key === savedAt && !st.inEpoch) return;
      savedAt = key;
      await saveCheckpoint(path, captureRun(run, sampler, fingerprint));
    },
  };
}

