// BatchSampler: the one knob of gradient descent (batch size) plus shuffle and dropLast.
import { checkInt } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Rng, RngState } from '../core/rng.js';

/**
 * What a checkpoint keeps of a sampler: the epoch's visiting order, the RNG state and, when
 * given, the cursor's position (`epoch` started so far, `batch` drawn of it; see next()).
 */
export interface SamplerState { order: Uint32Array; rng: RngState; epoch?: number; batch?: number }

/**
 * Splits an epoch over `n` rows into batches of `batchSize` row indices.
 * batchSize 1 is stochastic gradient descent, n is batch gradient descent, anything between
 * is mini-batch. Each epoch visits every row exactly once: ceil(n/B) batches, the last holding
 * n mod B rows, or floor(n/B) batches with `dropLast` (the remainder is skipped that epoch).
 * With `shuffle` the order is a fresh seeded permutation each epoch; without, it is row order.
 * The order buffer is allocated once and permuted in place. `n` must be at least 1 and
 * `batchSize` a positive integer (a MinibatchError otherwise); sizes above n mean n.
 *
 * A cursor walks the batches: next() draws the next batch (its rows are
 * order[start .. start + length)) and starts a new epoch by itself when the current one is used
 * up, so no caller counts batches against batchesPerEpoch.
 */
export class BatchSampler {
  readonly n: number;
  /** Rows per batch; changed only between epochs, by resize(). */
  batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** Row indices of the current epoch, in visiting order. */
  readonly order: Uint32Array;
  private readonly rng: Rng;
  /** Epochs started so far (0 before the first draw): the epoch of the batch last drawn (1-based). */
  epoch = 0;
  /** Batches drawn in the current epoch (batchesPerEpoch once it is used up). */
  batch = 0;
  /** Offset into `order` of the batch last drawn by next(). */
  start = 0;
  /** Rows in the batch last drawn by next() (the last batch of an epoch may be smaller). */
  length = 0;

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

  /**
   * Sets the batch size of the epochs that follow (sizes above n mean n). Only between epochs
   * (before the first draw, or when the current epoch is used up), so every epoch still visits
   * each row once; the RNG and order are untouched. Otherwise a MinibatchError.
   */
  resize(batchSize: number): void {
    const b = Math.min(checkInt('batchSize', batchSize, 1, Infinity, 'BAD_BATCH_SIZE', 'Use a whole number of rows such as 64.'), this.n);
    if (b === this.batchSize) return;
    if (!this.epochDone) throw new MinibatchError('BAD_ARGUMENT', `the batch size can change only between epochs (batch ${this.batch} of ${this.batchesPerEpoch} is drawn); resize after the epoch is used up`);
    this.batchSize = b;
  }

  /** Batches per epoch: ceil(n/B), or floor(n/B) with dropLast. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.n / this.batchSize) : Math.ceil(this.n / this.batchSize);
  }

  /** Rows used per epoch: n, or B x floor(n/B) with dropLast. */
  get rowsPerEpoch(): number {
    return this.dropLast ? this.batchesPerEpoch * this.batchSize : this.n;
  }

  /** True when no batch is left in the current epoch (or none has started): next() then starts one. */
  get epochDone(): boolean { return this.epoch === 0 || this.batch >= this.batchesPerEpoch; }

  /**
   * Starts an epoch now: reshuffles `order` (a permutation of the previous one) when shuffling,
   * counts the epoch and rewinds the cursor to its first batch. next() calls this itself when
   * an epoch is used up; call it directly only to start an epoch before its first draw.
   */
  startEpoch(): void {
    if (this.shuffle) this.rng.shuffle(this.order);
    this.epoch++; this.batch = 0;
  }

  /**
   * Draws the next batch: starts a new epoch first when the current one is used up, then sets
   * `start` and `length` (rows order[start .. start + length)) and returns `length`. Allocates
   * nothing. Every epoch has a batch (sizes above n mean n).
   */
  next(): number {
    if (this.epochDone) this.startEpoch();
    const start = this.batch++ * this.batchSize;
    this.start = start;
    this.length = Math.min(this.batchSize, this.n - start);
    return this.length;
  }

  /**
   * Moves the cursor past the next `count` batches of the current epoch (at most the ones
   * left), as `count` calls of next() would: for a kernel that visits their rows itself.
   */
  skip(count: number): void {
    if (count <= 0) return;
    this.batch += count;
    this.start = (this.batch - 1) * this.batchSize;
    this.length = Math.min(this.batchSize, this.n - this.start);
  }

  /** A copy of the shuffling state and position: the current epoch's order, the generator's state, epoch and batch (checkpoints). */
  getState(): SamplerState { return { order: this.order.slice(), rng: this.rng.getState(), epoch: this.epoch, batch: this.batch }; }

  /**
   * Restores a state from getState() of a sampler over the same rows, so the rest of this epoch
   * and every later epoch visit rows exactly as the saved sampler would have. The position is
   * restored when the state has one (else kept). A wrong-sized or non-permutation order, or a
   * position outside the epoch, is a MinibatchError.
   */
  setState(s: SamplerState): void {
    const epoch = s.epoch ?? this.epoch; const batch = s.batch ?? this.batch;
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(batch) || batch < 0 || batch > this.batchesPerEpoch) {
      throw new MinibatchError('BAD_SHAPE', `the saved sampler position (epoch ${epoch}, batch ${batch}) does not fit this sampler's ${this.batchesPerEpoch} batches per epoch; resume with the same batch size and rows`);
    }
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
    this.epoch = epoch; this.batch = batch;
  }

  /** Start offset into `order` of batch `b` of the current epoch. */
  batchStart(b: number): number { return b * this.batchSize; }

  /** Number of rows in batch `b` (the last one may be smaller). */
  batchLength(b: number): number { return Math.min(this.batchSize, this.n - b * this.batchSize); }
}
