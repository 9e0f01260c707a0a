// FusedEpoch: the loop's whole-epoch path for batch-1 SGD on one-layer models (one kernel call for the rest of an epoch, or a run of rows, with the bits of the general steps).
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import type { SgdEpochJob } from '../kernels/backend.js';
import { STAT } from '../nn/losses.js';
import { Model } from '../nn/model.js';
import { FLUSH_BELOW, FLUSH_EVERY } from '../optim/optimizer.js';
import { Sgd } from '../optim/sgd.js';
import type { TrainLoop } from './loop.js';

/**
 * The switch and counter of the fused path, for tests and benchmarks: `enabled` false sends
 * every run through the general steps; `calls` counts the kernel calls made (one per epoch, or
 * per rest of an epoch).
 */
export const fusedEpochs = { enabled: true, calls: 0 };

/** The order of SgdEpochJob.sums in the loop's STAT slots. */
const SUM_SLOTS = [STAT.loss, STAT.correct, STAT.absErr, STAT.sqErr, STAT.count] as const;

/**
 * The rest of an epoch in one call of the engine's batch-1 SGD kernel (DenseEngine.sgdEpoch),
 * giving exactly the bits of the general steps it replaces: parameters, gradient buffer,
 * momentum buffer, step count and last rate, the loop's sums, counters and lastLoss, the
 * sampler's position; a row whose loss diverges stops the call before its update, as
 * TrainLoop.step refuses it. It applies to a model of one dense layer and one output (sigmoid
 * with cross-entropy, or linear with squared error) or a softmax over classes (with the
 * engine's fused softmax cross-entropy) without dropout whose accumulateGrad is
 * the Model's own, trained by plain `sgd` (any momentum, dampening, Nesterov, weight decay and
 * schedule) at batch size 1 without row weights, clipping or after-step hook (onBatchEnd, a
 * batch-size policy's meter); elsewhere the loop takes its general steps. The first update of
 * a fresh optimizer (which allocates its state) is a general step.
 */
export class FusedEpoch {
  private readonly job: SgdEpochJob;
  private rates = new Float64Array(0);
  /** Set when the engine has no such kernel or refused: the rest of the run takes general steps. */
  private off = false;

  private constructor(private readonly loop: TrainLoop, private readonly sgd: Sgd, train: Dataset) {
    const model = loop.model; const s = sgd.spec;
    this.job = {
      features: train.x, targets: train.y, fresh: true, order: new Uint32Array(0), start: 0, count: 0,
      output: model.spec.output, sums: new Float64Array(5), limit: Infinity, rates: this.rates,
      momentum: s.momentum, dampening: s.dampening, nesterov: s.nesterov, weightDecay: s.weightDecay, buffer: null,
      iterations: 0, flushEvery: FLUSH_EVERY, flushBelow: FLUSH_BELOW, applied: 0, lastLoss: NaN, diverged: false,
    };
  }

  /** The fused path for a run of `loop` over `train` at `batchSize`, or undefined where it does not apply. */
  static create(loop: TrainLoop, train: Dataset, batchSize: number, weights: Float32Array | undefined, policy: unknown): FusedEpoch | undefined {
    const model = loop.model; const opt = loop.optimizer;
    if (batchSize !== 1 || weights !== undefined || policy !== undefined || loop.afterStep !== undefined) return undefined;
    if (model.depth !== 1 || train.targetWidth !== 1 || model.dropout !== null) return undefined;
    if (model.spec.output !== 'softmax' && model.outputs !== 1) return undefined;
    if (model.accumulateGrad !== Model.prototype.accumulateGrad) return undefined;
    if (!(opt instanceof Sgd) || Object.getPrototypeOf(opt) !== Sgd.prototype || Object.prototype.hasOwnProperty.call(opt, 'step')) return undefined;
    return new FusedEpoch(loop, opt, train);
  }

  /**
   * Runs the rest of the sampler's started epoch, or its next `limit` rows when fewer are left
   * (a sweep trial stops at its evaluation points), in one kernel call when it applies now: true
   * when it did, false when a row diverged (the loop's divergedLoss holds its loss, as after a
   * refused step), undefined when not taken (nothing changed).
   */
  run(sampler: BatchSampler, limit = Infinity): boolean | undefined {
    const loop = this.loop; const model = loop.model; const opt = this.sgd;
    if (this.off || !fusedEpochs.enabled || loop.clipping !== undefined || sampler.batchSize !== 1 || !opt.readyFor(model.params)) return undefined;
    const job = this.job; const count = Math.min(sampler.batchesPerEpoch - sampler.batch, limit);
    if (!(count > 0)) return undefined;
    if (this.rates.length < count) this.rates = job.rates = new Float64Array(sampler.n);
    opt.ratesAhead(this.rates, count);
    job.order = sampler.order; job.start = sampler.batch; job.count = count;
    job.limit = loop.lossLimit; job.iterations = opt.iterations; job.buffer = opt.buffers()[0] ?? null;
    const stats = loop.stats;
    for (let i = 0; i < SUM_SLOTS.length; i++) job.sums[i] = stats[SUM_SLOTS[i]!]!;
    if (!model.sgdEpoch(job)) { this.off = true; return undefined; }
    job.fresh = false; fusedEpochs.calls++;
    for (let i = 0; i < SUM_SLOTS.length; i++) stats[SUM_SLOTS[i]!] = job.sums[i]!;
    const applied = job.applied;
    sampler.skip(applied + (job.diverged ? 1 : 0));
    opt.advance(applied, applied > 0 ? this.rates[applied - 1]! : NaN);
    const st = loop.state; st.updates += applied; st.seen += applied; st.batch += applied;
    if (applied > 0 || job.diverged) loop.lastLoss = job.lastLoss;
    if (!job.diverged) return true;
    loop.divergedLoss = job.lastLoss;
    return false;
  }
}
