// TrainLoop: the one code that draws batches and steps an optimizer, with the one divergence rule.
import { BatchBuffer } from '../data/batch.js';
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import { constantLoss, STAT, STAT_SIZE } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradient, type Clipping } from './clip.js';
import { Evaluator } from './evaluate.js';

/** Rows the initial (reference) loss is measured on at most: evenly spaced over the training rows. */
export const INITIAL_LOSS_ROWS = 4096;

/** The loop's position and counters: what a checkpoint keeps besides model, optimizer, sampler and sums. */
export interface LoopState {
  /** The epoch in progress, or the next one to start (1-based). */
  epoch: number;
  /** Whether `epoch` has started (its order is drawn and the sums hold its batches so far). */
  inEpoch: boolean;
  /** Batches run so far in `epoch` (the next batch's index). */
  batch: number;
  updates: number;
  seen: number;
  seconds: number;
  /**
   * The divergence reference (NaN until measured): the larger of the mean training loss before
   * the first update and the loss of the best constant prediction (see initialLoss).
   */
  initialLoss: number;
}

/**
 * What callbacks receive to stop training, Keras's `model.stop_training = true` as a typed
 * flag: `stop()` ends the run after the current batch (from onBatchEnd) or epoch (from
 * onEpochEnd), and fit's history then says `stopped: 'callback'`.
 */
export interface TrainingControl {
  stop(): void;
  readonly stopRequested: boolean;
}

/** Called after every update with the loop (for its state and `lastLoss`) and the batch's size. */
export type AfterStep = (loop: TrainLoop, size: number) => void;

/**
 * The divergence reference of a run of `model` on `data`: the larger of its mean training loss
 * before any update, on at most INITIAL_LOSS_ROWS rows (all rows when fewer; else rows
 * floor(i n / 4096), evenly spaced; one forward pass), and the loss of the best constant
 * prediction on those rows (constantLoss: the targets' entropy or variance). The floor keeps a
 * fit that continues a well-trained model (starting loss near 0) from calling one hard
 * example's batch loss a divergence; a diverging run passes both by far.
 */
export function initialLoss(model: Model, data: Dataset): number {
  const n = data.length;
  if (n <= INITIAL_LOSS_ROWS) {
    const start = new Evaluator(model, data, 512).run(model.params).loss;
    return atLeastConstant(start, constantLoss(model.spec.output, n, model.outputs, data.y));
  }
  // The spaced rows gathered 512 at a time (the Evaluator's chunks over a copy of them, without
  // the copy: a training set's resident rows serve, so a large set costs no new memory here).
  const rows = Uint32Array.from({ length: INITIAL_LOSS_ROWS }, (_, i) => Math.floor((i * n) / INITIAL_LOSS_ROWS));
  const buffer = new BatchBuffer(data, EVAL_CHUNK, model.rowGatherer(data, EVAL_CHUNK));
  const stats = new Float64Array(STAT_SIZE);
  for (let s = 0; s < rows.length; s += EVAL_CHUNK) model.lossOnly(model.params, buffer.gather(rows, s, Math.min(EVAL_CHUNK, rows.length - s)), stats);
  const tw = data.targetWidth; const y = new Float32Array(rows.length * tw);
  rows.forEach((r, i) => y.set(data.y.subarray(r * tw, r * tw + tw), i * tw));
  return atLeastConstant(stats[STAT.loss]! / rows.length, constantLoss(model.spec.output, rows.length, model.outputs, y));
}

/** Rows per forward pass of the initial loss (the Evaluator's default chunk: the same sums). */
const EVAL_CHUNK = 512;

/** The starting loss, raised to the constant prediction's `floor` (NaN kept). */
function atLeastConstant(start: number, floor: number): number {
  return start >= floor || Number.isNaN(start) ? start : floor;
}

/**
 * One training loop for every path (fit, fitStream, sweep trials, the learning-rate range test).
 * step() draws the sampler's next batch, computes loss and gradient (p <- optimizer(p, g) with
 * g = (1/|B|) sum_{i in B} grad loss_i, or the plain sum with reduction 'sum'), applies the one
 * divergence rule and steps the optimizer. It allocates nothing and awaits nothing; callers
 * decide when to evaluate, close an epoch or stop.
 *
 * Divergence: a batch whose mean loss is not finite, or exceeds `divergenceFactor` x the
 * initial loss (the mean training loss before the first update, or a constant prediction's
 * loss when larger: see initialLoss), is not
 * applied: step() returns false and `divergedLoss` holds that loss. Callers judge epoch and
 * evaluated losses with exceeds(), the same rule.
 */
export class TrainLoop implements TrainingControl {
  readonly grad: Float32Array;
  /** Running sums since the last resetSums() (loss, count, metric sums; see STAT). */
  readonly stats = new Float64Array(STAT_SIZE);
  readonly state: LoopState = { epoch: 1, inEpoch: false, batch: 0, updates: 0, seen: 0, seconds: 0, initialLoss: NaN };
  /** Mean loss of the last batch drawn, before its update. */
  lastLoss = NaN;
  /** The mean loss of the batch that diverged (NaN while none did). */
  divergedLoss = NaN;
  /** Gradient clipping applied before every optimizer step (fit's clipValue / clipNorm); none when undefined. */
  clipping: Clipping | undefined;
  private limit = Infinity;
  private stopFlag = false;

  constructor(
    readonly model: Model, readonly optimizer: Optimizer,
    private readonly sum: boolean, readonly divergenceFactor: number,
    readonly afterStep?: AfterStep,
  ) {
    this.grad = model.gradientBuffer();
  }

  /** Sets the divergence reference: losses above divergenceFactor x `loss` diverge (none when loss <= 0). */
  setInitialLoss(loss: number): void {
    this.state.initialLoss = loss;
    this.limit = loss > 0 ? this.divergenceFactor * loss : Infinity;
  }

  /** The loss above which a batch diverges: divergenceFactor x the initial loss (Infinity when none). */
  get lossLimit(): number { return this.limit; }

  /** True when `loss` diverged by the loop's rule: not finite, or above divergenceFactor x the initial loss. */
  exceeds(loss: number): boolean { return !(Math.abs(loss) <= Number.MAX_VALUE) || loss > this.limit; }

  stop(): void { this.stopFlag = true; }
  get stopRequested(): boolean { return this.stopFlag; }

  /** Zeroes the running sums. */
  resetSums(): void { this.stats.fill(0); }

  /** Starts epoch `state.epoch`: sums zeroed, batch 0, and the sampler's epoch started now when given. */
  beginEpoch(sampler?: BatchSampler): void {
    this.stats.fill(0); this.state.inEpoch = true; this.state.batch = 0;
    if (sampler) sampler.startEpoch();
  }

  /** One update on the sampler's next batch gathered by `buffer`; false (not applied) when it diverged. */
  step(sampler: BatchSampler, buffer: BatchBuffer): boolean {
    this.draw(sampler, buffer);
    const loss = this.lastLoss; // read from the field: a double returned by a call V8 does not inline is boxed, 16 B per step
    if (this.exceeds(loss)) { this.divergedLoss = loss; return false; }
    this.apply(sampler.length);
    return true;
  }

  /**
   * Draws the sampler's next batch and computes its loss and gradient into `grad` (sums into
   * `stats`) without updating; sets `lastLoss` to the batch's mean loss (read it there: a
   * returned double would be boxed): with sample weights the weighted mean sum w_i l_i / sum w_i
   * (0 for a batch whose weights are all 0).
   * For a caller with its own stop rule (the lr range test), followed by apply().
   */
  draw(sampler: BatchSampler, buffer: BatchBuffer): void {
    const len = sampler.next();
    const batch = buffer.gather(sampler.order, sampler.start, len);
    const stats = this.stats; const before = stats[STAT.loss]!; const counted = stats[STAT.count]!;
    this.model.accumulateGrad(this.model.params, batch, this.grad, this.sum, stats);
    // The count grows by the batch's weight (its row count when unweighted: the same bits as / len).
    const weight = stats[STAT.count]! - counted;
    this.lastLoss = weight > 0 ? (stats[STAT.loss]! - before) / weight : 0;
  }

  /** Steps the optimizer with the gradient draw() computed (clipped first when set), counting `size` rows. */
  apply(size: number): void {
    if (this.clipping) clipGradient(this.grad, this.clipping);
    this.optimizer.step(this.model.params, this.grad);
    const st = this.state;
    st.updates++; st.seen += size; st.batch++;
    if (this.afterStep) this.afterStep(this, size);
  }
}
