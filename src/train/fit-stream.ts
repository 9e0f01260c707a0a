// fitStream: fit's loop over rows streamed in shuffled chunks (data larger than memory).
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { BatchBuffer } from '../data/batch.js';
import { BatchSampler } from '../data/batch-sampler.js';
import { applyScaling, type Scaling } from '../data/scaling.js';
import type { RowSource } from '../data/stream-csv.js';
import type { Model } from '../nn/model.js';
import { sgd } from '../optim/sgd.js';
import type { FitOptions } from './fit-options.js';
import { initialLoss } from './loop.js';
import { resolveClipping } from './clip.js';
import { createRun, endEpoch, epochHasBatches, runBatches, type History } from './train-run.js';
import { checkDataFitsModel, checkMetricKeys } from './metrics.js';
import { checkTrainArgs } from './fit-args.js';
import { claimModel } from './model-busy.js';
import type { ClassWeight } from './sample-weights.js';
import { ChunkWeights, type StreamSampleWeight } from './stream-weights.js';

export interface FitStreamOptions extends Pick<FitOptions, 'epochs' | 'optimizer' | 'reduction' | 'validationData' | 'seed' | 'callbacks' | 'earlyStopping' | 'divergenceFactor' | 'signal' | 'clock' | 'metrics' | 'clipNorm' | 'clipValue' | 'reduceLROnPlateau'> {
  /** Examples per update (default 32); 'full' is not offered (the rows are never all in memory). */
  batchSize?: number;
  /**
   * Rows shuffled together (default 65536, rounded up to a multiple of the batch size). Each
   * epoch visits the file's blocks in a fresh random order and shuffles the rows of each buffer:
   * a larger buffer is closer to a full shuffle (rows from more blocks mix) and costs
   * bufferRows x (features + targets) x 4 bytes, held twice while a chunk trains.
   */
  bufferRows?: number;
  /** Applied to every chunk (e.g. scalingFromStats(source.stats, 'standardize')). */
  scaling?: Scaling;
  /**
   * Loss weights of the rows, as fit's sampleWeight: a function given each chunk as read (before
   * `scaling`) that returns one weight per row of it (the rows come shuffled, so no fixed array).
   * Multiplied by classWeight. Validation stays unweighted.
   */
  sampleWeight?: StreamSampleWeight;
  /**
   * Loss weights per class, as fit's classWeight: an array or map by class index, or 'balanced'
   * (n_rows / (n_classes x rows of the class), counted in one extra pass over the source first).
   */
  classWeight?: ClassWeight;
}

/**
 * Trains `model` on a RowSource (streamCsv or openBinaryCache) with fit's step and epoch code:
 * each epoch reads every row once, in chunks of `bufferRows` shuffled rows; batches are taken
 * in order within a chunk, so every batch but the last of an epoch is full. Memory stays at a
 * few chunks whatever the file size. Awaits once per chunk, never per batch. Records, callbacks,
 * early stopping, divergence and abort behave as in fit (checkpoints are fit's only); the
 * initial loss, the divergence reference, is measured on the first chunk before any update
 * (unweighted). sampleWeight and classWeight weight each row's loss as in fit.
 */
export async function fitStream(model: Model, source: RowSource, options: FitStreamOptions = {}): Promise<History> {
  checkTrainArgs('fitStream', model, options, FIT_STREAM_OPTION_NAMES);
  const release = claimModel(model, 'fitStream');
  try {
    return await fitStreamUnclaimed(model, source, options);
  } finally {
    release();
  }
}

/** Every option name of FitStreamOptions (the compiler keeps the list complete). */
const FIT_STREAM_OPTION_NAMES: readonly string[] = Object.keys({
  batchSize: 1, bufferRows: 1, scaling: 1, epochs: 1, optimizer: 1, reduction: 1, validationData: 1, seed: 1,
  callbacks: 1, earlyStopping: 1, divergenceFactor: 1, signal: 1, clock: 1, clipValue: 1, clipNorm: 1, metrics: 1, reduceLROnPlateau: 1,
  sampleWeight: 1, classWeight: 1,
} satisfies Record<keyof FitStreamOptions, 1>);

async function fitStreamUnclaimed(model: Model, source: RowSource, options: FitStreamOptions): Promise<History> {
  const batchSize = checkInt('batchSize', options.batchSize ?? 32, 1, 2 ** 24, 'BAD_BATCH_SIZE', 'Use a size such as 32.');
  const epochs = checkInt('epochs', options.epochs ?? 1, 1, 1e9, 'BAD_EPOCHS');
  const seed = checkInt('seed', options.seed ?? 1, 0, 2 ** 53);
  const requested = checkInt('bufferRows', options.bufferRows ?? 65536, 1, 2 ** 28);
  const bufferRows = Math.ceil(requested / batchSize) * batchSize;
  if (source.numFeatures !== model.inputs) {
    throw new MinibatchError('BAD_SHAPE', `the stream has ${source.numFeatures} features but the model takes ${model.inputs}; build the model with inputs: ${source.numFeatures}`);
  }
  const val = options.validationData;
  if (val) checkDataFitsModel(model, val, 'validation data');
  const clock = options.clock ?? (() => performance.now());
  const weights = await ChunkWeights.create(model, source, bufferRows, options.sampleWeight, options.classWeight);
  const run = createRun(model, {
    optimizer: options.optimizer ?? sgd({ learningRate: 0.01 }),
    reduction: checkOneOf('reduction', options.reduction ?? 'mean', ['mean', 'sum']),
    divergenceFactor: checkNumber('divergenceFactor', options.divergenceFactor ?? 1000, 1, Infinity, { minInclusive: false }),
    metrics: checkMetricKeys('metrics', options.metrics, model), clipping: resolveClipping(options),
  }, options, val, { batchSize, batchesPerEpoch: Math.ceil(source.rows / batchSize), trainExamples: source.rows, validationExamples: val?.length ?? 0 });
  model.dropout?.reseed(seed);
  const rng = new Rng(seed); const loop = run.loop; const st = loop.state; const history = run.history; const cb = run.callbacks;
  loop.optimizer.lrScale = 1; // fixed batches: no factor left over from an adaptive fit with this optimizer
  let checked = false;
  const chunks = new ChunkBatches(batchSize);
  if (cb.onTrainBegin) await cb.onTrainBegin(loop);
  while (st.epoch <= epochs && !loop.stopRequested) {
    if (cb.onEpochBegin) { await cb.onEpochBegin(st.epoch, loop); if (loop.stopRequested) break; }
    loop.beginEpoch();
    for await (const raw of source.chunks({ bufferRows, rng })) {
      const chunk = options.scaling ? applyScaling(raw, options.scaling) : raw;
      if (!checked) { checkDataFitsModel(model, chunk, 'streamed data'); checked = true; }
      const w = weights?.of(raw);
      if (Number.isNaN(st.initialLoss)) loop.setInitialLoss(initialLoss(model, chunk));
      const t0 = clock();
      runBatches(run, chunks.sampler(chunk.length), new BatchBuffer(chunk, Math.min(batchSize, chunk.length), undefined, w), options.signal);
      st.seconds += (clock() - t0) / 1000;
      if (history.stopped !== undefined) break;
    }
    const partial = history.stopped !== undefined;
    if (partial && !epochHasBatches(run)) break;
    const stop = endEpoch(run, partial);
    if (run.onEpochEnd) await run.onEpochEnd(history.records[history.records.length - 1]!, loop);
    if (loop.stopRequested) history.stopped ??= 'callback';
    if (stop || history.stopped !== undefined) break;
  }
  if (loop.stopRequested) history.stopped ??= 'callback';
  if (run.early) { run.early.restore(model.params); history.bestEpoch = run.early.bestEpoch; }
  if (cb.onTrainEnd) await cb.onTrainEnd(history, loop);
  return history;
}

/**
 * The cursor over one chunk's rows: its batches in row order (the chunk is shuffled already),
 * the last one smaller. One sampler per chunk length, so a long stream makes at most two.
 */
class ChunkBatches {
  private last: BatchSampler | undefined;
  private readonly rng = new Rng(0);
  constructor(private readonly batchSize: number) {}

  sampler(rows: number): BatchSampler {
    if (!this.last || this.last.n !== rows) this.last = new BatchSampler(rows, this.batchSize, this.rng, { shuffle: false });
    this.last.startEpoch();
    return this.last;
  }
}
