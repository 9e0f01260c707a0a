// `minibatch train`: load data, scale, split, fit a model, report, and save it.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { cancelOnSignals } from '../signals.js';
import { MinibatchError } from '../../core/errors.js';
import { loadDataArg } from '../data-arg.js';
import { buildModel, checkModelMemory, defaultModelName, taskOf } from '../model-arg.js';
import { checkOutFile } from '../out-path.js';
import { buildOptimizer, defaultLearningRate, learningRateWithWarmup, OPTIMIZER_NAMES, type OptimizerName } from '../optimizer-arg.js';
import { resolveBatchSize } from '../batch-arg.js';
import { parseChoice, parseIntArg, parseNumberArg } from '../numbers.js';
import { createProgress } from '../progress.js';
import { runCommand, UsageError } from '../run-command.js';
import { formatMetrics, formatNumber } from '../format.js';
import { split } from '../../data/split.js';
import { applyScaling, fitScaling, SCALING_METHODS, type ScalingMethod } from '../../data/scaling.js';
import type { Activation } from '../../nn/model.js';
import { ACTIVATIONS } from '../../nn/models.js';
import { fit, type EpochRecord, type History } from '../../train/fit.js';
import { saveModel } from '../../platform/node/model-file.js';
import { fitStream } from '../../train/fit-stream.js';
import { scalingFromStats, type RowSource } from '../../data/stream-csv.js';
import { streamCsv } from '../../platform/node/stream-csv.js';
import { openBinaryCache, writeBinaryCache } from '../../platform/node/binary-cache.js';
import type { Dataset } from '../../data/dataset.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { evaluate } from '../../train/evaluate.js';
import { loadInit } from '../init-model.js';
import { loadCheckpoint, type Checkpoint } from '../../train/checkpoint.js';
import { checkInFile } from '../in-path.js';
import { lockOutputs } from '../../platform/node/lock-file.js';

interface TrainOpts {
  data: string; target?: string; model?: string; activation: string; batchSize?: string; mode?: string;
  epochs: string; optimizer: string; lr?: string; warmup: string; validation?: string; seed: string;
  scale: string; missing: string; out?: string; json?: boolean; quiet?: boolean; dropLast?: boolean;
  init?: string; delimiter?: string; categorical?: string; patience?: string; checkpoint?: string; checkpointEvery: string; resume?: boolean; stream?: boolean; bufferRows: string; cache?: string;
}

export function registerTrain(program: Command): void {
  program.command('train')
    .description('train one model on a data set and report its learning curve')
    .requiredOption('--data <source>', 'a CSV file, mnist, or synthetic:linear|blobs|moons')
    .option('--target <column>', 'target column name or 0-based index (default: the last column)')
    .option('--model <name>', 'logistic | linear | softmax | mlp:12,8 (default: from the target)')
    .option('--activation <name>', `hidden activation for mlp: ${ACTIVATIONS.join(', ')}`, 'relu')
    .option('--init <model>', 'continue training this model: a minibatch model file or a TF.js model.json (or its folder); its scaling replaces --scale')
    .option('--batch-size <n>', 'examples per update: 1 (stochastic) .. full (batch), or adaptive (grows with the gradient noise scale, docs/adaptive.md); default 32')
    .option('--mode <mode>', 'preset: batch (full), stochastic (1) or minibatch (--batch-size)')
    .option('--drop-last', 'skip the smaller last batch of each epoch')
    .option('--epochs <n>', 'passes over the training data', '50')
    .option('--optimizer <name>', OPTIMIZER_NAMES.join(' | '), 'sgd')
    .option('--lr <rate>', 'learning rate (default 0.01; 0.001 for adam)')
    .option('--warmup <updates>', 'linear learning-rate warmup over this many updates', '0')
    .option('--validation <fraction>', 'share of rows held out for validation (0 for none; default 0.2)')
    .option('--patience <epochs>', 'stop early after this many epochs without a better validation loss')
    .option('--scale <method>', 'feature scaling fitted on the training split: standardize | minmax | none', 'standardize')
    .option('--missing <how>', 'missing values (?): error | drop | mean', 'error')
    .option('--delimiter <char>', "CSV field separator: one character such as ';' or '|', or tab (default ',')")
    .option('--categorical <columns>', 'comma-separated columns to one-hot encode even though they hold numbers')
    .option('--seed <n>', 'seed of initialisation, split and shuffling', '1')
    .option('--out <file>', 'save the trained model (JSON) to this file')
    .option('--checkpoint <file>', 'save a checkpoint here (default with --out: <out>.ckpt.json)')
    .option('--checkpoint-every <epochs>', 'epochs between checkpoints (also saved at the end and on Ctrl-C)', '1')
    .option('--resume', 'continue from the checkpoint of an interrupted run (bit-identical to an uninterrupted one)')
    .option('--stream', 'read the CSV in shuffled chunks instead of loading it (numeric files larger than memory; no validation split)')
    .option('--buffer-rows <n>', 'with --stream: rows shuffled together (more mixes better, costs memory)', '65536')
    .option('--cache <file>', 'with --stream: build a binary cache of the CSV once, then train from it at disk speed')
    .option('--json', 'print one JSON result on stdout')
    .option('--quiet', 'no progress or summary on stderr')
    .addHelpText('after', `
Examples:
  minibatch train --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --lr 0.001 --epochs 150 --out pima.json
  minibatch train --data mnist --model softmax --batch-size 64 --epochs 5
  minibatch train --data synthetic:linear --mode batch --lr 0.1 --json
  minibatch train --data data.csv --init tfjs-model/model.json --epochs 10 --out tuned.json   # continue a TF.js/Keras model
  minibatch train --data big.csv --epochs 100 --out m.json     # Ctrl-C, then the same command with --resume`)
    .action((o: TrainOpts) => runCommand(() => train(o)));
}

async function train(o: TrainOpts): Promise<void> {
  const seed = parseIntArg('--seed', o.seed, 0);
  const epochs = parseIntArg('--epochs', o.epochs, 1);
  const valFraction = parseNumberArg('--validation', o.validation ?? '0.2', 0, 0.9);
  const batchSize = resolveBatchSize(o.mode, o.batchSize);
  const optName = o.optimizer as OptimizerName;
  const lr = o.lr === undefined ? defaultLearningRate(optName) : parseNumberArg('--lr', o.lr, 0, Infinity, false);
  const optimizer = buildOptimizer(o.optimizer, learningRateWithWarmup(lr, parseIntArg('--warmup', o.warmup, 0)));
  const activation = parseChoice('--activation', o.activation, ACTIVATIONS);
  const scale = parseChoice('--scale', o.scale, SCALING_METHODS);
  checkTrainOptions(o);

  if (o.stream && o.init !== undefined) throw new UsageError('--init cannot be combined with --stream yet; drop one of them');
  if (o.stream) return trainStream(o, { seed, epochs, batchSize, optimizer, activation, scale });
  const loaded = await loadDataArg({ data: o.data, ...(o.target !== undefined ? { target: o.target } : {}), missing: o.missing, seed, delimiter: o.delimiter, categorical: o.categorical });
  const task = taskOf(loaded);
  const init = o.init !== undefined ? await loadInit(o.init, loaded, o.data, task, o.model) : undefined;
  const raw = init?.raw ?? loaded;
  // Stratify only class targets: integer regression targets (counts) are not classes.
  const stratify = task.kind === 'classification';
  const parts = valFraction > 0 ? split(raw, { testFraction: valFraction, seed, stratify }) : { train: raw, test: undefined };
  const scaling = init?.scaling ?? fitScaling(parts.train, scale);
  const trainData = applyScaling(parts.train, scaling);
  const valData = parts.test ? applyScaling(parts.test, scaling) : undefined;
  const modelName = o.init !== undefined ? `init:${o.init}` : o.model ?? defaultModelName(task);
  const rowsPerBatch = batchSize === 'full' || batchSize === 'adaptive' ? trainData.length : Math.min(batchSize, trainData.length);
  if (!init) checkModelMemory(modelName, trainData.numFeatures, task, rowsPerBatch, o.optimizer);
  const model = init?.model ?? buildModel(modelName, trainData, task, activation, seed);

  const ckptPath = o.checkpoint ?? (o.out !== undefined ? `${o.out}.ckpt.json` : undefined);
  if (o.resume && ckptPath === undefined) throw new UsageError('--resume needs the checkpoint to continue from: give --checkpoint <file> or the --out of the interrupted run');
  const locks = lockOutputs([o.out, ckptPath], { command: 'minibatch train', onWarning: (w) => { process.stderr.write(`minibatch: warning: ${w}\n`); } });
  const resumeFrom = o.resume ? await existingCheckpoint(ckptPath!, o.quiet === true, { seed, batchSize: trainData.length === 0 ? 0 : rowsPerBatch }) : undefined;
  const cancel = cancelOnSignals('saving a checkpoint at the end of this epoch');
  const progress = createProgress(epochs, 'epoch', o.quiet === true);
  const every = Math.max(1, Math.ceil(epochs / 20));
  let history: History;
  try {
    history = await fit(model, trainData, {
      batchSize, epochs, optimizer, seed, dropLast: o.dropLast === true, signal: cancel.signal,
      ...(valData ? { validationData: valData } : {}),
      ...(ckptPath !== undefined ? { checkpoint: { path: ckptPath, everyEpochs: parseIntArg('--checkpoint-every', o.checkpointEvery, 1) } } : {}),
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
      ...(o.patience !== undefined ? { earlyStopping: { patience: parseIntArg('--patience', o.patience, 0), restoreBestWeights: true } } : {}),
      callbacks: {
        onEpochEnd(r: EpochRecord) {
          progress.update(r.epoch, { loss: formatNumber(r.trainLoss), ...(r.valLoss !== undefined ? { val_loss: formatNumber(r.valLoss) } : {}), ...formatMetrics(r.valMetrics ?? r.metrics) });
          if (r.epoch % every === 0 || r.epoch === epochs || r.epoch === 1) progress.log(epochLine(r));
        },
      },
    });
  } finally {
    progress.stop(); cancel.dispose();
  }
  // An interrupted run never replaces --out: its state is in the checkpoint, to be resumed.
  const aborted = history.stopped === 'aborted';
  if (aborted) process.exitCode = 130;
  model.meta = {
    features: raw.features, targets: raw.targets, ...(raw.classNames ? { classNames: raw.classNames } : {}), scaling,
    training: {
      data: o.data, model: modelName, batchSize, batchSizeUsed: history.batchSize, epochs, epochsRun: history.records.length,
      optimizer: optimizer.spec, seed, validation: valFraction, dropLast: o.dropLast === true,
    },
  };
  if (o.out && !aborted) await saveModel(model, o.out);
  const final = history.records[history.records.length - 1];
  if (!final) throw new MinibatchError('CANCELLED', `training was interrupted before the first batch${ckptPath !== undefined ? `; run the same command with --resume to continue from ${ckptPath}` : ''}`);
  const valEval = valData ? evaluate(model, valData, { preprocessed: true }) : undefined;
  if (!o.quiet) {
    process.stderr.write(`trained ${modelName} on ${history.trainExamples} rows: batch size ${history.batchSize}, ${history.batchesPerEpoch} updates per epoch, ${final.epoch} epochs in ${final.trainSeconds.toFixed(2)} s${history.stopped ? ` (stopped: ${history.stopped})` : ''}\n`);
    if (valEval) process.stderr.write(`validation (${valEval.examples} rows): loss ${formatNumber(valEval.loss)} ${Object.entries(formatMetrics(valEval.metrics)).map(([k, v]) => `${k} ${v}`).join(' ')}\n`);
    if (o.out && !aborted) process.stderr.write(`model saved to ${o.out}\n`);
    if (aborted) {
      const kept = o.out !== undefined ? `; ${o.out} was not written (nor replaced)` : '';
      process.stderr.write(ckptPath !== undefined ? `interrupted: checkpoint saved to ${ckptPath}${kept}; run the same command with --resume to continue\n` : 'interrupted (no checkpoint: give --out or --checkpoint to be able to resume)\n');
    }
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({
      command: 'train', data: o.data, model: modelName, batchSize: history.batchSize, epochs: final.epoch,
      final: { trainLoss: final.trainLoss, metrics: final.metrics, ...(valEval ? { valLoss: valEval.loss, valMetrics: valEval.metrics } : {}) },
      stopped: history.stopped ?? null, modelPath: aborted ? null : o.out ?? null, history: history.records,
    }) + '\n');
  } else if (o.quiet !== true && !o.out && !aborted) {
    process.stderr.write('(use --out model.json to keep the model)\n');
  }
  locks.release(); // on a failure, the process's exit removes them
}

/** `train --stream`: fitStream over streamCsv (or its binary cache), scaling from the first pass. */
async function trainStream(o: TrainOpts, a: { seed: number; epochs: number; batchSize: number | 'full' | 'adaptive'; optimizer: Optimizer; activation: Activation; scale: ScalingMethod }): Promise<void> {
  if (a.batchSize === 'adaptive') throw new UsageError('--stream trains fixed mini-batches: give a number as --batch-size (adaptive needs the rows in memory)');
  if (a.batchSize === 'full') throw new UsageError('--stream trains mini-batches: give --batch-size (full batch needs every row in memory)');
  if (o.resume || o.checkpoint) throw new UsageError('--stream runs cannot be checkpointed yet; drop --resume/--checkpoint');
  const target = o.target === undefined ? undefined : /^\d+$/.test(o.target) ? Number(o.target) : o.target;
  lockOutputs([o.out], { command: 'minibatch train', onWarning: (w) => { process.stderr.write(`minibatch: warning: ${w}\n`); } }); // released at exit
  let source: RowSource = await streamCsv(o.data, target === undefined ? {} : { target });
  if (o.cache) {
    if (!existsSync(o.cache)) await writeBinaryCache(source, o.cache);
    source = await openBinaryCache(o.cache);
  }
  let sample: Dataset | undefined;
  for await (const d of source.chunks({ bufferRows: 1 })) { sample = d; break; }
  const task = taskOf(sample!);
  const modelName = o.model ?? defaultModelName(task);
  const model = buildModel(modelName, sample!, task, a.activation, a.seed);
  const scaling = scalingFromStats(source.stats, a.scale);
  const cancel = cancelOnSignals('stopping after this chunk');
  const t0 = performance.now();
  try {
    const h = await fitStream(model, source, {
      batchSize: a.batchSize, epochs: a.epochs, optimizer: a.optimizer, seed: a.seed, scaling, signal: cancel.signal,
      bufferRows: parseIntArg('--buffer-rows', o.bufferRows, 1),
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

/** Option combinations refused before any data is read, and output paths checked for writability. */
function checkTrainOptions(o: TrainOpts): void {
  if (o.cache !== undefined && !o.stream) throw new UsageError('--cache works only with --stream (it caches the streamed CSV); add --stream or drop --cache');
  if (o.stream && o.validation !== undefined) throw new UsageError('--stream trains without a validation split, so --validation does not apply; drop --validation and evaluate on a held-out file with minibatch evaluate');
  if (o.stream && o.patience !== undefined) throw new UsageError('--patience needs a validation split, which --stream does not make; drop --patience');
  if (o.out !== undefined) checkOutFile('--out', o.out);
  if (o.checkpoint !== undefined) checkOutFile('--checkpoint', o.checkpoint);
  if (o.cache !== undefined) checkOutFile('--cache', o.cache);
}

/**
 * The checkpoint to resume from, or undefined (with a note) when the interrupted run never wrote
 * one. A checkpoint of a run with another --seed or --batch-size is refused naming that option
 * (the seed also picks the validation split, so the library would only see "other data").
 */
async function existingCheckpoint(path: string, quiet: boolean, now: { seed: number; batchSize: number }): Promise<Checkpoint | undefined> {
  if (existsSync(path)) {
    checkInFile('--checkpoint', path, 'a checkpoint written by minibatch train');
    const cp = await loadCheckpoint(path);
    if (cp.run.seed !== now.seed) throw new UsageError(`--seed ${now.seed} differs from the --seed ${cp.run.seed} of the interrupted run saved in ${path}; resume with --seed ${cp.run.seed}, or start over without --resume`);
    if (cp.run.batchSize !== now.batchSize) throw new UsageError(`this run's batch size ${now.batchSize} (--batch-size or --mode) differs from the batch size ${cp.run.batchSize} of the interrupted run saved in ${path}; resume with --batch-size ${cp.run.batchSize}, or start over without --resume`);
    return cp;
  }
  if (!quiet) process.stderr.write(`no checkpoint at ${path} yet: starting from the beginning\n`);
  return undefined;
}

function epochLine(r: EpochRecord): string {
  const m = Object.entries(formatMetrics(r.metrics)).map(([k, v]) => `${k} ${v}`).join(' ');
  const vm = r.valMetrics ? Object.entries(formatMetrics(r.valMetrics)).map(([k, v]) => `val_${k} ${v}`).join(' ') : '';
  return `epoch ${r.epoch}: loss ${formatNumber(r.trainLoss)} ${m}${r.valLoss !== undefined ? ` val_loss ${formatNumber(r.valLoss)} ${vm}` : ''} (${r.updates} updates, ${r.trainSeconds.toFixed(2)} s)`;
}
