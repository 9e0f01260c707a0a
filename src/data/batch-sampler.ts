// BatchSampler: the one knob of gradient descent (batch size) plus shuffle and dropLast.
import { checkInt } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Rng, RngState } from '../core/rng.js';

/** What a checkpoint keeps of a sampler: the epoch's visiting order and the RNG state. */
export interface SamplerState { order: Uint32Array; rng: RngState }

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

  /** A copy of the shuffling state: the current epoch's order and the generator's state (checkpoints). */
  getState(): SamplerState { return { order: this.order.slice(), rng: this.rng.getState() }; }

  /**
   * Restores a state from getState() of a sampler over the same rows, so the rest of this epoch
   * and every later epoch visit rows exactly as the saved sampler would have. A wrong-sized or
   * non-permutation order is a MinibatchError.
   */
  setState(s: SamplerState): void {
    if (s.order.length !== this.n) {
      throw new MinibatchError('BAD_SHAPE', `the saved sampler order has ${s.order.length} rows, this sampler has ${this.n}; resume on the same training rows`);
    }
    const seen = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const r = s.order[i]!;
      if (r >= this.n || seen[r] === 1) throw new MinibatchError('BAD_SHAPE', `the saved sampler order is not a permutation of 0..${this.n - 1} (row ${r} at position ${i}); the checkpoint is damaged`);
      seen[r] = 1;
    }
    this.order.set(s.order);
    this.rng.setState(s.rng);
  }

  /** Start offset into `order` of batch `b` of the current epoch. */
  batchStart(b: number): number { return b * this.batchSize; }

  /** Number of rows in batch `b` (the last one may be smaller). */
  batchLength(b: number): number { return Math.min(this.batchSize, this.n - b * this.batchSize); }
}
