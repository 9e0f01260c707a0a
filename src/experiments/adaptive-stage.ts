// The study's adaptive stage: fit with batchSize 'adaptive' per seed, timed to the comparison's target, beside the best fixed batch size.
import { DivergenceError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../nn/model.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { defaultMaxBatch } from '../train/batch-policy.js';
import { Evaluator } from '../train/evaluate.js';
import { fit } from '../train/fit.js';
import { optimizerAt } from './run/optimizer-spec.js';
import type { AdaptivePoint, AdaptiveStudy, CompareResult, NoiseStudy } from './records.js';
import { isSpecSource, splitForSweep, type ModelSource, type SweepOptions } from './run/setup.js';
import { secondsToTarget as secondsTo, summarise, updatesToTarget as updatesTo } from './analysis/summary.js';
import { secondsPerUpdateAt, type ThroughputProfile } from './probes/throughput.js';
import { modelForSeed } from './run/trial.js';

/**
 * The adaptive policy's B_0 among the grid's batch sizes (never 'full'): the one that reached the
 * comparison's target soonest (lowest mean secondsToTarget), with its tuned learning rate, so the
 * adaptive run is the best fixed run until growing the batch pays (goodput) and its rate gain is
 * relative to that measured best point (r = 1 at B_0). When no size reached the target: the
 * smallest of at least 8, else the largest below 8 (8 keeps it out of the per-example regime where
 * the cost of an update barely depends on its size). Only the fixed runs' measurements are used.
 */
export function adaptiveStart(cmp: CompareResult): CompareResult['summary'][number] | undefined {
  const rows = cmp.summary.filter((r) => r.requested !== 'full' && Number.isFinite(r.learningRate)).sort((a, b) => a.batchSize - b.batchSize);
  let best: CompareResult['summary'][number] | undefined;
  for (const r of rows) if (Number.isFinite(r.secondsToTarget.mean) && (!best || r.secondsToTarget.mean < best.secondsToTarget.mean)) best = r;
  return best ?? rows.find((r) => r.batchSize >= 8) ?? rows[rows.length - 1];
}

/**
 * Runs fit with `batchSize: 'adaptive'` (see BatchPolicy) for every seed of the comparison, on
 * its split and for its epochs, starting at B_0 = adaptiveStart (the grid size that reached the
 * target soonest, else the smallest of at least 8) with that batch size's tuned learning rate (no further tuning), B_max = the throughput
 * knee (at most n) when the noise-scale stage profiled one, else min(n/8, 1024); at least B_0.
 * With the profile the policy grows the batch only when that raises goodput (see BatchPolicy). Each run is evaluated on the
 * validation rows whenever examplesSeen crosses a multiple of the comparison's evalEvery (as
 * the fixed runs are) and at every epoch end; evaluation time is excluded from trainSeconds.
 * Time to the comparison's target loss is set against the fixed batch size that reached it
 * soonest, in wall seconds and (with a profile) in seconds priced by the profile. Undefined
 * when the comparison has no usable batch size.
 */
export async function adaptiveStage(
  source: ModelSource, data: Dataset, shared: SweepOptions, cmp: CompareResult, optimizer: OptimizerSpec, epochs: number, noise?: NoiseStudy,
): Promise<AdaptiveStudy | undefined> {
  const t0 = performance.now();
  const start = adaptiveStart(cmp);
  if (!start) return undefined;
  const { train, val } = splitForSweep(data, shared);
  const knee = noise?.throughput.knee;
  const max = Math.max(start.batchSize, knee !== undefined && Number.isFinite(knee) ? Math.min(knee, train.length) : defaultMaxBatch(train.length));
  const profile = noise?.throughput;
  const evalEvery = cmp.evalEvery ?? Math.ceil(train.length / 4);
  const runs: AdaptiveStudy['runs'] = [];
  const lrRule: AdaptiveStudy['lrRule'] = optimizer.type === 'sgd' ? 'gain' : 'sqrt-gain';
  for (const seed of cmp.seeds) {
    if (shared.signal?.aborted) break;
    const model = isSpecSource(source) ? modelForSeed(source, seed, true) : source(seed);
    runs.push(await adaptiveRun(model, train, val, { seed, epochs, evalEvery, initial: start.batchSize, max, learningRate: start.learningRate, optimizer, profile, signal: shared.signal }));
  }
  const target = cmp.targetLoss;
  const first = (pts: AdaptivePoint[]) => pts.find((p) => p.valLoss <= target);
  const at = <K extends keyof AdaptivePoint>(k: K) => summarise(runs.map((r) => Number(first(r.points)?.[k] ?? NaN)));
  const fixed = bestFixed(cmp, profile);
  const secondsToTarget = at('trainSeconds'); const priced = at('pricedSeconds');
  return {
    requested: 'adaptive', initialBatchSize: start.batchSize, maxBatchSize: Math.min(max, train.length), learningRate: start.learningRate, lrRule, runs,
    secondsToTarget, examplesToTarget: at('examplesSeen'), updatesToTarget: at('updates'), pricedSecondsToTarget: priced,
    finalValLoss: summarise(runs.map((r) => r.points[r.points.length - 1]?.valLoss ?? NaN)),
    bestFixed: fixed,
    sooner: secondsToTarget.mean < fixed.secondsToTarget, soonerPriced: priced.mean < fixed.pricedSecondsToTarget,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The fixed batch size with the lowest mean seconds to the target loss, its priced time = mean
 * updates to target x seconds per update. (A comparison ranked by a metric timed its summary to
 * that metric's target: the times to the loss target are then taken from its runs.)
 */
export function bestFixed(cmp: CompareResult, profile: ThroughputProfile | undefined): AdaptiveStudy['bestFixed'] {
  let best: Pick<CompareResult['summary'][number], 'batchSize' | 'requested' | 'secondsToTarget' | 'updatesToTarget'> | undefined;
  const rows = cmp.rankedBy ? cmp.summary.map((r) => {
    const runs = cmp.runs.filter((x) => x.batchSize === r.batchSize);
    return { ...r, secondsToTarget: summarise(runs.map((x) => secondsTo(x.points, cmp.targetLoss))), updatesToTarget: summarise(runs.map((x) => updatesTo(x.points, cmp.targetLoss))) };
  }) : cmp.summary;
  for (const r of rows) if (Number.isFinite(r.secondsToTarget.mean) && (!best || r.secondsToTarget.mean < best.secondsToTarget.mean)) best = r;
  if (!best) return { batchSize: NaN, requested: NaN, secondsToTarget: NaN, pricedSecondsToTarget: NaN };
  let priced = NaN;
  if (profile) {
    for (const r of rows) {
      const p = r.updatesToTarget.mean * secondsPerUpdateAt(profile, r.batchSize);
      if (Number.isFinite(p) && !(p >= priced)) priced = p;
    }
  }
  return { batchSize: best.batchSize, requested: best.requested, secondsToTarget: best.secondsToTarget.mean, pricedSecondsToTarget: priced };
}

interface RunOptions {
  seed: number; epochs: number; evalEvery: number; initial: number; max: number; learningRate: number;
  optimizer: OptimizerSpec; profile: ThroughputProfile | undefined; signal: AbortSignal | undefined;
}

/**
 * One adaptive fit, evaluated on `val` at start, whenever examplesSeen crosses a multiple of
 * `evalEvery`, and at every epoch end. Its clock leaves out the evaluations (they run inside
 * fit's callbacks), so trainSeconds is training time plus fit's small per-epoch bookkeeping.
 */
export async function adaptiveRun(model: Model, train: Dataset, val: Dataset, o: RunOptions): Promise<AdaptiveStudy['runs'][number]> {
  const evaluator = new Evaluator(model, val, 512);
  const n = train.length;
  let evalMs = 0; let priced = 0; let seen = 0; let updates = 0; let batch = o.initial; let next = o.evalEvery;
  const spu = new Map<number, number>();
  const price = (b: number): number => {
    let v = spu.get(b);
    if (v === undefined) { v = o.profile ? secondsPerUpdateAt(o.profile, b) : NaN; spu.set(b, v); }
    return v;
  };
  const clock = (): number => performance.now() - evalMs;
  const t0 = clock();
  const points: AdaptivePoint[] = [];
  const point = (epoch: number): void => {
    const seconds = (clock() - t0) / 1000; const t = performance.now();
    points.push({ epoch, updates, examplesSeen: seen, trainSeconds: seconds, pricedSeconds: priced, valLoss: evaluator.run(model.params).loss, batchSize: batch });
    evalMs += performance.now() - t;
  };
  point(0);
  try {
    await fit(model, train, {
      batchSize: 'adaptive', adaptive: { initial: o.initial, max: o.max, ...(o.profile ? { throughput: o.profile.rows } : {}) }, epochs: o.epochs, seed: o.seed,
      optimizer: optimizerAt(o.optimizer, o.learningRate), ...(o.signal ? { signal: o.signal } : {}),
      callbacks: {
        onBatchEnd(info) {
          if (info.batch === 0) batch = info.size;
          seen += info.size; updates = info.updates; priced += price(batch);
          if (seen >= next) { while (next <= seen) next += o.evalEvery; point(seen / n); }
        },
        onEpochEnd(r) { if (points[points.length - 1]!.examplesSeen !== r.examplesSeen) point(r.epoch); },
      },
    });
  } catch (err) {
    if (!(err instanceof DivergenceError)) throw err;
    return { seed: o.seed, points, diverged: { epoch: err.epoch, loss: err.loss } };
  } finally {
    model.dispose();
  }
  return { seed: o.seed, points };
}

/** The adaptive stage as one row of the study's --json summary (beside the fixed batch sizes' rows). */
export function adaptiveSummaryRow(a: AdaptiveStudy): Record<string, unknown> {
  const last = a.runs[0]?.points[a.runs[0].points.length - 1];
  return {
    batchSize: a.initialBatchSize, requested: 'adaptive', finalBatchSize: last?.batchSize ?? a.initialBatchSize, maxBatchSize: a.maxBatchSize,
    learningRate: a.learningRate, lrRule: a.lrRule, finalValLoss: a.finalValLoss.mean, secondsToTarget: a.secondsToTarget.mean,
    pricedSecondsToTarget: a.pricedSecondsToTarget.mean, bestFixedBatchSize: a.bestFixed.batchSize, bestFixedSecondsToTarget: a.bestFixed.secondsToTarget,
    soonerThanBestFixed: a.sooner,
  };
}
