// One training run of an experiment: fit's loop, evaluated by examples seen, resumable in slices.
import { BatchBuffer } from '../data/batch.js';
import { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import { Rng } from '../core/rng.js';
import { STAT, STAT_SIZE } from '../nn/losses.js';
import type { Model, ModelSpec } from '../nn/model.js';
import { modelFromSpec } from '../nn/models.js';
import type { Optimizer, OptimizerSpec } from '../optim/optimizer.js';
import { Evaluator } from '../train/evaluate.js';
import { optimizerAt } from './optimizer-spec.js';
import type { MetricName, Point, RunRecord } from './records.js';

/** How long a run trains: whole epochs, a number of training examples, or seconds of training. */
export type Budget = { epochs: number } | { examples: number } | { seconds: number };

/** Everything that determines one run besides the model, optimizer and data (plain data). */
export interface TrialSettings {
  requested: number | 'full';
  learningRate: number;
  /** Seed of the shuffling (and of the initialisation when the model is rebuilt per seed). */
  seed: number;
  budget: Budget;
  /** Evaluate whenever examplesSeen crosses a multiple of this; Infinity: only at start and end. */
  evalEvery: number;
  /** Diverged when a loss exceeds this multiple of the initial loss (or is not finite). */
  divergenceFactor: number;
  /** Record the final parameters (convex models). */
  keepParams: boolean;
}

/** A run described by data only, as sent to worker threads. */
export interface TrialJob {
  model: ModelSpec;
  optimizer: OptimizerSpec;
  /** Build the model with init seed `model.seed + settings.seed` (else `model.seed`). */
  varyInit: boolean;
  settings: TrialSettings;
}

/** The metric experiments report: accuracy for classifiers, mse for linear outputs. */
export function metricOf(model: Model): MetricName {
  return model.spec.output === 'linear' ? 'mse' : 'accuracy';
}

/** True for models whose loss is convex in the parameters (linear, logistic, softmax regression). */
export function isConvex(model: Model): boolean { return model.spec.kind !== 'mlp'; }

/** The model of run `seed` built from a spec: init seed spec.seed + seed when `varyInit`. */
export function modelForSeed(spec: ModelSpec, seed: number, varyInit: boolean): Model {
  return modelFromSpec(varyInit ? { ...spec, seed: spec.seed + seed } : spec);
}

/**
 * Throw-away training for about `ms` milliseconds on at most 512 rows, so the JIT has compiled
 * the hot loops before the first timed run (else the first batch size measured pays for it).
 */
export function warmUp(model: Model, optimizer: Optimizer, train: Dataset, val: Dataset, ms = 50): void {
  const head = (d: Dataset): Dataset => d.subset(Array.from({ length: Math.min(d.length, 512) }, (_, i) => i));
  const runner = new TrialRunner(model, optimizer, head(train), head(val), {
    requested: 32, learningRate: optimizer.learningRate(), seed: 0, budget: { seconds: ms / 1000 },
    evalEvery: Infinity, divergenceFactor: Infinity, keepParams: false,
  });
  runner.advance(Infinity);
}

/** Runs a data-only job to the end (worker threads and the in-thread spec path alike). */
export function runJob(job: TrialJob, train: Dataset, val: Dataset): RunRecord {
  const s = job.settings;
  const model = modelForSeed(job.model, s.seed, job.varyInit);
  const runner = new TrialRunner(model, optimizerAt(job.optimizer, s.learningRate), train, val, s);
  runner.advance(Infinity);
  model.dispose(); // the next trial on this thread reuses its memory
  return runner.result();
}

/**
 * One run with fit's semantics: a BatchSampler seeded with `seed` reshuffles every epoch and
 * visits every training row once; each batch makes one update with the mean gradient
 * p <- optimizer(p, (1/|B|) sum_{i in B} grad loss_i). The model is evaluated on the validation
 * data at the start (a point at examplesSeen 0, its trainLoss taken over the whole training
 * set), whenever examplesSeen crosses a multiple of `evalEvery` (so runs of different batch
 * sizes are evaluated at comparable moments, mid-epoch if need be), and at the end.
 * trainSeconds counts only the batches, never evaluation nor the pauses between `advance`
 * calls. The run stops as diverged (its points end before) when a batch loss is not finite or
 * an evaluated loss is not finite or exceeds divergenceFactor x the initial loss.
 */
export class TrialRunner {
  private readonly sampler: BatchSampler;
  private readonly buffer: BatchBuffer;
  private readonly evaluator: Evaluator;
  private readonly grad: Float32Array;
  private readonly stats = new Float64Array(STAT_SIZE);
  private readonly metric: MetricName;
  private readonly run: RunRecord;
  private readonly n: number;
  private readonly refLoss: number;
  private epoch = 0; private b: number; private updates = 0; private seen = 0; private seconds = 0;
  private nextEval: number;
  private finished = false;

  constructor(
    private readonly model: Model, private readonly optimizer: Optimizer, train: Dataset, val: Dataset,
    private readonly s: TrialSettings, private readonly clock: () => number = () => performance.now(),
  ) {
    this.n = train.length;
    const bs = s.requested === 'full' ? this.n : Math.min(s.requested, this.n);
    this.sampler = new BatchSampler(this.n, bs, new Rng(s.seed));
    this.b = this.sampler.batchesPerEpoch;
    this.buffer = new BatchBuffer(train, this.sampler.batchSize, model.rowGatherer(train, this.sampler.batchSize));
    this.evaluator = new Evaluator(model, val, 512);
    this.grad = model.gradientBuffer();
    this.metric = metricOf(model);
    this.run = { batchSize: this.sampler.batchSize, requested: s.requested, learningRate: s.learningRate, seed: s.seed, points: [] };
    this.nextEval = s.evalEvery;
    const trainLoss = new Evaluator(model, train, 512).run(model.params).loss;
    const ev = this.evaluator.run(model.params);
    this.refLoss = Math.max(trainLoss, ev.loss, 1e-12);
    this.run.points.push(this.point(trainLoss, ev.loss, ev.metrics));
  }

  get done(): boolean { return this.finished; }

  /** The run so far (complete once `done`). */
  result(): RunRecord { return this.run; }

  /** Trains until the budget is spent (returns true) or the clock passes `deadline` ms (false). */
  advance(deadline: number): boolean {
    if (this.finished) return true;
    const { sampler, buffer, model, optimizer, grad, stats, s } = this;
    const params = model.params; const nb = sampler.batchesPerEpoch;
    const maxEpochs = 'epochs' in s.budget ? s.budget.epochs : Infinity;
    const maxExamples = 'examples' in s.budget ? s.budget.examples : Infinity;
    const maxSeconds = 'seconds' in s.budget ? s.budget.seconds : Infinity;
    const timed = maxSeconds < Infinity;
    let t0 = this.clock(); let k = 0;
    for (;;) {
      if (this.b === nb) {
        if (this.epoch >= maxEpochs) return this.finish(t0);
        this.epoch++; sampler.startEpoch(); this.b = 0;
      }
      const len = sampler.batchLength(this.b);
      const batch = buffer.gather(sampler.order, sampler.batchStart(this.b), len);
      const before = stats[STAT.loss]!;
      model.accumulateGrad(params, batch, grad, false, stats);
      const loss = stats[STAT.loss]! - before;
      if (!(Math.abs(loss) <= Number.MAX_VALUE)) {
        this.seconds += (this.clock() - t0) / 1000;
        return this.diverge(loss / len);
      }
      optimizer.step(params, grad);
      this.updates++; this.seen += len; this.b++;
      if (this.seen >= this.nextEval) {
        this.seconds += (this.clock() - t0) / 1000;
        if (!this.evaluate()) return true;
        this.nextEval = (Math.floor(this.seen / s.evalEvery) + 1) * s.evalEvery;
        t0 = this.clock();
      }
      if (this.seen >= maxExamples) return this.finish(t0);
      if (timed || (++k & 15) === 0) {
        const now = this.clock();
        if (timed && this.seconds + (now - t0) / 1000 >= maxSeconds) return this.finish(t0);
        if (now >= deadline) { this.seconds += (now - t0) / 1000; return false; }
      }
    }
  }

  private finish(t0: number): boolean {
    this.seconds += (this.clock() - t0) / 1000;
    const last = this.run.points[this.run.points.length - 1];
    if (!last || last.examplesSeen < this.seen) { if (!this.evaluate()) return true; }
    if (this.s.keepParams) this.run.finalParams = Array.from(this.model.params);
    this.finished = true;
    return true;
  }

  private diverge(loss: number): boolean {
    this.run.diverged = { epoch: Math.max(1, this.epoch), loss };
    this.finished = true;
    return true;
  }

  /** Adds a point; false (and the run marked diverged) when the losses blew up. */
  private evaluate(): boolean {
    const st = this.stats;
    const trainLoss = st[STAT.count]! > 0 ? st[STAT.loss]! / st[STAT.count]! : NaN;
    st.fill(0);
    const ev = this.evaluator.run(this.model.params);
    const watched = Math.max(trainLoss, ev.loss);
    if (!(watched <= this.s.divergenceFactor * this.refLoss)) {
      this.diverge(Number.isFinite(trainLoss) && !Number.isNaN(ev.loss) ? watched : Number.isFinite(trainLoss) ? ev.loss : trainLoss);
      return false;
    }
    this.run.points.push(this.point(trainLoss, ev.loss, ev.metrics));
    return true;
  }

  private point(trainLoss: number, valLoss: number, m: { accuracy?: number; mse?: number }): Point {
    return {
      epoch: this.seen / this.n, updates: this.updates, examplesSeen: this.seen, trainSeconds: this.seconds,
      trainLoss, valLoss, valMetric: (this.metric === 'mse' ? m.mse : m.accuracy) ?? NaN,
    };
  }
}
