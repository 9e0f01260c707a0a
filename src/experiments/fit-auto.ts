// fit with `learningRate: 'auto'`: a learning-rate range test on the training rows first, then fit at its suggestion.
import { checkInt } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { fit, type FitOptions, type History } from '../train/fit.js';
import { LR_RANGE_RULE, lrRangeTest, type LrRangeOptions } from './probes/lr-range.js';
import { DEFAULT_OPTIMIZER, optimizerAt } from './run/optimizer-spec.js';

/** What `learningRate: 'auto'` chose, and why (the range test's rule, range and batch size). */
export interface AutoLearningRate {
  learningRate: number;
  /** How the suggestion is chosen (LR_RANGE_RULE). */
  rule: string;
  /** The range swept and the updates of the ramp. */
  minLr: number; maxLr: number; steps: number;
  /** The batch size the test ran at (fit's). */
  batchSize: number;
  /** Seeds of the test and the sample sd of log10 of their suggestions. */
  seeds: number; spreadLog10: number;
}

export interface FitAutoOptions extends Omit<FitOptions, 'optimizer'> {
  /**
   * A number, or 'auto' (default) to measure it: the optimizer's own rate (and schedule base) is
   * replaced by it, keeping the schedule's shape.
   */
  learningRate?: number | 'auto';
  /** The optimizer whose spec is used (sgd, rmsprop, adam, adamw). Default plain SGD. */
  optimizer?: Optimizer;
  /** Options of the range test (its defaults: 1e-6 to 10 over 100 updates; here 1 seed). */
  lrRange?: Pick<LrRangeOptions, 'minLr' | 'maxLr' | 'steps' | 'seeds' | 'smoothing' | 'stopFactor'>;
}

/**
 * fit with the learning rate measured first (`learningRate: 'auto'`): runs `lrRangeTest` on
 * copies of `model` (its current weights; the model itself is untouched until fit) over the
 * rows fit trains on (the validation rows are split off first exactly as fit splits them, so
 * the test never sees them), at fit's batch size, and fits with the suggestion: one tenth of
 * the rate at the minimum of the smoothed loss (Smith 2015; see lrRangeTest). Returns fit's
 * history and the choice. With a number it is plain fit at that rate.
 */
export async function fitAuto(model: Model, data: Dataset, options: FitAutoOptions = {}): Promise<History & { autoLearningRate?: AutoLearningRate }> {
  const { learningRate = 'auto', optimizer, lrRange, ...rest } = options;
  const spec = optimizer?.spec ?? DEFAULT_OPTIMIZER;
  if (learningRate !== 'auto') return fit(model, data, { ...rest, optimizer: optimizerAt(spec, learningRate) });
  const fitOpts: FitOptions = { ...rest };
  let train = data;
  if (rest.validationSplit !== undefined && rest.validationSplit !== 0 && !rest.validationData) {
    const seed = checkInt('seed', rest.seed ?? 1, 0, 2 ** 53);
    if (!(rest.validationSplit > 0 && rest.validationSplit < 1)) throw new MinibatchError('BAD_ARGUMENT', `validationSplit must be a fraction above 0 and below 1, got ${rest.validationSplit}; use 0.2`);
    // fit's own split (fit-options.ts), done here so the range test sees only the training rows.
    const idx = splitIndices(data, { testFraction: rest.validationSplit, seed: (seed + 0x5bd1e995) % 2 ** 53 });
    train = data.subset(idx.train);
    delete fitOpts.validationSplit;
    fitOpts.validationData = data.subset(idx.test);
  }
  const auto = await measureLearningRate(model, train, spec, rest.batchSize === 'adaptive' ? rest.adaptive?.initial ?? 32 : rest.batchSize ?? 32, lrRange, rest.seed ?? 1);
  const history = await fit(model, train, { ...fitOpts, optimizer: optimizerAt(spec, auto.learningRate) });
  return Object.assign(history, { autoLearningRate: auto });
}

/** The range test on copies of `model` over `train` (all of it trains: no split of its own). */
export async function measureLearningRate(
  model: Model, train: Dataset, spec: Optimizer['spec'], batchSize: number | 'full', o: FitAutoOptions['lrRange'] = {}, seed = 1,
): Promise<AutoLearningRate> {
  const weights = model.getWeights();
  const copy = (): Model => { const m = new Model(model.spec); m.setWeights(weights); return m; };
  const r = await lrRangeTest(copy, train, { ...o, seeds: o.seeds ?? [seed], batchSize, optimizer: spec, validationData: train });
  return {
    learningRate: r.suggested, rule: r.rule ?? LR_RANGE_RULE, minLr: r.minLr ?? 1e-6, maxLr: r.maxLr ?? 10, steps: r.steps ?? 100, batchSize: r.batchSize,
    seeds: r.curves.length, spreadLog10: r.spreadLog10,
  };
}
