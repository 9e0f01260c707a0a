// One training run of an experiment: fit's loop, evaluated by examples seen, resumable in slices.
import { MinibatchError } from '../../core/errors.js';
import { BatchBuffer } from '../../data/batch.js';
import { BatchSampler, type SamplerState } from '../../data/batch-sampler.js';
import type { Dataset } from '../../data/dataset.js';
import { Rng } from '../../core/rng.js';
import { STAT } from '../../nn/losses.js';
import type { Model, ModelSpec } from '../../nn/model.js';
import { modelFromSpec } from '../../nn/models.js';
import type { Optimizer, OptimizerSpec, OptimizerState } from '../../optim/optimizer.js';
import { Evaluator } from '../../train/evaluate.js';
import { FusedEpoch } from '../../train/fused-epoch.js';
import { TrainLoop } from '../../train/loop.js';
import { needsPredictions, type MetricKey, type Metrics } from '../../train/metrics.js';
import { claimModel } from '../../train/model-busy.js';
import { optimizerAt } from './optimizer-spec.js';
import { startPoint } from './start-point.js';
import type { MetricName, Point, RunRecord } from '../records.js';

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
  /** The sampler's order and last batch (fit's `shuffle` and `dropLast`); absent: reshuffle, keep it. */
  sampling?: { shuffle: boolean; dropLast: boolean };
  /** The validation metric points record as valMetric (the sweep's `metric`); absent: accuracy, or mse for linear outputs. */
  metric?: MetricKey;
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
 * A trial caught mid-run, as plain data (typed arrays and numbers; structured-clone safe), so a
 * worker can resume it elsewhere bit-identically: TrialRunner.restore() into a fresh runner
 * built from the same job and data.
 */
export interface TrialSnapshot {
  params: Float32Array;
  optimizer: OptimizerState;
  sampler: SamplerState;
  /** The loop's running sums since the last evaluation. */
  stats: Float64Array;
  updates: number; seen: number; seconds: number; nextEval: number; refLoss: number;
  finished: boolean;
  run: RunRecord;
}

/** Rows one call of the fused batch-1 path takes at most (a few ms): the deadline of `advance` is checked between calls. */
const FUSED_ROWS = 2048;

/**
 * One run with fit's semantics on the one training loop: a BatchSampler seeded with `seed`
 * reshuffles every epoch and visits every training row once; each batch makes one update with
 * the mean gradient p <- optimizer(p, (1/|B|) sum_{i in B} grad loss_i). The model is evaluated
 * on the validation data at the start (a point at examplesSeen 0, its trainLoss taken over the
 * whole training set), whenever examplesSeen crosses a multiple of `evalEvery` (so runs of
 * different batch sizes are evaluated at comparable moments, mid-epoch if need be), and at the
 * end. trainSeconds counts only the batches, never evaluation nor the pauses between `advance`
 * calls. Divergence follows the loop's rule with the initial loss max(train, validation loss at
 * the start): a batch loss, or an evaluated training or validation loss, that is not finite or
 * exceeds divergenceFactor x that loss ends the run as `diverged` (its points end before).
 */
export class TrialRunner {
  private readonly sampler: BatchSampler;
  private readonly buffer: BatchBuffer;
  private readonly evaluator: Evaluator;
  private readonly loop: TrainLoop;
  private readonly metric: MetricName;
  private run: RunRecord;
  private readonly n: number;
  private refLoss: number;
  private seconds = 0;
  private nextEval: number;
  private finished = false;
  /** The whole-epoch kernel path of batch-1 SGD on one-layer models, where it applies (FusedEpoch). */
  private readonly fused: FusedEpoch | undefined;

  constructor(
    private readonly model: Model, optimizer: Optimizer, train: Dataset, val: Dataset,
    private readonly s: TrialSettings, private readonly clock: () => number = () => performance.now(),
  ) {
    this.n = train.length;
    const bs = s.requested === 'full' ? this.n : Math.min(s.requested, this.n);
    this.sampler = new BatchSampler(this.n, bs, new Rng(s.seed), s.sampling ?? {});
    model.dropout?.reseed(s.seed);
    this.buffer = new BatchBuffer(train, this.sampler.batchSize, model.rowGatherer(train, this.sampler.batchSize));
    this.metric = s.metric ?? metricOf(model);
    const extras = needsPredictions(this.metric) ? [this.metric] : [];
    this.evaluator = new Evaluator(model, val, 512, extras);
    this.loop = new TrainLoop(model, optimizer, false, s.divergenceFactor);
    this.fused = 'seconds' in s.budget ? undefined : FusedEpoch.create(this.loop, train, this.sampler.batchSize, undefined, undefined);
    this.run = { batchSize: this.sampler.batchSize, requested: s.requested, learningRate: s.learningRate, seed: s.seed, points: [] };
    this.nextEval = s.evalEvery;
    const { trainLoss, ev } = startPoint(model, train, val, this.evaluator, extras);
    this.refLoss = Math.max(trainLoss, ev.loss, 1e-12);
    this.loop.setInitialLoss(this.refLoss);
    this.run.points.push(this.point(trainLoss, ev.loss, ev.metrics));
  }

  get done(): boolean { return this.finished; }

  /** The run so far (complete once `done`). */
  result(): RunRecord { return this.run; }

  /**
   * Trains until the budget is spent (returns true) or the clock passes `deadline` ms (false).
   * MinibatchError MODEL_BUSY when a fit on the same (user's) model is in progress.
   */
  advance(deadline: number): boolean {
    if (this.finished) return true;
    const release = claimModel(this.model, 'a trial');
    try { return this.advanceClaimed(deadline); } finally { release(); }
  }

  private advanceClaimed(deadline: number): boolean {
    const { sampler, buffer, loop, s } = this; const st = loop.state;
    const maxEpochs = 'epochs' in s.budget ? s.budget.epochs : Infinity;
    const maxExamples = 'examples' in s.budget ? s.budget.examples : Infinity;
    const maxSeconds = 'seconds' in s.budget ? s.budget.seconds : Infinity;
    const timed = maxSeconds < Infinity;
    let t0 = this.clock(); let k = 0;
    for (;;) {
      if (sampler.epochDone && sampler.epoch >= maxEpochs) return this.finish(t0);
      const fused = this.fused ? this.fusedRows(maxExamples) : undefined;
      if (fused === false || (fused === undefined && !loop.step(sampler, buffer))) {
        this.seconds += (this.clock() - t0) / 1000;
        return this.diverge(loop.divergedLoss);
      }
      if (st.seen >= this.nextEval) {
        this.seconds += (this.clock() - t0) / 1000;
        if (!this.evaluate()) return true;
        this.nextEval = (Math.floor(st.seen / s.evalEvery) + 1) * s.evalEvery;
        t0 = this.clock();
      }
      if (st.seen >= maxExamples) return this.finish(t0);
      if (timed || fused !== undefined || (++k & 15) === 0) {
        const now = this.clock();
        if (timed && this.seconds + (now - t0) / 1000 >= maxSeconds) return this.finish(t0);
        if (now >= deadline) { this.seconds += (now - t0) / 1000; return false; }
      }
    }
  }

  /**
   * The next rows up to the next evaluation point, the example budget or FUSED_ROWS (the deadline
   * is checked between calls) in one call of the fused path: as FusedEpoch.run, undefined when
   * not taken (then the caller takes a general step).
   */
  private fusedRows(maxExamples: number): boolean | undefined {
    const st = this.loop.state; const sampler = this.sampler;
    const limit = Math.min(this.nextEval - st.seen, maxExamples - st.seen, FUSED_ROWS);
    if (!(limit >= 2)) return undefined;
    if (sampler.epochDone) sampler.startEpoch(); // as the general step's draw would
    return this.fused!.run(sampler, limit);
  }

  /** The run's state as plain data (copies), to resume it later with restore(). */
  snapshot(): TrialSnapshot {
    const st = this.loop.state;
    return {
      params: this.model.params.slice(), optimizer: this.loop.optimizer.getState(), sampler: this.sampler.getState(),
      stats: this.loop.stats.slice(), updates: st.updates, seen: st.seen, seconds: this.seconds, nextEval: this.nextEval,
      refLoss: this.refLoss, finished: this.finished, run: structuredClone(this.run),
    };
  }

  /**
   * Continues the run a snapshot() caught, in this runner (built from the same job and data):
   * later advance() calls then give the same bits and points as the original would have.
   */
  restore(snap: TrialSnapshot): void {
    if (snap.params.length !== this.model.params.length || snap.run.batchSize !== this.run.batchSize || snap.run.seed !== this.s.seed) {
      throw new MinibatchError('BAD_SHAPE', `the trial snapshot (${snap.params.length} parameters, batch size ${snap.run.batchSize}, seed ${snap.run.seed}) is not of this run (${this.model.params.length} parameters, batch size ${this.run.batchSize}, seed ${this.s.seed}); restore into a runner built from the same job`);
    }
    this.model.params.set(snap.params);
    this.loop.optimizer.setState(snap.optimizer);
    this.sampler.setState(snap.sampler);
    this.loop.stats.set(snap.stats);
    const st = this.loop.state;
    st.updates = snap.updates; st.seen = snap.seen;
    this.seconds = snap.seconds; this.nextEval = snap.nextEval; this.finished = snap.finished;
    this.refLoss = snap.refLoss; this.loop.setInitialLoss(snap.refLoss);
    this.run = structuredClone(snap.run);
  }

  private finish(t0: number): boolean {
    this.seconds += (this.clock() - t0) / 1000;
    const last = this.run.points[this.run.points.length - 1];
    if (!last || last.examplesSeen < this.loop.state.seen) { if (!this.evaluate()) return true; }
    if (this.s.keepParams) this.run.finalParams = Array.from(this.model.params);
    this.finished = true;
    return true;
  }

  private diverge(loss: number): boolean {
    this.run.diverged = { epoch: Math.max(1, this.sampler.epoch), loss };
    this.finished = true;
    return true;
  }

  /** Adds a point; false (and the run marked diverged) when the losses blew up. */
  private evaluate(): boolean {
    const stats = this.loop.stats;
    const trainLoss = stats[STAT.count]! > 0 ? stats[STAT.loss]! / stats[STAT.count]! : NaN;
    this.loop.resetSums();
    const ev = this.evaluator.run(this.model.params);
    if (this.loop.exceeds(trainLoss)) { this.diverge(trainLoss); return false; }
    if (this.loop.exceeds(ev.loss)) { this.diverge(ev.loss); return false; }
    this.run.points.push(this.point(trainLoss, ev.loss, ev.metrics));
    return true;
  }

  private point(trainLoss: number, valLoss: number, m: Metrics): Point {
    const st = this.loop.state;
    return {
      epoch: st.seen / this.n, updates: st.updates, examplesSeen: st.seen, trainSeconds: this.seconds,
      trainLoss, valLoss, valMetric: m[this.metric] ?? NaN,
    };
  }
}
