// TrainRun: fit's and fitStream's epochs on the one loop (records, validation, early stopping, callbacks).
import { DivergenceError } from '../core/errors.js';
import type { BatchBuffer } from '../data/batch.js';
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import { STAT } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Clipping } from './clip.js';
import type { BatchPolicy } from './batch-policy.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { Evaluator } from './evaluate.js';
import { FusedEpoch } from './fused-epoch.js';
import { TrainLoop, type AfterStep, type TrainingControl } from './loop.js';
import { metricsFromStats, needsPredictions, type MetricKey, type Metrics } from './metrics.js';
import { ReduceLrOnPlateau, type ReduceLrOptions } from './reduce-lr.js';

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
  /**
   * Mean training loss over the epoch's examples (each batch weighted by its size; with
   * sampleWeight or classWeight the weighted mean sum w_i l_i / sum w_i).
   */
  trainLoss: number;
  /** Mean loss on the validation data after the epoch. */
  valLoss?: number;
  /**
   * Training metrics: accuracy (or mse and mae) over the epoch's batches (weighted like
   * trainLoss), and the metrics asked for (fit's `metrics`) on the training rows at the epoch's end.
   */
  metrics: Metrics;
  /** Validation metrics after the epoch (accuracy or mse and mae, and the metrics asked for). */
  valMetrics?: Metrics;
  /** Learning rate of the epoch's last update. */
  learningRate: number;
  /** Rows per batch in this epoch (it changes between epochs with batchSize 'adaptive' or a batchSizeSchedule). */
  batchSize: number;
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

/**
 * Hooks called during training. Each receives a TrainingControl as its second argument:
 * `control.stop()` ends the run after this batch (onBatchEnd; the epoch so far is still
 * recorded) or after this epoch (onEpochEnd), and the history says `stopped: 'callback'`.
 */
export interface FitCallbacks {
  /** Before the first epoch (also when resuming from a checkpoint); `stop()` here trains nothing. */
  onTrainBegin?(control: TrainingControl): void | Promise<void>;
  /** Before each epoch starts (1-based); `stop()` here ends the run before the epoch. */
  onEpochBegin?(epoch: number, control: TrainingControl): void | Promise<void>;
  onEpochEnd?(record: EpochRecord, control: TrainingControl): void | Promise<void>;
  onBatchEnd?(info: BatchInfo, control: TrainingControl): void;
  /** After the last epoch, however the run ended (not when it throws), with the history fit returns. */
  onTrainEnd?(history: History, control: TrainingControl): void | Promise<void>;
}

export interface History {
  records: EpochRecord[];
  /** The batch size actually used (N when the request was 'full' or above N); the first epoch's with a policy (records carry each epoch's). */
  batchSize: number;
  batchesPerEpoch: number;
  trainExamples: number;
  validationExamples: number;
  /** Why training ended before `epochs`, if it did ('callback': a callback called control.stop()). */
  stopped?: 'early-stopping' | 'aborted' | 'callback';
  /** Epoch with the best monitored value, when early stopping was on. */
  bestEpoch?: number;
  /** Epochs after which reduceLROnPlateau lowered the learning rate, and the rate it set. */
  lrReductions?: { epoch: number; learningRate: number }[];
}

/** Everything one fit or fitStream run mutates besides model, optimizer and sampler. */
export interface TrainRun {
  loop: TrainLoop;
  history: History;
  evaluator: Evaluator | undefined;
  /** Computes the tracked prediction metrics (F1, AUC, ...) on the training rows; none when not asked for. */
  trainMetrics: Evaluator | undefined;
  early: EarlyStopping | undefined;
  reduceLr: ReduceLrOnPlateau | undefined;
  onEpochEnd: FitCallbacks['onEpochEnd'];
  callbacks: FitCallbacks;
  /** The batch-size policy (adaptive or scheduled), when the batch size changes between epochs. */
  policy: BatchPolicy | undefined;
  /** The whole-epoch kernel path of batch-1 SGD on one-layer models, where it applies (see FusedEpoch). */
  fused: FusedEpoch | undefined;
}

/** What createRun reads besides the model: the resolved settings and the options as given. */
export interface RunSettings {
  optimizer: Optimizer; reduction: 'mean' | 'sum'; divergenceFactor: number;
  metrics?: readonly MetricKey[]; clipping?: Clipping | undefined;
  /** The training rows' loss weights (none: every row weighs 1). */
  weights?: Float32Array | undefined;
}

/**
 * A fresh run at epoch 1 (fit and fitStream). `train`, when given, is where training metrics
 * that need predictions are computed (fitStream has none: its records hold the running ones),
 * and the rows a fused epoch (FusedEpoch) visits where it applies.
 */
export function createRun(
  model: Model, o: RunSettings,
  options: { callbacks?: FitCallbacks; earlyStopping?: EarlyStoppingOptions; reduceLROnPlateau?: ReduceLrOptions },
  val: Dataset | undefined, shape: Pick<History, 'batchSize' | 'batchesPerEpoch' | 'trainExamples' | 'validationExamples'>,
  train?: Dataset,
  policy?: BatchPolicy,
): TrainRun {
  const sum = o.reduction === 'sum';
  const loop = new TrainLoop(model, o.optimizer, sum, o.divergenceFactor, withMeter(policy, sum, batchHook(options.callbacks?.onBatchEnd)));
  loop.clipping = o.clipping;
  const hasVal = val !== undefined;
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping, hasVal, model) : undefined;
  const reduceLr = options.reduceLROnPlateau ? new ReduceLrOnPlateau(options.reduceLROnPlateau, model, hasVal) : undefined;
  const tracked = new Set<MetricKey>(o.metrics ?? []);
  for (const m of [early?.reader.metric, reduceLr?.reader.metric]) if (m) tracked.add(m);
  const metrics = [...tracked];
  const trainMetrics = train && metrics.some(needsPredictions) ? new Evaluator(model, train, 512, metrics) : undefined;
  return {
    policy,
    loop, history: { records: [], ...shape },
    evaluator: val ? new Evaluator(model, val, 512, metrics) : undefined,
    trainMetrics,
    early, reduceLr,
    fused: train ? FusedEpoch.create(loop, train, shape.batchSize, o.weights, policy) : undefined,
    onEpochEnd: options.callbacks?.onEpochEnd,
    callbacks: options.callbacks ?? {},
  };
}

/** The loop's after-step hook calling onBatchEnd with one reused BatchInfo (none without a callback). */
function batchHook(onBatchEnd: FitCallbacks['onBatchEnd']): AfterStep | undefined {
  if (!onBatchEnd) return undefined;
  const info: BatchInfo = { epoch: 0, batch: 0, size: 0, loss: 0, updates: 0 };
  return (loop, size) => {
    const st = loop.state;
    info.epoch = st.epoch; info.batch = st.batch - 1; info.size = size; info.loss = loop.lastLoss; info.updates = st.updates;
    onBatchEnd(info, loop);
  };
}

/** The after-step hook feeding each batch's gradient to the policy's noise meter (when it has one) before `then`. */
function withMeter(policy: BatchPolicy | undefined, sum: boolean, then: AfterStep | undefined): AfterStep | undefined {
  const meter = policy?.meter;
  if (!meter) return then;
  return then ? (loop, size) => { meter.observe(loop.grad, size, sum); then(loop, size); } : (loop, size) => meter.observe(loop.grad, size, sum);
}

/**
 * Runs the loop over the sampler's batches until its epoch is used up, the signal aborts or a
 * callback stops (history.stopped says which); where the run has a fused path, the rest of the
 * epoch runs in one kernel call instead, with the same bits. A diverged batch throws
 * DivergenceError with the records so far. Awaits nothing.
 */
export function runBatches(run: TrainRun, sampler: BatchSampler, buffer: BatchBuffer, signal: AbortSignal | undefined): void {
  const loop = run.loop;
  while (!sampler.epochDone) {
    if (signal?.aborted) { run.history.stopped = 'aborted'; return; }
    const fused = run.fused?.run(sampler); // the rest of the epoch in one kernel call, where it applies
    if (fused === true) continue;
    if (fused === false || !loop.step(sampler, buffer)) throw divergence(run, loop.divergedLoss);
    if (loop.stopRequested) { run.history.stopped = 'callback'; return; }
  }
}

function divergence(run: TrainRun, loss: number): DivergenceError<EpochRecord> {
  return new DivergenceError(run.loop.state.epoch, loss, run.history.records, run.loop.optimizer.learningRate());
}

/** True when the epoch in progress ran at least one batch. */
export function epochHasBatches(run: TrainRun): boolean { return run.loop.stats[STAT.count]! > 0; }

/**
 * Closes the epoch in progress: its record (validation included) is appended to the history and
 * judged by the loop's divergence rule (training and validation loss), and unless `partial`
 * (the run stopped mid-epoch) the state moves to the next epoch. Returns true when early stopping
 * says to stop. Call only when the epoch ran at least one batch.
 */
export function endEpoch(run: TrainRun, partial: boolean): boolean {
  const loop = run.loop; const st = loop.state; const stats = loop.stats; const history = run.history;
  const record: EpochRecord = {
    epoch: st.epoch, updates: st.updates, examplesSeen: st.seen, trainSeconds: st.seconds,
    trainLoss: stats[STAT.loss]! / stats[STAT.count]!, metrics: metricsFromStats(loop.model, stats),
    learningRate: loop.optimizer.lastLearningRate, batchSize: run.policy?.batchSize ?? history.batchSize,
  };
  if (run.trainMetrics) run.trainMetrics.addExtras(loop.model.params, record.metrics);
  if (run.evaluator) {
    const ev = run.evaluator.run(loop.model.params);
    record.valLoss = ev.loss; record.valMetrics = ev.metrics;
  }
  history.records.push(record);
  if (loop.exceeds(record.trainLoss)) throw divergence(run, record.trainLoss);
  if (record.valLoss !== undefined && loop.exceeds(record.valLoss)) throw divergence(run, record.valLoss);
  if (partial) return true;
  run.policy?.endEpoch(record.trainLoss);
  st.epoch++; st.inEpoch = false; st.batch = 0;
  if (run.reduceLr?.update(record.epoch, record, loop.optimizer)) (history.lrReductions ??= []).push(run.reduceLr.reductions.at(-1)!);
  const early = run.early;
  if (early && early.updateFrom(record.epoch, record, loop.model.params)) {
    history.stopped = 'early-stopping';
    return true;
  }
  return false;
}
