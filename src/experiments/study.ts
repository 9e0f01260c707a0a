// study: the main job — lr range test, joint tuning, batch-size comparison and a recommendation.
import { checkInt } from '../core/check.js';
import type { Dataset } from '../data/dataset.js';
import type { ModelSpec } from '../nn/model.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { compare } from './compare.js';
import { lrRangeTest } from './lr-range.js';
import { DEFAULT_OPTIMIZER } from './optimizer-spec.js';
import { recommend } from './recommend.js';
import type { StudyResult } from './records.js';
import type { TrialLabel } from './setup.js';
import { logGrid, tune } from './tune.js';

/** The stages of a study, in order, for progress displays. */
export type StudyStage = 'lr-range' | 'tune' | 'compare';

export interface StudyOptions {
  /** Batch sizes compared and tuned. Default [1, 8, 32, 128, 'full']. */
  batchSizes?: Array<number | 'full'>;
  /** Learning rates tuned per batch size. Default: 8 rates from 1/30x to 30x the range test's suggestion. */
  learningRates?: number[];
  /** Default plain SGD (its rate is replaced per trial). */
  optimizer?: OptimizerSpec;
  /** Epochs of the comparison runs and of the tuning's longest rung. Default 10. */
  epochs?: number;
  /** Seeds of the comparison (and of the range test). Default 3. */
  seeds?: number;
  /** Share of rows held out for validation, the same split for every stage. Default 0.2. */
  validationSplit?: number;
  /** Explicit validation rows (then every row of `data` trains); replaces validationSplit. */
  validationData?: Dataset;
  /** Seed of that split. Default 1. */
  splitSeed?: number;
  /** Worker threads. Default one per core. */
  workers?: number;
  /** Skip the learning-rate range test and tuning: compare at this one rate. */
  learningRate?: number;
  signal?: AbortSignal;
  onProgress?(stage: StudyStage, done: number, total: number, running: readonly TrialLabel[]): void;
  /** Names for the record. */
  datasetName?: string;
  modelDescription?: string;
  /** Version string stored in the result. */
  createdBy?: string;
  /** Milliseconds clock. Default performance.now. */
  clock?: () => number;
}

/**
 * The batch-size study the tutorial recommends, in three measured stages on one seeded split:
 * 1. an LR range test (Smith 2015) at batch size 32 gives the scale of good learning rates;
 * 2. successive halving tunes batch size and learning rate jointly on a log grid around it
 *    (widened once by three rates where a batch size's best rate lies at an end of the grid);
 * 3. every batch size trains at its tuned rate for several seeds, evaluated at comparable
 *    examples seen, and the recommendation picks the fastest batch size to the target loss
 *    among those within noise of the best final metric.
 */
export async function study(spec: ModelSpec, data: Dataset, o: StudyOptions = {}): Promise<StudyResult> {
  const clock = o.clock ?? (() => performance.now());
  const t0 = clock();
  const optimizer = o.optimizer ?? DEFAULT_OPTIMIZER;
  const epochs = checkInt('epochs', o.epochs ?? 10, 1, 1e6);
  const seeds = checkInt('seeds', o.seeds ?? 3, 1, 1000);
  const batchSizes = o.batchSizes ?? [1, 8, 32, 128, 'full'];
  const shared = {
    optimizer, splitSeed: o.splitSeed ?? 1,
    ...(o.validationData ? { validationData: o.validationData } : { validationSplit: o.validationSplit ?? 0.2 }),
    ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(o.signal ? { signal: o.signal } : {}),
  };
  const progress = (stage: StudyStage) => (done: number, total: number, running: readonly TrialLabel[]) => o.onProgress?.(stage, done, total, running);

  let lrRange: StudyResult['lrRange'];
  let tuned: StudyResult['tune'];
  if (o.learningRate === undefined) {
    o.onProgress?.('lr-range', 0, seeds, []);
    lrRange = await lrRangeTest(spec, data, { ...shared, batchSize: 32, seeds });
    o.onProgress?.('lr-range', seeds, seeds, []);
    const lrs = o.learningRates ?? logGrid(lrRange.suggested / 30, lrRange.suggested * 30, 8);
    const runTune = (rates: number[]) => tune(spec, data, { ...shared, batchSizes, learningRates: rates, method: 'halving', budget: { epochs }, onProgress: progress('tune') });
    tuned = await runTune(lrs);
    const wider = o.learningRates ? undefined : widenGrid(lrs, tuned.bestPerBatchSize.map((b) => b.learningRate));
    if (wider && !tuned.partial) tuned = await runTune(wider);
  }
  const cmp = await compare(spec, data, {
    ...shared, batchSizes, learningRate: tuned ?? o.learningRate!, epochs, seeds, onProgress: progress('compare'),
  });
  return studyResult(spec, data, { ...(lrRange ? { lrRange } : {}), ...(tuned ? { tune: tuned } : {}), compare: cmp }, {
    ...o, optimizer, seconds: (clock() - t0) / 1000,
  });
}

/**
 * When some batch size's best rate sits at an end of the grid, the grid with three more rates
 * (same log spacing) beyond each such end; undefined when every best rate is inside.
 */
export function widenGrid(grid: readonly number[], best: readonly number[]): number[] | undefined {
  const lo = grid[0]!; const hi = grid[grid.length - 1]!;
  const atLo = best.some((b) => b <= lo); const atHi = best.some((b) => b >= hi);
  if (!atLo && !atHi || grid.length < 2) return undefined;
  const step = (hi / lo) ** (1 / (grid.length - 1));
  const below = atLo ? [3, 2, 1].map((k) => lo / step ** k) : [];
  const above = atHi ? [1, 2, 3].map((k) => hi * step ** k) : [];
  return [...below, ...grid, ...above];
}

/** Names and sizes a study record carries (see StudyOptions). */
export interface StudyLabels {
  datasetName?: string; modelDescription?: string; createdBy?: string; validationData?: Dataset;
  optimizer: OptimizerSpec; seconds: number;
}

/**
 * Wraps the results of the stages (any of which but compare may be missing) into the record
 * results.json holds, with the recommendation of `recommend`.
 */
export function studyResult(
  spec: ModelSpec, data: Dataset, parts: Pick<StudyResult, 'lrRange' | 'tune' | 'compare'>, o: StudyLabels,
): StudyResult {
  const tuned = parts.tune ?? parts.compare.tune;
  const recommendation = recommend(tuned, parts.compare, parts.lrRange);
  const classes = data.classCount();
  return {
    schema: 'minibatch-study/1',
    createdBy: o.createdBy ?? 'minibatch',
    dataset: {
      name: o.datasetName ?? 'data', rows: data.length + (o.validationData?.length ?? 0), features: data.numFeatures,
      ...(data.classNames ? { classes: data.classNames.length, classNames: data.classNames } : classes !== undefined && spec.output !== 'linear' ? { classes } : {}),
      featureNames: data.features,
    },
    model: { description: o.modelDescription ?? `${spec.kind} ${spec.layers.join('-')}`, spec, optimizer: o.optimizer },
    ...(parts.lrRange ? { lrRange: parts.lrRange } : {}),
    ...(parts.tune ? { tune: parts.tune } : {}),
    compare: parts.compare,
    recommendation,
    seconds: o.seconds,
  };
}
