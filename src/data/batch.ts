// Batch: a reused buffer (or a zero-copy view) holding the rows of one mini-batch.
import type { RowGatherer } from '../kernels/backend.js';
import type { Dataset } from './dataset.js';

export type { RowGatherer };

/**
 * The rows of one batch: `x` is `size x numFeatures` row-major, `y` is `size x targetWidth`.
 * `x` and `y` may be longer than needed; only the first `size` rows count.
 */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  size: number;
  /** Per-row weights of the loss (fit's sampleWeight and classWeight); absent: every row weighs 1. */
  w?: Float32Array | undefined;
}

/**
 * Fills batches from a dataset without allocating per step: every batch is copied into one
 * buffer sized for the largest batch (a subarray view would allocate an object per step). The
 * copy costs O(rows x features), below the forward and backward passes that follow.
 */
export class BatchBuffer implements Batch {
  x: Float32Array;
  y: Float32Array;
  size = 0;
  /** The batch's row weights when the buffer was given weights. */
  w: Float32Array | undefined;
  private readonly data: Dataset;
  private readonly weights: Float32Array | undefined;

  /** Gathers the features into the model's memory (see Model.rowGatherer), when it pays. */
  private readonly rows: RowGatherer | undefined;

  /**
   * `rows`, when given, gathers the features (and owns `x`); the targets are copied here, and
   * so are `weights` (one per row of `data`) when given.
   */
  constructor(data: Dataset, maxRows: number, rows?: RowGatherer, weights?: Float32Array) {
    this.data = data; this.rows = rows; this.weights = weights;
    this.w = weights ? new Float32Array(maxRows) : undefined;
    this.x = rows ? rows.x : new Float32Array(maxRows * data.numFeatures);
    this.y = new Float32Array(maxRows * data.targetWidth);
  }

  /** Copies rows order[start .. start+count) into the buffer. */
  gather(order: Uint32Array, start: number, count: number): Batch {
    const nf = this.data.numFeatures; const tw = this.data.targetWidth;
    const sx = this.data.x; const sy = this.data.y; const x = this.x; const y = this.y;
    const rows = this.rows;
    if (rows) rows.gather(order, start, count);
    const sw = this.weights; const w = this.w;
    if (sw && w) for (let i = 0; i < count; i++) w[i] = sw[order[start + i]!]!;
    for (let i = 0; i < count; i++) {
      const r = order[start + i]!;
      if (!rows) { const src = r * nf; const dst = i * nf; for (let j = 0; j < nf; j++) x[dst + j] = sx[src + j]!; }
      if (tw === 1) y[i] = sy[r]!;
      else for (let j = 0; j < tw; j++) y[i * tw + j] = sy[r * tw + j]!;
    }
    this.size = count;
    return this;
  }
}
