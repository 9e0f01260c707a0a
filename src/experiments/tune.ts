// Learning-rate tuning per batch size: a grid or successive halving, and the lr-vs-batch-size fit.
import { checkInt, checkOneOf, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { createExecutor, metricSetting, Progress, type Executor } from './run/executor.js';
import { lowerIsBetter, type Objective } from './analysis/objective.js';
import { asyncSuccessiveHalving, halvingPlan, rankCells, successiveHalving, type RungScore } from './analysis/halving.js';
import type { RunRecord, TuneCell, TuneResult } from './records.js';
import { fitScaling } from './analysis/scaling.js';
import { checkLearningRate, samplingOf, seedList, splitForSweep, uniqueBatchSizes, type ModelSource, type SweepOptions } from './run/setup.js';
import { summarise } from './analysis/summary.js';
import type { TrialSettings } from './run/trial.js';

export interface TuneOptions extends SweepOptions {
  /** Default [1, 8, 32, 128, 'full']. */
  batchSizes?: Array<number | 'full'>;
  /** The rates tried for every batch size. Default: see defaultLearningRates. */
  learningRates?: number[];
  /** Default 'halving'. */
  method?: 'grid' | 'halving';
  /** Seeds per cell (ranked by their mean validation loss). Default 1: tuning ranks, compare measures spread. */
  seeds?: number | number[];
  /** The epochs a cell that survives every rung trains for (all cells, with 'grid'). Default 20. */
  budget?: { epochs: number };
  /** Halving keeps the best 1/eta of the cells each rung and multiplies the epochs by eta. Default 3. */
  eta?: number;
  /**
   * 'per-batch-size' (default) halves each batch size's learning rates on their own, so every
   * batch size gets a best rate trained with the full budget; 'global' halves all cells together
   * (short rungs then favour small batches, which make more updates per epoch).
   */
  brackets?: 'per-batch-size' | 'global';
  /**
   * 'synchronous' (default) waits for every cell of a rung before choosing survivors;
   * 'asynchronous' promotes cells as results arrive (ASHA), for executors with many workers.
   */
  promotion?: 'synchronous' | 'asynchronous';
}

/** `count` rates spaced evenly in log: min (max/min)^(i/(count-1)), i = 0..count-1. */
export function logGrid(min: number, max: number, count: number): number[] {
  checkLearningRate('min', min); checkLearningRate('max', max);
  checkInt('count', count, 1, 10000);
  if (max < min) throw new MinibatchError('BAD_ARGUMENT', `logGrid needs min <= max, got min ${min} and max ${max}; swap them`);
  if (count === 1) return [min];
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? max : min * (max / min) ** (i / (count - 1))));
}

/**
 * Nine rates, half a decade apart: 1e-3..10 for plain SGD, 1e-4..1 for SGD with momentum >= 0.5
 * (its effective step is lr / (1 - momentum)), 1e-5..0.1 for RMSProp and Adam.
 */
export function defaultLearningRates(spec: OptimizerSpec | undefined): number[] {
  if (!spec || spec.type === 'sgd') return spec && spec.momentum >= 0.5 ? logGrid(1e-4, 1, 9) : logGrid(1e-3, 10, 9);
  return logGrid(1e-5, 0.1, 9);
}

/**
 * Finds the best learning rate for each batch size by validation loss after training (or by the
 * validation `metric` when given, in its direction), either
 * on a full grid (every cell gets `budget.epochs`) or by successive halving (Jamieson &
 * Talwalkar 2016; Li et al. 2017, "Hyperband"): all (batch size, lr) cells start with a small
 * epoch budget, the best third by validation loss survive each rung (diverged cells rank last),
 * and the epochs grow by eta until a rung trains with the full budget (see halvingPlan). Cells
 * restart from scratch at each rung. Then fits log(best lr) against log(batch size) (fitScaling).
 * Cancelled (signal): returns the cells' last finished rungs, marked partial; throws
 * MinibatchError CANCELLED if no cell finished.
 */
export async function tune(makeModel: ModelSource, data: Dataset, options: TuneOptions = {}): Promise<TuneResult> {
  const split = splitForSweep(data, options);
  const seeds = seedList(options.seeds, 1);
  const exec = createExecutor(makeModel, split, options, seeds[0]!);
  try {
    return await tuneWith(exec, options, new Progress(0, options.onProgress, options.onTrialEnd));
  } finally {
    await exec.close();
  }
}

interface Cell { requested: number | 'full'; batchSize: number; learningRate: number; group: number }

/** tune on an existing executor (compare's 'tuned' shares its worker pool). */
export async function tuneWith(exec: Executor, o: TuneOptions, progress: Progress): Promise<TuneResult> {
  const sizes = uniqueBatchSizes(o.batchSizes, exec.data.train.length);
  const lrs = (o.learningRates ?? defaultLearningRates(exec.optimizerSpec)).map((v, i) => checkLearningRate(`learningRates[${i}]`, v));
  if (lrs.length === 0) throw new MinibatchError('BAD_ARGUMENT', 'learningRates must list at least one rate, e.g. logGrid(1e-3, 1, 7)');
  const method = checkOneOf('method', o.method ?? 'halving', ['grid', 'halving']);
  const brackets = checkOneOf('brackets', o.brackets ?? 'per-batch-size', ['per-batch-size', 'global']);
  const seeds = seedList(o.seeds, 1);
  const epochs = checkInt('budget.epochs', o.budget?.epochs ?? 20, 1, 1e9, 'BAD_EPOCHS', `Give the budget as { epochs }, got ${show(o.budget)}`);
  const eta = method === 'grid' ? Infinity : o.eta ?? 3;
  const cells: Cell[] = sizes.flatMap((s, g) => lrs.map((learningRate) => ({ ...s, learningRate, group: brackets === 'global' ? 0 : g })));
  const groupSizes = brackets === 'global' ? [cells.length] : sizes.map(() => lrs.length);
  const plan = method === 'grid' ? [{ epochs, cellsPerGroup: groupSizes }] : halvingPlan(groupSizes, epochs, eta);
  progress.addTotal(plan.reduce((a, r) => a + r.cellsPerGroup.reduce((x, y) => x + y, 0), 0) * seeds.length);

  const latest: Array<RunRecord[] | undefined> = cells.map(() => undefined);
  const train = async (idx: number[], e: number): Promise<Array<RungScore | undefined>> => {
    const settings: TrialSettings[] = idx.flatMap((i) => seeds.map((seed) => ({
      requested: cells[i]!.requested, learningRate: cells[i]!.learningRate, seed, budget: { epochs: e },
      evalEvery: Infinity, divergenceFactor: o.divergenceFactor ?? 1000, keepParams: false, ...samplingOf(o), ...metricSetting(exec),
    })));
    const out = await exec.run(settings, progress, o.signal);
    return idx.map((cell, j) => {
      const runs = out.runs.slice(j * seeds.length, (j + 1) * seeds.length);
      if (runs.some((r) => r === undefined)) return undefined;
      latest[cell] = runs as RunRecord[];
      return scoreOf(runs as RunRecord[], exec.objective);
    });
  };
  const trace = method === 'grid'
    ? await gridSearch(cells.length, epochs, train)
    : checkOneOf('promotion', o.promotion ?? 'synchronous', ['synchronous', 'asynchronous']) === 'asynchronous'
      ? await asyncSuccessiveHalving(cells.length, (i) => cells[i]!.group, epochs, eta, async (c, e) => (await train([c], e))[0])
      : await successiveHalving(cells.length, (i) => cells[i]!.group, epochs, eta, train);
  return assemble(exec, cells, latest, trace, { method, brackets, seeds, lrs, epochs, eta, sizes: sizes.map((s) => s.requested) });
}

async function gridSearch(n: number, epochs: number, train: (idx: number[], e: number) => Promise<Array<RungScore | undefined>>) {
  const scores = await train(Array.from({ length: n }, (_, i) => i), epochs);
  const history = scores.map((s) => (s ? [{ rung: 0, epochs, score: s }] : []));
  return { history, partial: scores.some((s) => s === undefined) };
}

function finalLoss(r: RunRecord): number { return r.diverged ? NaN : r.points[r.points.length - 1]?.valLoss ?? NaN; }
function finalMetric(r: RunRecord): number { return r.diverged ? NaN : r.points[r.points.length - 1]?.valMetric ?? NaN; }

/** A rung score with the cell's mean final validation loss beside the ranked score. */
type Scored = RungScore & { valLoss: number };

/**
 * A cell's rung score: mean final validation loss over seeds (or, with a metric objective, the
 * mean final metric, negated when higher is better, so lower always ranks first); diverged if any
 * seed diverged.
 */
function scoreOf(runs: readonly RunRecord[], obj: Objective): Scored {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const losses = runs.map(finalLoss);
  const diverged = losses.some((v) => !Number.isFinite(v));
  const valLoss = diverged ? NaN : mean(losses);
  if (obj.name === 'loss') return { loss: valLoss, diverged, valLoss };
  return { loss: diverged ? NaN : lowerIsBetter(obj, mean(runs.map(finalMetric))), diverged, valLoss };
}

interface Meta { method: 'grid' | 'halving'; brackets: 'per-batch-size' | 'global'; seeds: number[]; lrs: number[]; epochs: number; eta: number; sizes: Array<number | 'full'> }

function assemble(
  exec: Executor, cells: Cell[], latest: Array<RunRecord[] | undefined>,
  trace: { history: Array<Array<{ rung: number; epochs: number; score: RungScore }>>; partial: boolean }, m: Meta,
): TuneResult {
  const out: TuneCell[] = [];
  cells.forEach((c, i) => {
    const h = trace.history[i]!; const runs = latest[i]; const last = h[h.length - 1];
    if (!last || !runs) return;
    out.push({
      batchSize: c.batchSize, learningRate: c.learningRate, rung: last.rung, epochs: last.epochs,
      valLoss: summarise(runs.map(finalLoss)), valMetric: summarise(runs.map(finalMetric)), diverged: last.score.diverged,
      ...(m.method === 'halving' ? { history: h.map((e) => ({ rung: e.rung, epochs: e.epochs, valLoss: (e.score as Scored).valLoss })) } : {}),
    });
  });
  if (out.length === 0) throw new MinibatchError('CANCELLED', 'tune was cancelled before any learning rate finished training; nothing to report');
  const obj = exec.objective;
  const rank = (j: number): number => (obj.name === 'loss' ? out[j]!.valLoss.mean : lowerIsBetter(obj, out[j]!.valMetric.mean));
  const score = (j: number): RungScore => ({ loss: rank(j), diverged: out[j]!.diverged });
  const pickBest = (members: number[]): number | undefined => {
    const top = Math.max(...members.map((j) => out[j]!.rung));
    const first = rankCells(members.filter((j) => out[j]!.rung === top), score)[0];
    return first !== undefined && !out[first]!.diverged && Number.isFinite(rank(first)) ? first : undefined;
  };
  const bestPerBatchSize: TuneResult['bestPerBatchSize'] = []; const edge: number[] = [];
  for (const bs of [...new Set(out.map((c) => c.batchSize))]) {
    const j = pickBest(out.map((c, k) => (c.batchSize === bs ? k : -1)).filter((k) => k >= 0));
    if (j === undefined) continue;
    const c = out[j]!;
    bestPerBatchSize.push({ batchSize: bs, learningRate: c.learningRate, valLoss: c.valLoss.mean });
    if (m.lrs.length > 1 && (c.learningRate === Math.min(...m.lrs) || c.learningRate === Math.max(...m.lrs))) edge.push(bs);
  }
  const b = pickBest(out.map((_, k) => k));
  if (b === undefined) {
    throw new MinibatchError('DIVERGED', `every learning rate diverged or failed for every batch size (tried ${m.lrs.map((v) => v.toPrecision(2)).join(', ')}); try smaller learningRates, e.g. logGrid(1e-5, 1e-2, 7), or standardize the features`);
  }
  const best = out[b]!;
  const fit = fitScaling(bestPerBatchSize, edge);
  return {
    kind: 'tune', method: m.method, metric: exec.metric, ...(obj.name === 'loss' ? {} : { rankedBy: obj.name }), cells: out, bestPerBatchSize,
    best: { batchSize: best.batchSize, learningRate: best.learningRate, valLoss: best.valLoss.mean, valMetric: best.valMetric.mean },
    scaling: fit,
    batchSizes: m.sizes, learningRates: m.lrs, seeds: m.seeds, epochs: m.epochs, brackets: m.brackets,
    ...(m.method === 'halving' ? { eta: m.eta } : {}),
    ...(trace.partial ? { partial: true } : {}),
  };
}
