// evaluate: loss and metrics of a model on a whole dataset, in fixed-size chunks; its confusion matrix.
import { checkInt, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Batch } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { applyScaling } from '../data/scaling.js';
import { outputTransform, STAT, STAT_SIZE } from '../nn/losses.js';
import { Model } from '../nn/model.js';
import { confusionMatrix as countConfusion } from './metric-values.js';
import { addPredictionMetrics, checkDataFitsModel, checkMetricKeys, metricsFromStats, needsPredictions, type MetricKey, type Metrics } from './metrics.js';

export interface Evaluation {
  /** Mean loss per example (the training loss: BCE, cross-entropy or MSE). */
  loss: number;
  metrics: Metrics;
  /** Number of rows evaluated. */
  examples: number;
}

export interface EvaluateOptions {
  /** Rows per forward pass (bounds memory only). Default 512. */
  batchSize?: number;
  /** Metrics to compute besides accuracy (or mse and mae), e.g. ['f1', 'auc'] (see Metrics). */
  metrics?: readonly MetricKey[];
  /** `data` is already in the network's space (scaled), so the model's preprocessing is skipped. Default false. */
  preprocessed?: boolean;
}

/**
 * Mean loss and metrics of `model` on every row of `data`, raw features as in the training
 * file: the model's `preprocessing` (its saved scaling) is applied first, exactly once, unless
 * `preprocessed: true`. Batching only bounds memory: the result is the same for any
 * `batchSize` up to float rounding.
 */
export function evaluate(model: Model, data: Dataset, options: EvaluateOptions = {}): Evaluation {
  if (!(model instanceof Model)) throw new MinibatchError('BAD_ARGUMENT', `evaluate needs a Model as its first argument, got ${show(model)}`);
  if (!data || typeof data !== 'object' || !('numFeatures' in data)) {
    throw new MinibatchError('BAD_ARGUMENT', `evaluate needs a Dataset (Dataset.fromArrays(x, y)) as its second argument, got ${show(data)}`);
  }
  checkDataFitsModel(model, data);
  const metrics = checkMetricKeys('metrics', options.metrics, model);
  const s = options.preprocessed === true ? undefined : model.preprocessing;
  const ev = new Evaluator(model, s ? applyScaling(data, s) : data, options.batchSize ?? 512, metrics);
  return ev.run(model.params);
}

/**
 * The confusion matrix of a classifier on `data` (sklearn.metrics.confusion_matrix): `matrix[t][p]`
 * counts rows of true class t predicted as class p (argmax of softmax; probability >= 0.5 for a
 * sigmoid model, classes 0 and 1, every output pooled when there are several).
 */
export function confusionMatrix(model: Model, data: Dataset): number[][] {
  checkDataFitsModel(model, data);
  const k = model.outputs; const soft = model.spec.output === 'softmax';
  const probs = predictAll(model, model.params, data, 512, new Float32Array(data.length * k));
  const rows = soft ? data.length : data.length * k; const classes = soft ? k : 2;
  const truth = new Uint32Array(rows); const pred = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (soft) {
      let arg = 0;
      for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + arg]!) arg = j;
      truth[i] = data.y[i]!; pred[i] = arg;
    } else { truth[i] = data.y[i]! >= 0.5 ? 1 : 0; pred[i] = probs[i]! >= 0.5 ? 1 : 0; }
  }
  const c = countConfusion(truth, pred, classes);
  return Array.from({ length: classes }, (_, t) => Array.from(c.subarray(t * classes, (t + 1) * classes)));
}

/** Outputs (probabilities, or values for linear models) of every row of `data` with `params`, into `out`. */
function predictAll(model: Model, params: Float32Array, data: Dataset, chunk: number, out: Float32Array): Float32Array {
  const nf = data.numFeatures; const k = model.outputs;
  for (let r = 0; r < data.length; r += chunk) {
    const m = Math.min(chunk, data.length - r);
    const z = model.forward(params, data.x.subarray(r * nf, (r + m) * nf), m);
    outputTransform(model.spec.output, m, k, z);
    out.set(z.subarray(0, m * k), r * k);
  }
  return out;
}

/**
 * Reusable evaluation state, for evaluating after every epoch. The data is passed in chunks of
 * consecutive rows that are views, made once: of a copy of the features in the model's memory
 * where its first layer reads them in place (Model.residentRows, copied at construction), else
 * of the data's own arrays. Nothing is gathered or copied per evaluation.
 */
export class Evaluator {
  private readonly chunks: Batch[] = [];
  private readonly stats = new Float64Array(STAT_SIZE);
  private readonly chunk: number;
  /** The requested metrics computed from predictions, and the buffer for them (none: empty). */
  private readonly extras: readonly MetricKey[];
  private probs: Float32Array | undefined;

  constructor(private readonly model: Model, private readonly data: Dataset, chunk: number, metrics: readonly MetricKey[] = []) {
    this.chunk = Math.min(checkInt('batchSize', chunk, 1, Infinity), data.length);
    const x = model.residentRows(data) ?? data.x; const nf = data.numFeatures; const tw = data.targetWidth;
    for (let start = 0; start < data.length; start += this.chunk) {
      const size = Math.min(this.chunk, data.length - start);
      this.chunks.push({ x: x.subarray(start * nf, (start + size) * nf), y: data.y.subarray(start * tw, (start + size) * tw), size });
    }
    this.extras = metrics.filter(needsPredictions);
  }

  run(params: Float32Array): Evaluation {
    const s = this.stats.fill(0); const n = this.data.length;
    for (const batch of this.chunks) this.model.lossOnly(params, batch, s);
    const metrics = metricsFromStats(this.model, s);
    this.addExtras(params, metrics);
    return { loss: s[STAT.loss]! / n, metrics, examples: n };
  }

  /** Adds the requested metrics that need predictions (F1, AUC, ...) to `out`, without a loss pass. */
  addExtras(params: Float32Array, out: Metrics): void {
    if (this.extras.length === 0) return;
    const n = this.data.length;
    const probs = predictAll(this.model, params, this.data, this.chunk, (this.probs ??= new Float32Array(n * this.model.outputs)));
    addPredictionMetrics(out, this.extras, this.model, probs, this.data.y, n);
  }

}
