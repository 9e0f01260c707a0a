// evaluate: loss and metrics of a model on a whole dataset, in fixed-size chunks.
import { checkInt } from '../core/check.js';
import { BatchBuffer } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { STAT, STAT_SIZE } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import { checkDataFitsModel, metricsFromStats, type Metrics } from './metrics.js';

export interface Evaluation {
  /** Mean loss per example (the training loss: BCE, cross-entropy or MSE). */
  loss: number;
  metrics: Metrics;
  /** Number of rows evaluated. */
  examples: number;
}

/**
 * Mean loss and metrics of `model` on every row of `data`. Batching only bounds memory: the
 * result is the same for any `batchSize` up to float rounding.
 */
export function evaluate(model: Model, data: Dataset, options: { batchSize?: number } = {}): Evaluation {
  checkDataFitsModel(model, data);
  const ev = new Evaluator(model, data, options.batchSize ?? 512);
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
