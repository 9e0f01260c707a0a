// `minibatch train --stream`: fitStream over a streamed CSV (or its binary cache), scaling from the first pass.
import { existsSync } from 'node:fs';
import type { Dataset } from '../data/dataset.js';
import { scalingFromStats, type RowSource } from '../data/stream-csv.js';
import type { ScalingMethod } from '../data/scaling.js';
import type { Activation } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { openBinaryCache, writeBinaryCache } from '../platform/node/binary-cache.js';
import { saveModel } from '../platform/node/model-file.js';
import { streamCsv } from '../platform/node/stream-csv.js';
import { fitStream } from '../train/fit-stream.js';
import { buildModel, defaultModelName, parseDropoutArg, taskOf } from './model-arg.js';
import { parseIntArg } from './numbers.js';
import { UsageError } from './run-command.js';
import { cancelOnSignals } from './signals.js';
import { epochLine } from './train-output.js';
import { fitOptionsOf, parseFitExtras, type FitExtraArgs } from './fit-extras.js';

/** The train options --stream reads (--class-weight, --clip-norm and --clip-value among FitExtraArgs; --metrics is refused before). */
export interface StreamArgs extends FitExtraArgs {
  data: string; target?: string; model?: string; out?: string; json?: boolean; quiet?: boolean;
  resume?: boolean; checkpoint?: string; cache?: string; bufferRows: string; dropout?: string;
}

/** `train --stream`: mini-batches from shuffled chunks; no validation split, no checkpoints. */
export async function trainStream(o: StreamArgs, a: { seed: number; epochs: number; batchSize: number | 'full' | 'adaptive'; optimizer: Optimizer; activation: Activation; scale: ScalingMethod; reduction: 'mean' | 'sum' }): Promise<void> {
  if (a.batchSize === 'adaptive') throw new UsageError('--stream trains fixed mini-batches: give a number as --batch-size (adaptive needs the rows in memory)');
  if (a.batchSize === 'full') throw new UsageError('--stream trains mini-batches: give --batch-size (full batch needs every row in memory)');
  if (o.resume || o.checkpoint) throw new UsageError('--stream runs cannot be checkpointed yet; drop --resume/--checkpoint');
  const target = o.target === undefined ? undefined : /^\d+$/.test(o.target) ? Number(o.target) : o.target;
  let source: RowSource = await streamCsv(o.data, target === undefined ? {} : { target });
  if (o.cache) {
    if (!existsSync(o.cache)) await writeBinaryCache(source, o.cache);
    source = await openBinaryCache(o.cache);
  }
  let sample: Dataset | undefined;
  for await (const d of source.chunks({ bufferRows: 1 })) { sample = d; break; }
  const task = taskOf(sample!);
  const modelName = o.model ?? defaultModelName(task);
  const extras = fitOptionsOf(parseFitExtras(o, task.kind === 'classification' ? task.classes : 0));
  const model = buildModel(modelName, sample!, task, a.activation, a.seed, parseDropoutArg(o.dropout, modelName));
  const scaling = scalingFromStats(source.stats, a.scale);
  const cancel = cancelOnSignals('stopping after this chunk');
  const t0 = performance.now();
  try {
    const h = await fitStream(model, source, {
      batchSize: a.batchSize, epochs: a.epochs, optimizer: a.optimizer, seed: a.seed, scaling, signal: cancel.signal, reduction: a.reduction,
      bufferRows: parseIntArg('--buffer-rows', o.bufferRows, 1), ...extras,
      callbacks: { onEpochEnd: (r) => { if (!o.quiet) process.stderr.write(`${epochLine(r)}\n`); } },
    });
    model.meta = { features: source.features, targets: source.targets, ...(source.classNames ? { classNames: source.classNames } : {}), scaling,
      training: { data: o.data, model: modelName, batchSize: a.batchSize, epochs: a.epochs, epochsRun: h.records.length, optimizer: a.optimizer.spec, seed: a.seed, stream: true } };
    const aborted = h.stopped === 'aborted';
    if (aborted) process.exitCode = 130;
    if (o.out && !aborted) await saveModel(model, o.out);
    if (!o.quiet && aborted) process.stderr.write(`interrupted: --stream runs cannot be resumed${o.out ? `; ${o.out} was not written (nor replaced)` : ''}\n`);
    if (!o.quiet && !aborted) process.stderr.write(`streamed ${source.rows} rows per epoch at ${((h.records.length * source.rows) / ((performance.now() - t0) / 1000)).toFixed(0)} rows/s${o.out ? `; model saved to ${o.out}` : ''}\n`);
    if (o.json) process.stdout.write(JSON.stringify({ command: 'train', stream: true, data: o.data, model: modelName, batchSize: h.batchSize, rows: source.rows, stopped: h.stopped ?? null, modelPath: aborted ? null : o.out ?? null, history: h.records }) + '\n');
  } finally {
    cancel.dispose();
  }
}
