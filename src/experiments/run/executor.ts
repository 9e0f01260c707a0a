// Runs a sweep's trials in this thread or on the worker pool, with progress and cancellation.
import { checkInt } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import { yieldToEventLoop } from '../../core/yield.js';
import type { Model, ModelSpec } from '../../nn/model.js';
import type { Optimizer, OptimizerSpec } from '../../optim/optimizer.js';
import { factoryOfChoice, specOfChoice } from './optimizer-spec.js';
import { defaultWorkers, TrialPool, trialThreads } from './pool.js';
import { runOnJobExecutor } from './job-executor.js';
import type { MetricName, RunRecord } from '../records.js';
import { objectiveOf, type Objective } from '../analysis/objective.js';
import { checkSweepMetric, isSpecSource, probeModel, type ModelSource, type ProgressCallback, type SplitData, type SweepOptions, type TrialLabel } from './setup.js';
import { currentJournal, journalContext, trialKey, type TrialJournal } from './sweep-journal.js';
import { isConvex, metricOf, modelForSeed, TrialRunner, warmUp, type TrialSettings } from './trial.js';

/** Counts trials over one or several `run` calls and reports to a ProgressCallback. */
export class Progress {
  private done = 0;
  private readonly running = new Map<number, TrialLabel>();
  private nextId = 0;
  constructor(private total: number, private readonly cb?: ProgressCallback, private readonly onRun?: (run: RunRecord) => void) {}

  /** Adds trials to the expected total (a sweep that runs another first, e.g. a small tune). */
  addTotal(n: number): void { this.total += n; }

  start(s: TrialSettings): number {
    const id = this.nextId++;
    this.running.set(id, { requested: s.requested, learningRate: s.learningRate, seed: s.seed });
    this.report();
    return id;
  }

  /** Trial `id` ended; `run` is its record when it finished here (passed on to the onTrialEnd hook). */
  end(id: number, finished: boolean, run?: RunRecord): void {
    this.running.delete(id);
    if (finished) this.done++;
    this.report();
    if (run) this.onRun?.(run);
  }

  private report(): void { this.cb?.(this.done, this.total, [...this.running.values()]); }
}

/** The outcome of a batch of trials: results in input order, undefined where not finished. */
export interface Outcome { runs: Array<RunRecord | undefined>; partial: boolean }

/** Runs TrialSettings against one model source, optimizer and split. */
export interface Executor {
  readonly data: SplitData;
  /** The metric points record as valMetric: the sweep's `metric`, else accuracy (mse for linear outputs). */
  readonly metric: MetricName;
  /** What runs are ranked and timed by: the validation loss, or the sweep's `metric`. */
  readonly objective: Objective;
  readonly convex: boolean;
  /** Worker threads used (1 = this thread). */
  readonly workers: number;
  /** The optimizer's spec when known (for records). */
  readonly optimizerSpec: OptimizerSpec | undefined;
  run(settings: readonly TrialSettings[], progress: Progress, signal?: AbortSignal): Promise<Outcome>;
  close(): Promise<void>;
}

const SLICE_MS = 50;

/**
 * Picks where trials run: on `workers` threads (default one per core) when the model is a
 * ModelSpec, the optimizer can be described by a spec and the platform has threads, else in
 * this thread. Asking for more
 * than one worker with a model function is a MinibatchError (functions cannot cross threads).
 */
export function createExecutor(source: ModelSource, data: SplitData, o: SweepOptions, firstSeed: number): Executor {
  const probe = probeModel(source, firstSeed, data);
  const spec = isSpecSource(source) ? source : undefined;
  const workers = checkInt('workers', o.workers ?? (spec ? defaultWorkers() : 1), 1, 1024, 'BAD_ARGUMENT', 'Use 1 to run in this thread.');
  const optSpec = specOfChoice(o.optimizer);
  const ranked = checkSweepMetric(o.metric, probe);
  const objective = objectiveOf(ranked);
  const base = { data, metric: ranked === 'loss' ? metricOf(probe) : ranked, objective, convex: isConvex(probe), optimizerSpec: optSpec };
  if (spec) probe.dispose(); // built here from the spec: only its metric and convexity were needed
  const journal = (o as { journal?: TrialJournal }).journal ?? currentJournal();
  const journaled = (e: Executor): Executor => (journal && spec && optSpec
    ? withJournal(e, journal, journalContext(spec, optSpec, o.varyInit ?? true, data)) : e);
  if (o.executor) {
    if (!spec || !optSpec) throw new MinibatchError('BAD_ARGUMENT', `executor ${o.executor.name} needs the model as a ModelSpec and an optimizer an OptimizerSpec can rebuild (sgd, rmsprop, adam): jobs are plain data`);
    const remote = o.executor; const varyInit = o.varyInit ?? true;
    return journaled({ ...base, workers, close: async () => {}, run: (settings, progress, signal) => runOnJobExecutor(remote, settings.map((s) => ({ model: spec, optimizer: optSpec, varyInit, settings: s })), data, progress, signal) });
  }
  if (workers > 1 && trialThreads()) { // without threads (no platform installed) trials run here: same results
    if (!spec) throw new MinibatchError('BAD_ARGUMENT', `workers: ${workers} needs the model as a ModelSpec (functions cannot cross threads): pass model.spec, or workers: 1`);
    if (!optSpec) throw new MinibatchError('BAD_ARGUMENT', `workers: ${workers} needs an optimizer an OptimizerSpec can rebuild (sgd, rmsprop, adam): pass its spec, or workers: 1`);
    return journaled(poolExecutor(base, spec, optSpec, o.varyInit ?? true, workers));
  }
  const makeModel = spec ? (seed: number) => modelForSeed(spec, seed, o.varyInit ?? true) : (source as (seed: number) => Model);
  return journaled(inThreadExecutor(base, makeModel, factoryOfChoice(o.optimizer), spec !== undefined));
}

/**
 * An executor that answers trials found in `journal` from it (counted as done, never rerun)
 * and runs the others, appending each finished one. Results are in input order as before.
 */
function withJournal(exec: Executor, journal: TrialJournal, context: string): Executor {
  return {
    ...exec,
    async run(settings, progress, signal) {
      const keys = settings.map((s) => trialKey(context, s));
      const runs: Array<RunRecord | undefined> = keys.map((k) => journal.get(k));
      runs.forEach((r, i) => { if (r) progress.end(progress.start(settings[i]!), true, r); });
      const todo = runs.flatMap((r, i) => (r ? [] : [i]));
      if (todo.length > 0) {
        const out = await exec.run(todo.map((i) => settings[i]!), progress, signal);
        out.runs.forEach((r, j) => { if (r) { runs[todo[j]!] = r; journal.record(keys[todo[j]!]!, r); } });
      }
      return { runs, partial: runs.some((r) => r === undefined) };
    },
  };
}

type Base = Pick<Executor, 'data' | 'metric' | 'objective' | 'convex' | 'optimizerSpec'>;

/** The TrialSettings field that makes trials record the executor's ranked metric (nothing when ranking by the loss). */
export function metricSetting(e: Executor): { metric?: MetricName } {
  return e.objective.name === 'loss' ? {} : { metric: e.objective.name };
}

function inThreadExecutor(base: Base, makeModel: (seed: number) => Model, makeOpt: (lr: number) => Optimizer, owned: boolean): Executor {
  let warm = false;
  return {
    ...base, workers: 1,
    async run(settings, progress, signal) {
      const runs: Array<RunRecord | undefined> = new Array(settings.length).fill(undefined);
      if (!warm && settings.length > 0) {
        const m = makeModel(settings[0]!.seed); warmUp(m, makeOpt(1e-3), base.data.train, base.data.val); warm = true;
        if (owned) m.dispose();
      }
      for (let i = 0; i < settings.length && !signal?.aborted; i++) {
        const s = settings[i]!;
        const id = progress.start(s);
        const model = makeModel(s.seed); const runner = new TrialRunner(model, makeOpt(s.learningRate), base.data.train, base.data.val, s);
        while (!runner.advance(performance.now() + SLICE_MS) && !signal?.aborted) await yieldToEventLoop();
        if (owned) model.dispose(); // models built here from a spec: the next trial reuses the memory
        if (runner.done) runs[i] = runner.result();
        progress.end(id, runner.done, runs[i]);
        await yieldToEventLoop();
      }
      return { runs, partial: runs.some((r) => r === undefined) };
    },
    async close() {},
  };
}

function poolExecutor(base: Base, spec: ModelSpec, optSpec: OptimizerSpec, varyInit: boolean, workers: number): Executor {
  const pool = new TrialPool(base.data.train, base.data.val, workers);
  return {
    ...base, workers,
    async run(settings, progress, signal) {
      const ids = new Map<number, number>();
      const jobs = settings.map((s) => ({ model: spec, optimizer: optSpec, varyInit, settings: s }));
      const out = await pool.run(jobs, {
        ...(signal ? { signal } : {}),
        onStart: (i) => { ids.set(i, progress.start(settings[i]!)); },
        onEnd: (i, run) => { progress.end(ids.get(i)!, true, run); ids.delete(i); },
      });
      for (const id of ids.values()) progress.end(id, false);
      return out;
    },
    close: () => pool.close(),
  };
}
