// BatchSampler: the one knob of gradient descent (batch size) plus shuffle and dropLast.
import { checkInt } from '../core/check.js';
import type { Rng } from '../core/rng.js';

/**
 * Splits an epoch over `n` rows into batches of `batchSize` row indices.
 * batchSize 1 is stochastic gradient descent, n is batch gradient descent, anything between
 * is mini-batch. Each epoch visits every row exactly once: ceil(n/B) batches, the last holding
 * n mod B rows, or floor(n/B) batches with `dropLast` (the remainder is skipped that epoch).
 * With `shuffle` the order is a fresh seeded permutation each epoch; without, it is row order.
 * The order buffer is allocated once and permuted in place. `n` must be at least 1 and
 * `batchSize` a positive integer (a MinibatchError otherwise); sizes above n mean n.
 */
export class BatchSampler {
  readonly n: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** Row indices of the current epoch, in visiting order. */
  readonly order: Uint32Array;
  private readonly rng: Rng;

  constructor(n: number, batchSize: number, rng: Rng, opts: { shuffle?: boolean; dropLast?: boolean } = {}) {
    this.n = checkInt('rows', n, 1, 2 ** 32 - 1, 'EMPTY_DATASET', 'A batch sampler needs at least one row.');
    this.batchSize = Math.min(checkInt('batchSize', batchSize, 1, Infinity, 'BAD_BATCH_SIZE',
      `Use 1 (stochastic), ${n} (full batch) or a size between.`), n);
    this.shuffle = opts.shuffle ?? true;
    this.dropLast = opts.dropLast ?? false;
    this.rng = rng;
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
  }

  /** Batches per epoch: ceil(n/B), or floor(n/B) with dropLast. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.n / this.batchSize) : Math.ceil(this.n / this.batchSize);
  }

  /** Rows used per epoch: n, or B x floor(n/B) with dropLast. */
  get rowsPerEpoch(): number {
    return this.dropLast ? this.batchesPerEpoch * this.batchSize : this.n;
  }

  /** Starts an epoch: reshuffles `order` (a permutation of the previous one) when shuffling. */
  startEpoch(): void {
    if (this.shuffle) this.rng.shuffle(this.order);
  }

  /** Start offset into `order` of batch `b` of the current epoch. */
  batchStart(b: number): number { return b * this.batchSize; }

  /** Number of rows in batch `b` (the last one may be smaller). */
  batchLength(b: number): number { return Math.min(this.batchSize, this.n - b * this.batchSize); }
}
