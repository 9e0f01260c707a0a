// `minibatch train`: load data, scale, split, fit a model, report, and save it.
import type { Command } from 'commander';
import { cancelOnSignals } from '../signals.js';
import { MinibatchError } from '../../core/errors.js';
import { loadDataArg } from '../data-arg.js';
import { buildModel, checkModelMemory, defaultModelName, parseDropoutArg, taskOf } from '../model-arg.js';
import { addOptimizerOptions, defaultLearningRate, optimizerFromArgs, OPTIMIZER_NAMES, type OptimizerArgs } from '../optimizer-arg.js';
import { addFitExtraOptions, fitOptionsOf, parseFitExtras, type FitExtraArgs } from '../fit-extras.js';
import { resolveBatchSize } from '../batch-arg.js';
import { parseChoice, parseIntArg, parseNumberArg } from '../numbers.js';
import { createProgress } from '../progress.js';
import { runCommand, UsageError } from '../run-command.js';
import { formatMetrics, formatNumber } from '../format.js';
import { split } from '../../data/split.js';
import { applyScaling, fitScaling, SCALING_METHODS } from '../../data/scaling.js';
import { ACTIVATIONS } from '../../nn/models.js';
import { fit, type EpochRecord, type FitOptions, type History } from '../../train/fit.js';
import { saveModel } from '../../platform/node/model-file.js';
import { evaluate } from '../../train/evaluate.js';
import { loadInit } from '../init-model.js';
import { measureLearningRate } from '../../experiments/fit-auto.js';
import { checkTrainOptions, existingCheckpoint } from '../train-checks.js';
import { autoLrLine, effectiveLrLine, epochLine, printSummary } from '../train-output.js';
import { trainStream, type StreamArgs } from '../train-stream.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { AutoLearningRate } from '../../experiments/fit-auto.js';
import type { Dataset } from '../../data/dataset.js';
import type { Model } from '../../nn/model.js';
import { lockOutputs, type FileLock } from '../../platform/node/lock-file.js';

interface TrainOpts extends OptimizerArgs, FitExtraArgs, StreamArgs {
  activation: string; batchSize?: string; mode?: string; epochs: string; lr?: string; validation?: string; seed: string;
  scale: string; missing: string; dropLast?: boolean; shuffle: boolean; reduction: string; init?: string; delimiter?: string;
  categorical?: string; patience?: string; checkpointEvery: string; stream?: boolean;
}

export function registerTrain(program: Command): void {
  const c = program.command('train')
    .description('train one model on a data set and report its learning curve')
    .requiredOption('--data <source>', 'a CSV file, mnist, or synthetic:linear|blobs|moons')
    .option('--target <column>', 'target column name or 0-based index (default: the last column)')
    .option('--model <name>', 'logistic | linear | softmax | mlp:12,8 (default: from the target)')
    .option('--activation <name>', `hidden activation for mlp: ${ACTIVATIONS.join(', ')}`, 'relu')
    .option('--dropout <rate>', 'mlp: share of hidden units zeroed in training after each hidden layer, 0 to <1 (off at evaluation) (default: 0)')
    .option('--init <model>', 'continue training this model: a minibatch model file or a TF.js model.json (or its folder); its scaling replaces --scale')
    .option('--batch-size <n>', "examples per update: 1 (stochastic) .. 'full' (batch), or 'adaptive' (grows with the gradient noise scale, docs/adaptive.md) (default: 32)")
    .option('--mode <mode>', 'preset: batch (full), stochastic (1) or minibatch (--batch-size) (default: minibatch)')
    .option('--no-shuffle', 'keep the row order every epoch (default: reshuffle every epoch)')
    .option('--drop-last', 'skip the smaller last batch of each epoch (default: keep it)')
    .option('--reduction <how>', 'mean or sum of the per-example gradients of a batch (sum: the rate acts as lr x batch size)', 'mean')
    .option('--epochs <n>', 'passes over the training data', '50')
    .option('--lr <rate>', "learning rate > 0, or 'auto' (a range test on the training rows picks it) (default: 0.01; 0.001 for adam and adamw)");
  addOptimizerOptions(c);
  addFitExtraOptions(c)
    .option('--validation <fraction>', 'share of rows held out for validation, 0 to 0.9 (0 for none) (default: 0.2)')
    .option('--patience <epochs>', 'stop early after this many epochs without a better validation loss (default: no early stopping)')
    .option('--scale <method>', 'feature scaling fitted on the training split: standardize | minmax | none', 'standardize')
    .option('--missing <how>', 'missing values (?): error | drop | mean', 'error')
    .option('--delimiter <char>', "CSV field separator: one character such as ';' or '|', or tab (default: ',')")
    .option('--categorical <columns>', 'comma-separated columns to one-hot encode even though they hold numbers (default: none)')
    .option('--seed <n>', 'seed of initialisation, split and shuffling', '1')
    .option('--out <file>', 'save the trained model (JSON) to this file (default: not saved)')
    .option('--checkpoint <file>', 'save a checkpoint here (default: <out>.ckpt.json with --out, else none)')
    .option('--checkpoint-every <epochs>', 'epochs between checkpoints (also saved at the end and on Ctrl-C)', '1')
    .option('--resume', 'continue from the checkpoint of an interrupted run (bit-identical to an uninterrupted one)')
    .option('--stream', 'read the CSV in shuffled chunks instead of loading it (numeric files larger than memory; no validation split)')
    .option('--buffer-rows <n>', 'with --stream: rows shuffled together (more mixes better, costs memory)', '65536')
    .option('--cache <file>', 'with --stream: build a binary cache of the CSV once, then train from it at disk speed')
    .option('--json', 'print one JSON result on stdout')
    .option('--quiet', 'no progress or summary on stderr')
    .addHelpText('after', `
Examples:
  minibatch train --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --lr 0.001 --epochs 150 --batch-size 10 --out pima.json
  minibatch train --data mnist --model softmax --batch-size 64 --epochs 5 --lr auto
  minibatch train --data synthetic:linear --mode batch --lr 0.1 --json
  minibatch train --data data.csv --optimizer adamw --weight-decay 0.01 --schedule cosine --decay-steps 5000 --warmup 200
  minibatch train --data data.csv --init tfjs-model/model.json --epochs 10 --out tuned.json   # continue a TF.js/Keras model
  minibatch train --data big.csv --epochs 100 --out m.json     # Ctrl-C, then the same command with --resume`)
    .action((o: TrainOpts) => runCommand(() => train(o)));
}

/** The parsed options every path of train uses. */
interface Settings { seed: number; epochs: number; valFraction: number; batchSize: number | 'full' | 'adaptive'; reduction: 'mean' | 'sum'; lr: number | 'auto' }

async function train(o: TrainOpts): Promise<void> {
  const s: Settings = {
    seed: parseIntArg('--seed', o.seed, 0), epochs: parseIntArg('--epochs', o.epochs, 1),
    valFraction: parseNumberArg('--validation', o.validation ?? '0.2', 0, 0.9), batchSize: resolveBatchSize(o.mode, o.batchSize),
    reduction: parseChoice('--reduction', o.reduction, ['mean', 'sum'] as const),
    lr: o.lr === 'auto' ? 'auto' : o.lr === undefined ? defaultLearningRate(parseChoice('--optimizer', o.optimizer, OPTIMIZER_NAMES)) : parseNumberArg('--lr', o.lr, 0, Infinity, false),
  };
  const probe = optimizerFromArgs(o, s.lr === 'auto' ? 0.01 : s.lr); // every optimizer option checked before data is read
  const activation = parseChoice('--activation', o.activation, ACTIVATIONS);
  const scale = parseChoice('--scale', o.scale, SCALING_METHODS);
  checkTrainOptions(o);
  if (o.stream) {
    if (!o.quiet && s.reduction === 'sum') process.stderr.write(effectiveLrLine(s.lr as number, s.batchSize as number));
    return trainStream(o, { seed: s.seed, epochs: s.epochs, batchSize: s.batchSize, optimizer: probe, activation, scale, reduction: s.reduction });
  }
  const loaded = await loadDataArg({ data: o.data, ...(o.target !== undefined ? { target: o.target } : {}), missing: o.missing, seed: s.seed, delimiter: o.delimiter, categorical: o.categorical });
  const task = taskOf(loaded);
  const extras = parseFitExtras(o, task.kind === 'classification' ? task.classes : 0);
  const init = o.init !== undefined ? await loadInit(o.init, loaded, o.data, task, o.model) : undefined;
  const raw = init?.raw ?? loaded;
  // Stratify only class targets: integer regression targets (counts) are not classes.
  const parts = s.valFraction > 0 ? split(raw, { testFraction: s.valFraction, seed: s.seed, stratify: task.kind === 'classification' }) : { train: raw, test: undefined };
  const scaling = init?.scaling ?? fitScaling(parts.train, scale);
  const trainData = applyScaling(parts.train, scaling);
  const valData = parts.test ? applyScaling(parts.test, scaling) : undefined;
  const modelName = o.init !== undefined ? `init:${o.init}` : o.model ?? defaultModelName(task);
  const dropout = parseDropoutArg(o.dropout, modelName);
  const rows = s.batchSize === 'full' || s.batchSize === 'adaptive' ? trainData.length : Math.min(s.batchSize, trainData.length);
  if (!init) checkModelMemory(modelName, trainData.numFeatures, task, rows, o.optimizer);
  const model = init?.model ?? buildModel(modelName, trainData, task, activation, s.seed, dropout);
  const { optimizer, auto } = await chooseOptimizer(o, s, probe, model, trainData, rows);
  const run = await runFit(o, s, model, trainData, valData, optimizer, fitOptionsOf(extras));
  model.meta = {
    features: raw.features, targets: raw.targets, ...(raw.classNames ? { classNames: raw.classNames } : {}), scaling,
    training: {
      data: o.data, model: modelName, batchSize: s.batchSize, batchSizeUsed: run.history.batchSize, epochs: s.epochs, epochsRun: run.history.records.length,
      optimizer: optimizer.spec, seed: s.seed, validation: s.valFraction, dropLast: o.dropLast === true,
      ...(o.shuffle === false ? { shuffle: false } : {}), ...(s.reduction === 'sum' ? { reduction: 'sum' } : {}),
    },
  };
  await finish(o, modelName, model, run, valData, auto);
}

/** The optimizer at the given rate, or at the rate --lr auto measures (printed with its reason); --reduction sum is noted. */
async function chooseOptimizer(o: TrainOpts, s: Settings, probe: Optimizer, model: Model, train: Dataset, rows: number): Promise<{ optimizer: Optimizer; auto?: AutoLearningRate }> {
  const sum = s.reduction === 'sum';
  if (s.lr !== 'auto') {
    if (sum && !o.quiet) process.stderr.write(effectiveLrLine(s.lr, rows));
    return { optimizer: probe };
  }
  const auto = await measureLearningRate(model, train, probe.spec, s.batchSize === 'adaptive' ? 32 : s.batchSize, {}, s.seed);
  // The range test steps on the mean gradient; the summed gradient is rows times larger.
  const lr = sum ? auto.learningRate / rows : auto.learningRate;
  if (!o.quiet) process.stderr.write(autoLrLine(auto, lr, sum));
  return { optimizer: optimizerFromArgs(o, lr), auto };
}

/** fit with the progress bar, checkpoints, early stopping and Ctrl-C handling. */
async function runFit(o: TrainOpts, s: Settings, model: Model, trainData: Dataset, valData: Dataset | undefined, optimizer: Optimizer, extra: Record<string, unknown>): Promise<{ history: History; ckptPath: string | undefined; locks: FileLock }> {
  const ckptPath = o.checkpoint ?? (o.out !== undefined ? `${o.out}.ckpt.json` : undefined);
  if (o.resume && ckptPath === undefined) throw new UsageError('--resume needs the checkpoint to continue from: give --checkpoint <file> or the --out of the interrupted run');
  const bs = trainData.length === 0 ? 0 : s.batchSize === 'full' || s.batchSize === 'adaptive' ? trainData.length : Math.min(s.batchSize, trainData.length);
  const locks = lockOutputs([o.out, ckptPath], { command: 'minibatch train', onWarning: (w) => { process.stderr.write(`minibatch: warning: ${w}\n`); } });
  const resumeFrom = o.resume ? await existingCheckpoint(ckptPath!, o.quiet === true, { seed: s.seed, batchSize: bs }) : undefined;
  const cancel = cancelOnSignals('saving a checkpoint at the end of this epoch');
  const progress = createProgress(s.epochs, 'epoch', o.quiet === true);
  const every = Math.max(1, Math.ceil(s.epochs / 20));
  const options: FitOptions = {
    batchSize: s.batchSize, epochs: s.epochs, optimizer, seed: s.seed, dropLast: o.dropLast === true, shuffle: o.shuffle !== false,
    reduction: s.reduction, signal: cancel.signal, ...extra,
    ...(valData ? { validationData: valData } : {}),
    ...(ckptPath !== undefined ? { checkpoint: { path: ckptPath, everyEpochs: parseIntArg('--checkpoint-every', o.checkpointEvery, 1) } } : {}),
    ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    ...(o.patience !== undefined ? { earlyStopping: { patience: parseIntArg('--patience', o.patience, 0), restoreBestWeights: true } } : {}),
    callbacks: {
      onEpochEnd(r: EpochRecord) {
        progress.update(r.epoch, { loss: formatNumber(r.trainLoss), ...(r.valLoss !== undefined ? { val_loss: formatNumber(r.valLoss) } : {}), ...formatMetrics(r.valMetrics ?? r.metrics) });
        if (r.epoch % every === 0 || r.epoch === s.epochs || r.epoch === 1) progress.log(epochLine(r));
      },
    },
  };
  try {
    return { history: await fit(model, trainData, options), ckptPath, locks };
  } finally {
    progress.stop(); cancel.dispose();
  }
}

/** Saves the model (unless interrupted), prints the summary and the --json result. */
async function finish(o: TrainOpts, modelName: string, model: Model, run: { history: History; ckptPath: string | undefined; locks: FileLock }, valData: Dataset | undefined, auto: AutoLearningRate | undefined): Promise<void> {
  const { history, ckptPath } = run;
  // An interrupted run never replaces --out: its state is in the checkpoint, to be resumed.
  const aborted = history.stopped === 'aborted';
  if (aborted) process.exitCode = 130;
  if (o.out && !aborted) await saveModel(model, o.out);
  const final = history.records[history.records.length - 1];
  if (!final) throw new MinibatchError('CANCELLED', `training was interrupted before the first batch${ckptPath !== undefined ? `; run the same command with --resume to continue from ${ckptPath}` : ''}`);
  const valEval = valData ? evaluate(model, valData, { preprocessed: true }) : undefined;
  if (!o.quiet) printSummary({ modelName, history, valEval, out: o.out, aborted, ckptPath });
  if (o.json) {
    process.stdout.write(JSON.stringify({
      command: 'train', data: o.data, model: modelName, batchSize: history.batchSize, epochs: final.epoch,
      ...(auto ? { autoLearningRate: auto } : {}),
      final: { trainLoss: final.trainLoss, metrics: final.metrics, ...(valEval ? { valLoss: valEval.loss, valMetrics: valEval.metrics } : {}) },
      stopped: history.stopped ?? null, modelPath: aborted ? null : o.out ?? null, history: history.records,
    }) + '\n');
  } else if (o.quiet !== true && !o.out && !aborted) {
    process.stderr.write('(use --out model.json to keep the model)\n');
  }
  run.locks.release(); // on a failure, the process's exit removes them
}
