// Metrics from the running sums of a loss pass, and the check that targets fit the model.
import { MinibatchError } from '../core/errors.js';
import { STAT } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Dataset } from '../data/dataset.js';

/** Accuracy for classifiers; mean squared and mean absolute error for regression. */
export interface Metrics {
  accuracy?: number;
  mse?: number;
  mae?: number;
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
