// evaluate: loss and metrics of a model on a whole dataset, in fixed-size chunks.
import { checkInt, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { BatchBuffer } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { applyScaling } from '../data/scaling.js';
import { STAT, STAT_SIZE } from '../nn/losses.js';
import { Model } from '../nn/model.js';
import { checkDataFitsModel, metricsFromStats, type Metrics } from './metrics.js';

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
  const s = options.preprocessed === true ? undefined : model.preprocessing;
  const ev = new Evaluator(model, s ? applyScaling(data, s) : data, options.batchSize ?? 512);
  return ev.run(model.params);
}

/** Reusable evaluation state (buffers allocated once), for evaluating after every epoch. */
export class Evaluator {
  private readonly buf: BatchBuffer;
  private readonly order: Uint32Array;
  private readonly stats = new Float64Array(STAT_SIZE);
  private readonly chunk: number;

  constructor(private readonly model: Model, private readonly data: Dataset, chunk: number) {
    this.chunk = Math.min(checkInt('batchSize', chunk, 1, Infinity), data.length);
    this.buf = new BatchBuffer(data, this.chunk);
    this.order = new Uint32Array(data.length);
    for (let i = 0; i < data.length; i++) this.order[i] = i;
  }

  run(params: Float32Array): Evaluation {
    const s = this.stats.fill(0); const n = this.data.length;
    for (let start = 0; start < n; start += this.chunk) {
      const batch = this.buf.gather(this.order, start, Math.min(this.chunk, n - start));
      this.model.lossOnly(params, batch, s);
    }
    return { loss: s[STAT.loss]! / n, metrics: metricsFromStats(this.model, s), examples: n };
  }
}
