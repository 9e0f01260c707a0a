// The learning-rate range test (L. Smith 2015): an exponential ramp of the rate, one update per batch.
import { checkInt, checkNumber } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { yieldToEventLoop } from '../../core/yield.js';
import { BatchBuffer } from '../../data/batch.js';
import { BatchSampler } from '../../data/batch-sampler.js';
import type { Dataset } from '../../data/dataset.js';
import type { Model } from '../../nn/model.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { TrainLoop } from '../../train/loop.js';
import { optimizerFromSpec, specOfChoice, type OptimizerChoice } from '../run/optimizer-spec.js';
import type { LrRangeResult } from '../records.js';
import { isSpecSource, probeModel, resolveBatchSize, seedList, splitForSweep, type ModelSource } from '../run/setup.js';
import { geometricSpread } from '../analysis/summary.js';
import { modelForSeed } from '../run/trial.js';

export interface LrRangeOptions {
  /** Default 32. */
  batchSize?: number | 'full';
  /** First rate of the ramp. Default 1e-6. */
  minLr?: number;
  /** Last rate of the ramp. Default 10. */
  maxLr?: number;
  /** Updates (one per batch). Default 100. */
  steps?: number;
  /** A count (seeds 1..n) or the seeds. Default 3. */
  seeds?: number | number[];
  /** EMA factor beta of the loss smoothing. Default 0.98. */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of the best so far. Default 4. */
  stopFactor?: number;
  /** As compare's: the rate is replaced by the ramp. Default plain SGD. */
  optimizer?: OptimizerChoice;
  /** The test trains on the rows compare and tune train on: the same split. Default 0.2. */
  validationSplit?: number;
  validationData?: Dataset;
  splitSeed?: number;
  /** With a ModelSpec, each seed re-draws the initial weights. Default true. */
  varyInit?: boolean;
  /** Stops after the current seed; the result holds the finished seeds, marked partial. */
  signal?: AbortSignal;
}

/** How the suggestion is chosen (stored in the result). */
export const LR_RANGE_RULE = 'one tenth of the learning rate at the minimum of the smoothed loss';

/**
 * LR range test (Smith 2015, "Cyclical Learning Rates for Training Neural Networks"; the
 * fastai recipe): from fresh weights, update i = 0..steps-1 uses rate
 * lr_i = minLr (maxLr / minLr)^(i / (steps - 1)) on the next batch (seeded reshuffling each
 * epoch). The loss l_i of each batch, before its update, is smoothed by a bias-corrected
 * exponential moving average a_i = beta a_{i-1} + (1 - beta) l_i, s_i = a_i / (1 - beta^(i+1)).
 * The ramp stops when s_i > stopFactor x min_{j<=i} s_j or the loss is not finite.
 *
 * Suggestion per seed: lr at argmin s_i, divided by 10 - the minimum sits just before the rate
 * where training becomes unstable, which depends on the curvature of the loss more than on the
 * batch order, so it varies little across seeds (the steepest-slope rule is noisier). Overall:
 * the geometric mean of the per-seed suggestions, with the sample sd of their log10 as spread.
 */
export async function lrRangeTest(makeModel: ModelSource, data: Dataset, options: LrRangeOptions = {}): Promise<LrRangeResult> {
  const o = options;
  const split = splitForSweep(data, o);
  const seeds = seedList(o.seeds, 3);
  probeModel(makeModel, seeds[0]!, split);
  const minLr = checkNumber('minLr', o.minLr ?? 1e-6, 0, Infinity, { code: 'BAD_LEARNING_RATE', minInclusive: false });
  const maxLr = checkNumber('maxLr', o.maxLr ?? 10, minLr, Infinity, { code: 'BAD_LEARNING_RATE', minInclusive: false, hint: `Use a maxLr above minLr ${minLr}, such as 10` });
  const steps = checkInt('steps', o.steps ?? 100, 2, 1e7, 'BAD_ARGUMENT', 'Use about 100 steps.');
  const beta = checkNumber('smoothing', o.smoothing ?? 0.98, 0, 1, { hint: 'Use an EMA factor in [0, 1) such as 0.98' });
  if (beta >= 1) throw new MinibatchError('BAD_ARGUMENT', `smoothing must be below 1, got ${beta}; use 0.98`);
  const stopFactor = checkNumber('stopFactor', o.stopFactor ?? 4, 1, Infinity, { minInclusive: false });
  const spec = specOfChoice(o.optimizer);
  if (!spec) throw new MinibatchError('BAD_ARGUMENT', 'lrRangeTest drives the rate itself and needs an optimizer an OptimizerSpec describes (sgd, rmsprop, adam)');
  const batchSize = resolveBatchSize(o.batchSize ?? 32, split.train.length);
  const ratio = maxLr / minLr;
  const rate = (t: number): number => minLr * ratio ** (t / (steps - 1));
  const curves: LrRangeResult['curves'] = [];
  for (const seed of seeds) {
    if (o.signal?.aborted) break;
    const model = isSpecSource(makeModel) ? modelForSeed(makeModel, seed, o.varyInit ?? true) : makeModel(seed);
    const opt = optimizerFromSpec(spec, { at: rate, spec: { type: 'exponential', initial: minLr, decaySteps: steps - 1, decayRate: ratio } });
    curves.push(ramp(model, opt, split.train, batchSize, seed, steps, beta, stopFactor, rate));
    if (isSpecSource(makeModel)) model.dispose(); // built here: the next seed reuses its memory
    await yieldToEventLoop();
  }
  if (curves.length === 0) throw new MinibatchError('CANCELLED', 'the learning-rate range test was cancelled before any seed finished');
  const g = geometricSpread(curves.map((c) => c.suggested));
  return {
    kind: 'lr-range', batchSize, curves, suggested: g.mean, spreadLog10: g.spreadLog10,
    minLr, maxLr, steps, rule: LR_RANGE_RULE, ...(curves.length < seeds.length ? { partial: true } : {}),
  };
}

/**
 * One seed's ramp on the one training loop (no divergence bound of its own: the ramp's stop rule
 * on the smoothed loss is its purpose; a non-finite loss stops it too). The sums are zeroed
 * before each batch so each batch loss is its own sum. Returns its curve and suggestion.
 */
function ramp(
  model: Model, opt: Optimizer, train: Dataset, batchSize: number, seed: number, steps: number, beta: number, stopFactor: number,
  rate: (t: number) => number,
): LrRangeResult['curves'][number] {
  const sampler = new BatchSampler(train.length, batchSize, new Rng(seed));
  const buffer = new BatchBuffer(train, sampler.batchSize, model.rowGatherer(train, sampler.batchSize));
  const loop = new TrainLoop(model, opt, false, Infinity);
  const learningRates: number[] = []; const losses: number[] = []; const rawLosses: number[] = [];
  let avg = 0; let best = Infinity; let argBest = 0; let stopped = false;
  for (let t = 0; t < steps; t++) {
    loop.resetSums();
    loop.draw(sampler, buffer); const loss = loop.lastLoss;
    if (!Number.isFinite(loss)) { stopped = true; break; }
    avg = beta * avg + (1 - beta) * loss;
    const smooth = avg / (1 - beta ** (t + 1));
    learningRates.push(rate(t)); losses.push(smooth); rawLosses.push(loss);
    if (smooth < best) { best = smooth; argBest = t; }
    if (smooth > stopFactor * best) { stopped = true; break; }
    loop.apply(sampler.length);
  }
  const minLossLr = learningRates[argBest] ?? rate(0);
  return { seed, learningRates, losses, suggested: minLossLr / 10, rawLosses, minLossLr, stopped };
}
