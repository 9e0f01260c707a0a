// Metrics: their names and directions, the running-sum ones of a loss pass, the ones on predictions, and the check that targets fit the model.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { STAT } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Dataset } from '../data/dataset.js';
import { average, confusionMatrix, logLoss, perClass, r2, rocAuc } from './metric-values.js';

/**
 * Accuracy for classifiers and mean squared and mean absolute error for regression (always),
 * plus the metrics asked for (`metrics: [...]` of fit and evaluate), by scikit-learn's definitions:
 * - precision, recall, f1: of class 1 for a sigmoid (binary) model ('binary' average); the
 *   unweighted mean over classes for softmax ('macro'). Multi-output sigmoid models pool every
 *   output ('micro').
 * - precisionWeighted, recallWeighted, f1Weighted: the mean over classes weighted by each class's
 *   number of true rows ('weighted'; classes 0 and 1 for a sigmoid model).
 * - auc: ROC AUC of a sigmoid model's probabilities (binary; outputs pooled when several).
 * - logLoss: -(1/m) sum log p(true class), probabilities clipped to [1.2e-7, 1 - 1.2e-7].
 * - r2: coefficient of determination of a linear model (the mean over outputs).
 * A predicted class is the argmax of softmax, or probability >= 0.5 for sigmoid.
 */
export interface Metrics {
  accuracy?: number;
  mse?: number;
  mae?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  precisionWeighted?: number;
  recallWeighted?: number;
  f1Weighted?: number;
  auc?: number;
  logLoss?: number;
  r2?: number;
}

/** The name of a metric fit and evaluate can track. */
export type MetricKey = keyof Metrics;

const CLASSIFICATION: readonly MetricKey[] = ['accuracy', 'precision', 'recall', 'f1', 'precisionWeighted', 'recallWeighted', 'f1Weighted', 'auc', 'logLoss'];
const REGRESSION: readonly MetricKey[] = ['mse', 'mae', 'r2'];
/** Every metric name, in the order records list them. */
export const METRIC_KEYS: readonly MetricKey[] = [...CLASSIFICATION, ...REGRESSION];
const HIGHER: ReadonlySet<MetricKey> = new Set<MetricKey>(['accuracy', 'precision', 'recall', 'f1', 'precisionWeighted', 'recallWeighted', 'f1Weighted', 'auc', 'r2']);

/** True when a larger value of `metric` is better (accuracy, precision, recall, F1, AUC, R^2); false for errors and losses. */
export function higherIsBetter(metric: MetricKey): boolean { return HIGHER.has(metric); }

/** The metrics that apply to `model`'s output, for messages and checks. */
export function metricsFor(model: Model): readonly MetricKey[] {
  return model.spec.output === 'linear' ? REGRESSION : model.spec.output === 'softmax' ? CLASSIFICATION.filter((m) => m !== 'auc') : CLASSIFICATION;
}

/** Checks a `metrics` option (`name` names it in messages): known names that apply to the model, without repeats. */
export function checkMetricKeys(name: string, value: unknown, model: Model): MetricKey[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new MinibatchError('BAD_ARGUMENT', `${name} must be an array of metric names such as ['f1', 'auc'], got ${show(value)}`);
  const allowed = metricsFor(model);
  const out: MetricKey[] = [];
  for (const v of value) {
    if (!(allowed as readonly unknown[]).includes(v)) {
      const why = (METRIC_KEYS as readonly unknown[]).includes(v) ? ` does not apply to a model with a ${model.spec.output} output` : ' is not a metric';
      throw new MinibatchError('BAD_ARGUMENT', `${name}: ${show(v)}${why}; choose from ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
    if (!out.includes(v as MetricKey)) out.push(v as MetricKey);
  }
  return out;
}

/** True when `metric` needs the predictions (not just the running sums of a loss pass). */
export function needsPredictions(metric: MetricKey): boolean { return metric !== 'accuracy' && metric !== 'mse' && metric !== 'mae'; }

/**
 * Adds the `wanted` prediction metrics to `out` from outputs `probs` (probabilities, or values for
 * linear models; `outputs` per row) and targets `y` of m rows.
 */
export function addPredictionMetrics(out: Metrics, wanted: readonly MetricKey[], model: Model, probs: Float32Array, y: Float32Array, m: number): void {
  const k = model.outputs; const kind = model.spec.output;
  if (kind === 'linear') { if (wanted.includes('r2')) out.r2 = r2(y.subarray(0, m * k), probs, k); return; }
  const rows = kind === 'softmax' ? m : m * k;
  const truth = new Uint32Array(rows); const pred = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (kind === 'softmax') {
      let arg = 0;
      for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + arg]!) arg = j;
      truth[i] = y[i]!; pred[i] = arg;
    } else { truth[i] = y[i]! >= 0.5 ? 1 : 0; pred[i] = probs[i]! >= 0.5 ? 1 : 0; }
  }
  const classes = kind === 'softmax' ? k : 2;
  const pc = perClass(confusionMatrix(truth, pred, classes), classes);
  const pick = (v: Float64Array): number => (kind === 'softmax' ? average(v, pc.support, 'macro') : v[1]!);
  for (const w of wanted) {
    if (w === 'precision') out.precision = pick(pc.precision);
    else if (w === 'recall') out.recall = pick(pc.recall);
    else if (w === 'f1') out.f1 = pick(pc.f1);
    else if (w === 'precisionWeighted') out.precisionWeighted = average(pc.precision, pc.support, 'weighted');
    else if (w === 'recallWeighted') out.recallWeighted = average(pc.recall, pc.support, 'weighted');
    else if (w === 'f1Weighted') out.f1Weighted = average(pc.f1, pc.support, 'weighted');
    else if (w === 'auc') out.auc = rocAuc(truth, probs.subarray(0, rows));
    else if (w === 'logLoss') out.logLoss = logLoss(truth, probs.subarray(0, kind === 'softmax' ? rows * k : rows), kind === 'softmax' ? k : 1);
  }
}

/** Example-weighted metrics from the sums a loss pass accumulated. */
export function metricsFromStats(model: Model, stats: Float64Array): Metrics {
  const n = stats[STAT.count]!;
  if (model.spec.output === 'linear') return { mse: stats[STAT.sqErr]! / n, mae: stats[STAT.absErr]! / n };
  return { accuracy: stats[STAT.correct]! / n };
}

/**
 * Throws a MinibatchError unless `data` fits `model`: the same number of features, and targets
 * of the right kind (0/1 for sigmoid outputs, class indices 0..classes-1 for softmax,
 * one value per output for linear outputs). `what` names the data in messages.
 */
export function checkDataFitsModel(model: Model, data: Dataset, what = 'data'): void {
  if (data.length === 0) {
    throw new MinibatchError('EMPTY_DATASET', `${what} has no rows; give at least one example`);
  }
  if (data.numFeatures !== model.inputs) {
    throw new MinibatchError('BAD_SHAPE', `${what} has ${data.numFeatures} features but the model takes ${model.inputs} inputs; build the model with inputs: ${data.numFeatures} or select matching columns`);
  }
  const out = model.spec.output; const y = data.y;
  if (out === 'softmax') {
    if (data.targetWidth !== 1) throw new MinibatchError('BAD_LABEL', `${what} has ${data.targetWidth} target columns; a softmax model takes one class index per row`);
    for (let i = 0; i < data.length; i++) {
      const v = y[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= model.outputs) {
        throw new MinibatchError('BAD_LABEL', `${what} row ${i} has label ${v}; a softmax model with ${model.outputs} classes takes integer labels 0..${model.outputs - 1}. Map class names to indices or give the model more classes`);
      }
    }
    return;
  }
  if (data.targetWidth !== model.outputs) {
    throw new MinibatchError('BAD_SHAPE', `${what} has ${data.targetWidth} target values per row but the model has ${model.outputs} outputs`);
  }
  if (out === 'sigmoid') {
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v !== 0 && v !== 1) {
        throw new MinibatchError('BAD_LABEL', `${what} row ${Math.floor(i / data.targetWidth)} has label ${v}; a sigmoid (binary) model takes labels 0 or 1. Use softmax for more classes or map the labels to 0/1`);
      }
    }
  }
}
