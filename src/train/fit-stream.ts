// fitStream: fit's loop over rows streamed in shuffled chunks (data larger than memory).
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { BatchBuffer } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { applyScaling, type Scaling } from '../data/scaling.js';
import type { RowSource } from '../data/stream-csv.js';
import { STAT } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import { sgd } from '../optim/sgd.js';
import { createRun, endEpoch, stepBatch, type FitOptions, type History } from './fit.js';
import { checkDataFitsModel } from './metrics.js';

export interface FitStreamOptions extends Pick<FitOptions, 'epochs' | 'optimizer' | 'reduction' | 'validationData' | 'seed' | 'callbacks' | 'earlyStopping' | 'divergenceFactor' | 'signal' | 'clock'> {
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
}

/**
 * Trains `model` on a RowSource (streamCsv or openBinaryCache) with fit's step and epoch code:
 * each epoch reads every row once, in chunks of `bufferRows` shuffled rows; batches are taken
 * in order within a chunk, so every batch but the last of an epoch is full. Memory stays at a
 * few chunks whatever the file size. Awaits once per chunk, never per batch. Records, callbacks,
 * early stopping, divergence and abort behave as in fit (checkpoints are fit's only).
 */
export async function fitStream(model: Model, source: RowSource, options: FitStreamOptions = {}): Promise<History> {
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
  const run = createRun(model, {
    optimizer: options.optimizer ?? sgd({ learningRate: 0.01 }),
    reduction: checkOneOf('reduction', options.reduction ?? 'mean', ['mean', 'sum']),
    divergenceFactor: checkNumber('divergenceFactor', options.divergenceFactor ?? 1000, 1, Infinity, { minInclusive: false }),
  }, options, val, { batchSize, batchesPerEpoch: Math.ceil(source.rows / batchSize), trainExamples: source.rows, validationExamples: val?.length ?? 0 });
  const rng = new Rng(seed); const st = run.state; const history = run.history;
  const order = new Uint32Array(bufferRows); for (let i = 0; i < bufferRows; i++) order[i] = i;
  let checked = false;
  while (st.epoch <= epochs) {
    run.stats.fill(0); st.inEpoch = true; st.batch = 0;
    for await (const raw of source.chunks({ bufferRows, rng })) {
      const chunk = options.scaling ? applyScaling(raw, options.scaling) : raw;
      if (!checked) { checkDataFitsModel(model, chunk, 'streamed data'); checked = true; }
      if (trainChunk(run, chunk, order, batchSize, clock, options.signal)) break;
    }
    if (history.stopped === 'aborted' && run.stats[STAT.count] === 0) break;
    const stop = endEpoch(run);
    if (run.onEpochEnd) await run.onEpochEnd(history.records[history.records.length - 1]!);
    if (stop) break;
  }
  if (run.early) { run.early.restore(model.params); history.bestEpoch = run.early.bestEpoch; }
  return history;
}

/** Runs the batches of one chunk with fit's step; returns true when aborted. */
function trainChunk(run: ReturnType<typeof createRun>, chunk: Dataset, order: Uint32Array, batchSize: number, clock: () => number, signal: AbortSignal | undefined): boolean {
  const buffer = new BatchBuffer(chunk, Math.min(batchSize, chunk.length));
  const t0 = clock();
  for (let start = 0; start < chunk.length; start += batchSize) {
    if (signal?.aborted) { run.history.stopped = 'aborted'; break; }
    const len = Math.min(batchSize, chunk.length - start);
    stepBatch(run, buffer.gather(order, start, len), len);
  }
  run.state.seconds += (clock() - t0) / 1000;
  return run.history.stopped === 'aborted';
}
