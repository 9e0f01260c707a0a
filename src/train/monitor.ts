// What early stopping and ReduceLROnPlateau watch: a loss or any tracked metric, with its direction.
import { MinibatchError } from '../core/errors.js';
import type { Model } from '../nn/model.js';
import { checkMetricKeys, higherIsBetter, type MetricKey, type Metrics } from './metrics.js';

/**
 * A monitored quantity, Keras-style in camelCase: 'trainLoss' and 'valLoss', a metric name for
 * its value on the training data ('f1', 'accuracy', ...), or 'val' + the capitalised name for
 * its value on the validation data ('valF1', 'valAccuracy', 'valAuc', 'valR2', ...).
 */
export type Monitor = 'valLoss' | 'trainLoss' | MetricKey | `val${Capitalize<MetricKey>}`;

/** The record fields a monitor reads (an EpochRecord has them). */
export interface Monitored { trainLoss: number; valLoss?: number | undefined; metrics: Metrics; valMetrics?: Metrics | undefined }

/** A resolved monitor: how to read it, which way is better, and the metric it needs tracked. */
export interface MonitorReader {
  readonly name: Monitor;
  /** True when larger values are better (accuracy, F1, AUC, R^2...); false for losses and errors. */
  readonly higher: boolean;
  /** The metric that must be computed (on `validation` or training data), if any. */
  readonly metric: MetricKey | undefined;
  readonly validation: boolean;
  read(r: Monitored): number;
}

/**
 * Resolves `value` (default 'valLoss' with validation data, else 'trainLoss') for option `name`;
 * a validation monitor without validation data, or a metric that does not apply to the model,
 * is a MinibatchError.
 */
export function monitorReader(name: string, value: unknown, model: Model, hasValidation: boolean): MonitorReader {
  const m = (value ?? (hasValidation ? 'valLoss' : 'trainLoss')) as Monitor;
  if (typeof m !== 'string') throw new MinibatchError('BAD_ARGUMENT', `${name} must be a string such as 'valLoss', 'trainLoss', 'f1' or 'valF1', got ${String(m)}`);
  if (m === 'valLoss' || m === 'trainLoss') {
    if (m === 'valLoss') needValidation(name, m, hasValidation);
    return { name: m, higher: false, metric: undefined, validation: m === 'valLoss', read: m === 'valLoss' ? (r) => r.valLoss ?? NaN : (r) => r.trainLoss };
  }
  const validation = /^val[A-Z]/.test(m);
  const key = (validation ? m[3]!.toLowerCase() + m.slice(4) : m) as MetricKey;
  try { checkMetricKeys(name, [key], model); } catch (err) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} is ${JSON.stringify(m)}: ${(err as Error).message.replace(`${name}: `, '')}; or monitor 'valLoss' / 'trainLoss' (prefix 'val' + the capitalised name for the validation value, e.g. 'valF1')`);
  }
  if (validation) needValidation(name, m, hasValidation);
  return {
    name: m, higher: higherIsBetter(key), metric: key, validation,
    read: validation ? (r) => r.valMetrics?.[key] ?? NaN : (r) => r.metrics[key] ?? NaN,
  };
}

function needValidation(name: string, m: string, has: boolean): void {
  if (!has) throw new MinibatchError('BAD_ARGUMENT', `${name} is '${m}' but there is no validation data; give validationSplit (e.g. 0.2) or validationData, or monitor a training value such as 'trainLoss'`);
}
