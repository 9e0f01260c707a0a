// Turns --model, --activation and the data's task into a model (with a default per task).
import { UsageError } from './run-command.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../nn/model.js';
import { linearRegression, logisticRegression, mlp, softmaxRegression } from '../nn/models.js';
import type { Activation } from '../nn/model.js';
import { describeEstimate, estimateTrainingMemory, formatBytes, WASM_MEMORY_LIMIT } from '../nn/memory-estimate.js';

export type Task = { kind: 'regression'; outputs: number } | { kind: 'classification'; classes: number };

/**
 * Classification when the data has class names (CSV string labels, builtins), else regression.
 * A class target with a single class is refused: there is nothing to learn.
 */
export function taskOf(data: Dataset): Task {
  if (data.classNames && data.classNames.length === 1) {
    throw new UsageError(`the target column ${JSON.stringify(data.targets[0] ?? '')} has one class (${JSON.stringify(data.classNames[0])}) in every row: a classifier needs at least two. Choose another --target, or add rows of the other classes`);
  }
  if (data.classNames && data.classNames.length >= 2) return { kind: 'classification', classes: data.classNames.length };
  return { kind: 'regression', outputs: data.targetWidth };
}

/** The default --model for a task: logistic for two classes, softmax for more, linear for numbers. */
export function defaultModelName(task: Task): string {
  if (task.kind === 'regression') return 'linear';
  return task.classes === 2 ? 'logistic' : 'softmax';
}

/**
 * The --dropout rate (in [0, 1)), undefined when not given; refused unless the model named by
 * --model (or the default for the task) is an mlp with hidden layers.
 */
export function parseDropoutArg(value: string | undefined, modelName: string): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (value.trim() === '' || !(rate >= 0 && rate < 1)) throw new UsageError(`--dropout must be a rate >= 0 and < 1 (the share of hidden units zeroed in training, e.g. 0.2), got '${value}'`);
  if (modelName.startsWith('init:')) throw new UsageError('--dropout cannot be combined with --init: an imported model keeps the dropout it was saved with; drop --dropout');
  if (!modelName.startsWith('mlp')) throw new UsageError(`--dropout needs --model mlp with hidden layers (e.g. --model mlp:12,8 --dropout 0.2), got --model ${modelName}`);
  return rate;
}

/**
 * Builds the model named by `--model`: `linear`, `logistic`, `softmax` or `mlp:12,8` (hidden
 * widths), with `dropout` after each hidden layer (mlp only, see parseDropoutArg). The input
 * width comes from the data; the output from the task.
 */
export function buildModel(name: string, data: Dataset, task: Task, activation: Activation, seed: number, dropout?: number): Model {
  const inputs = data.numFeatures;
  const [kind] = name.split(':', 2) as [string, string | undefined];
  const isBinary = task.kind === 'classification' && task.classes === 2;
  switch (kind) {
    case 'linear':
      if (task.kind !== 'regression') throw new UsageError(`--model linear needs numeric targets, but the target has ${task.classes} classes; use --model ${isBinary ? 'logistic' : 'softmax'}`);
      return linearRegression({ inputs, outputs: task.outputs, seed });
    case 'logistic':
      if (!isBinary) throw new UsageError(`--model logistic needs a target with 2 classes, but it has ${task.kind === 'classification' ? `${task.classes} classes; use --model softmax` : 'numeric values; use --model linear'}`);
      return logisticRegression({ inputs, seed });
    case 'softmax':
      if (task.kind !== 'classification') throw new UsageError('--model softmax needs a class target, but the target is numeric; use --model linear, or --task classification');
      return softmaxRegression({ inputs, classes: task.classes, seed });
    case 'mlp': {
      const output = task.kind === 'regression' ? 'linear' : isBinary ? 'sigmoid' : 'softmax';
      return mlp({ layers: modelLayers(name, inputs, task), activation, output, seed, ...(dropout !== undefined ? { dropout } : {}) });
    }
    default:
      throw new UsageError(`--model must be linear, logistic, softmax or mlp:W1,W2,... (hidden widths), got '${name}'`);
  }
}

/** The layer widths of `--model name` for `inputs` features and `task` (hidden widths checked). */
export function modelLayers(name: string, inputs: number, task: Task): number[] {
  const [kind, hidden] = name.split(':', 2) as [string, string | undefined];
  const out = task.kind === 'regression' ? task.outputs : task.classes === 2 ? 1 : task.classes;
  if (kind !== 'mlp') return kind === 'softmax' && task.kind === 'classification' ? [inputs, task.classes] : [inputs, out];
  const parts = (hidden ?? '').split(',').filter((s) => s.trim() !== '');
  const widths = parts.map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  if (widths.length === 0 || widths.some((w) => !Number.isSafeInteger(w) || w < 1 || w > 1e7)) {
    throw new UsageError(`--model ${name}: give the hidden layer widths as whole numbers from 1 to 10000000, e.g. --model mlp:12,8`);
  }
  return [inputs, ...widths, out];
}

/** Optimizer state per parameter: sgd keeps none, momentum and rmsprop one array, adam two. */
const SLOTS: Record<string, number> = { sgd: 0, momentum: 1, nesterov: 1, rmsprop: 1, adam: 2 };

/**
 * Refuses (before anything is allocated) a `--model` whose training memory (parameters,
 * gradient, optimizer state, activations of a batch) exceeds `limit` bytes (default: the 4 GiB
 * of a WebAssembly memory), naming the size needed and the limit.
 */
export function checkModelMemory(name: string, inputs: number, task: Task, batchRows: number, optimizer: string, limit = WASM_MEMORY_LIMIT): void {
  const layers = modelLayers(name, inputs, task);
  const e = estimateTrainingMemory(layers, batchRows, SLOTS[optimizer] ?? 2);
  if (e.total <= limit) return;
  throw new UsageError(`--model ${name} needs about ${formatBytes(e.total)} to train (${describeEstimate(e, batchRows)}; layers ${layers.join('-')}), more than the ${formatBytes(limit)} limit of a model's memory; use narrower or fewer hidden layers, or a smaller --batch-size`);
}
