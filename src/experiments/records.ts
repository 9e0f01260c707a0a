// The plain records experiments return and the report draws: points, runs, tuning cells, studies.
import type { NoiseScaleResult, NoiseTrackCost, NoiseTrackPoint } from './probes/noise-scale.js';
import type { ThroughputProfile } from './probes/throughput.js';
import type { Spread } from './spread.js';
import type { AdaptiveStudy, CriticalBatchResult, PricedTimes, TargetChoice } from './analysis-records.js';
import type { MetricKey } from '../train/metrics.js';

export type { NoiseScaleResult, NoiseTrackCost, NoiseTrackPoint } from './probes/noise-scale.js';
export type { ThroughputProfile, ThroughputRow } from './probes/throughput.js';
export type { Interval } from './analysis/bootstrap.js';
export type { Spread } from './spread.js';
export type { AdaptivePoint, AdaptiveStudy, CriticalBatchResult, CriticalPoint, PricedTimes, TargetChoice } from './analysis-records.js';

/**
 * The metric a sweep records in valMetric: by default accuracy for classifiers and mse for
 * regression (the quality check of the recommendation); the sweep's `metric` when one is given.
 */
export type MetricName = MetricKey;

/** What a sweep ranks and times runs by: 'loss', the validation loss (default), or a validation metric. */
export type SweepMetric = 'loss' | MetricKey;

/** One evaluation moment of one training run; enough to re-plot against any x axis. */
export interface Point {
  /** Epochs of training so far, examplesSeen / training rows (fractional between epoch ends; 0 at the start). */
  epoch: number;
  updates: number;
  examplesSeen: number;
  /** Seconds spent training so far, evaluation excluded. */
  trainSeconds: number;
  /** Mean training loss since the previous point (example-weighted); at the start point, over the whole training set. */
  trainLoss: number;
  valLoss: number;
  /** Value of the study's metric on the validation data (see MetricName). */
  valMetric: number;
}

/** One training run: a batch size, a learning rate and a seed. */
export interface RunRecord {
  /** Batch size actually used (N for 'full'). */
  batchSize: number;
  /** What was asked for, e.g. 'full' or 32. */
  requested: number | 'full';
  learningRate: number;
  seed: number;
  points: Point[];
  /** Set when the run diverged (epoch: the 1-based epoch in progress); points stop there. */
  diverged?: { epoch: number; loss: number };
  /** Final flat parameters (convex models only, for the distance to the full-batch optimum). */
  finalParams?: number[];
}

export interface CompareResult {
  kind: 'compare';
  metric: MetricName;
  /**
   * Set when the sweep's `metric` option named a metric: the recommendation's quality check and
   * time to target use it (with its direction), and `metric` equals it. Absent: the validation
   * loss sets the target and `metric` is accuracy or mse.
   */
  rankedBy?: MetricName;
  batchSizes: Array<number | 'full'>;
  seeds: number[];
  runs: RunRecord[];
  /** Per batch size: final validation loss and metric over seeds. */
  summary: Array<{
    batchSize: number;
    requested: number | 'full';
    learningRate: number;
    finalValLoss: Spread;
    finalValMetric: Spread;
    /** Measured wall seconds of training to first reach the target (`target`; NaN when never reached), over seeds. */
    secondsToTarget: Spread;
    examplesToTarget: Spread;
    updatesToTarget: Spread;
    /** Convex models: relative distance ||w - w_full|| / ||w_full|| of the final weights. */
    distanceToFullBatch?: Spread;
    /** Convex models: relative distance ||w - w*|| / ||w*|| of the final weights from the training-loss optimum w*. */
    distanceToOptimum?: Spread;
  } & Partial<PricedTimes>>;
  /**
   * The validation-loss target (the critical-batch fit and the noise-scale stages use it). Batch
   * sizes are timed to it, unless `rankedBy` names a metric: then to `target` (a value of that metric).
   */
  targetLoss: number;
  /**
   * How targetLoss was chosen: 'near-best-final' (within 2 % of the best final loss over all runs),
   * 'best-final' (the best final loss: the untrained model met the 2 % target), 'none' (no
   * meaningful target), 'given'; 'near-best' (1.1 x the lowest loss any run reached) in older files.
   */
  targetRule?: 'given' | 'near-best' | 'near-best-final' | 'best-final' | 'none';
  /** The target batch sizes are timed to, with the numbers behind it and the rule in words (see chooseTarget). */
  target?: TargetChoice;
  /** This machine's seconds per update by batch size, timed after the sweep in isolation; prices time to target. */
  throughput?: ThroughputProfile;
  /**
   * Convex models small enough to solve: the full-batch optimum w* of the training loss, found
   * by line-search gradient descent; `converged` false means the gradient did not vanish (e.g.
   * separable classes, whose loss has no finite minimiser).
   */
  optimum?: { converged: boolean; iterations: number; loss: number; gradNorm: number; startGradNorm: number };
  /** Training budget of every run. */
  budget?: { epochs: number } | { examples: number } | { seconds: number };
  /** Examples between evaluation points. */
  evalEvery?: number;
  trainExamples?: number;
  validationExamples?: number;
  /** The optimizer every run used (its learning rate replaced per batch size). */
  optimizer?: unknown;
  /** Worker threads used (1 = in-thread). */
  workers?: number;
  /** The tune run when learningRate was 'tuned'. */
  tune?: TuneResult;
  /** True when the sweep was cancelled: `runs` holds only the runs that finished. */
  partial?: boolean;
}

export interface TuneCell {
  batchSize: number;
  learningRate: number;
  /** Rung (0-based) at which the cell was last trained; the highest rung got the full budget. */
  rung: number;
  /** Epochs the cell was trained for. */
  epochs: number;
  valLoss: Spread;
  valMetric: Spread;
  diverged: boolean;
  /** Successive halving: mean validation loss at each rung the cell trained (NaN if it diverged). */
  history?: Array<{ rung: number; epochs: number; valLoss: number }>;
}

export interface TuneResult {
  kind: 'tune';
  method: 'grid' | 'halving';
  metric: MetricName;
  /** Set when cells were ranked by this validation metric (its direction) instead of the validation loss. */
  rankedBy?: MetricName;
  cells: TuneCell[];
  bestPerBatchSize: Array<{ batchSize: number; learningRate: number; valLoss: number }>;
  best: { batchSize: number; learningRate: number; valLoss: number; valMetric: number };
  /** Fit of log(best lr) = a + k log(batch size): k = 1 is the linear rule, 0.5 the square-root rule. */
  scaling: {
    exponent: number; rule: 'linear' | 'square-root' | 'neither'; note: string;
    /** Natural log of the fitted best rate at batch size 1 (lr = e^intercept x B^exponent). */
    intercept?: number;
    /** Standard error of the exponent. */
    stderr?: number;
    /** Batch sizes in the fit. */
    points?: number;
  };
  /** The grid searched. */
  batchSizes?: Array<number | 'full'>;
  learningRates?: number[];
  seeds?: number[];
  /** Epochs of the full budget (the last rung). */
  epochs?: number;
  /** Halving's reduction factor, and whether each batch size was halved on its own. */
  eta?: number;
  brackets?: 'per-batch-size' | 'global';
  /** True when the search was cancelled: cells hold their last finished rung. */
  partial?: boolean;
}

export interface LrRangeResult {
  kind: 'lr-range';
  batchSize: number;
  /** Per seed: the learning rates tried and the smoothed loss at each, until divergence. */
  curves: Array<{
    seed: number; learningRates: number[]; losses: number[]; suggested: number;
    /** The unsmoothed batch losses, one per learning rate. */
    rawLosses?: number[];
    /** Learning rate at the minimum of the smoothed loss (the suggestion is a tenth of it). */
    minLossLr?: number;
    /** True when the loss blew up before maxLr (false: the suggestion may be capped by maxLr). */
    stopped?: boolean;
  }>;
  /** Geometric mean of the per-seed suggestions, and their spread (in log10 units). */
  suggested: number;
  spreadLog10: number;
  /** The ramp: lr_i = minLr (maxLr / minLr)^(i / (steps - 1)). */
  minLr?: number;
  maxLr?: number;
  steps?: number;
  /** How the suggestion was chosen, in words. */
  rule?: string;
  partial?: boolean;
}

export interface Recommendation {
  batchSize: number;
  learningRate: number;
  /** Sentences, in order, that give the evidence for the choice. */
  evidence: string[];
  /** What was compared (batch sizes, learning rates, seeds, budget). */
  compared: string;
  /**
   * Set when nothing could be recommended: every run diverged, or the sweep was cancelled before
   * any run finished. batchSize and learningRate are then only those of the first batch size.
   */
  none?: 'diverged' | 'cancelled';
  /** The target rule in words. */
  target?: string;
  /** What time to target was ranked by: priced (updates x profiled seconds per update), measured wall time, or nothing reached. */
  timeBasis?: 'priced' | 'wall' | 'none';
  /** Seeds per batch size; with fewer than 3 no claim about seed-to-seed noise is made. */
  seeds?: number;
  /** The noise-scale model's pick set beside the verdict as a cross-check (not a second verdict). */
  crossCheck?: { batchSize: number; ratio: number; agree: boolean; text: string };
}

/** The whole of `minibatch study`, as written to results.json (schema version in `schema`). */
export interface StudyResult {
  schema: 'minibatch-study/1';
  createdBy: string;
  dataset: { name: string; rows: number; features: number; classes?: number; classNames?: string[]; featureNames: string[] };
  model: { description: string; spec: unknown; optimizer: unknown };
  lrRange?: LrRangeResult;
  tune?: TuneResult;
  compare: CompareResult;
  recommendation: Recommendation;
  /** Gradient noise scale, critical batch size, throughput and the time-to-target prediction. */
  noise?: NoiseStudy;
  /** The adaptive batch-size policy run beside the fixed grid (see adaptive-stage.ts). */
  adaptive?: AdaptiveStudy;
  /** Wall-clock seconds the whole study took. */
  seconds: number;
  /** True when a stage was cancelled (Ctrl-C) and the result holds only what finished. */
  partial?: boolean;
}

/** One batch size in the time-to-target prediction of the noise-scale model. */
export interface PredictionRow {
  batchSize: number;
  /** S(B) = S_min (1 + B_noise / B). */
  steps: number;
  /** From the throughput profile (log-log interpolation between timed sizes). */
  secondsPerUpdate: number;
  /** steps x secondsPerUpdate. */
  seconds: number;
  /** Compared batch sizes: measured training seconds to the target (interpolated, mean over seeds). */
  measuredSeconds?: number;
  /** Compared batch sizes: measured updates to the target. */
  measuredSteps?: number;
}

/** The noise-scale model's recommendation, shown beside the grid-based one. */
export interface NoisePrediction {
  /** The noise scale in S(B): B_simple when the tracking run reached the target loss (else at its end). */
  bNoise: number;
  /** Fitted to the measured steps with B_noise fixed (NaN when no batch size reached the target). */
  sMin: number;
  /** rms relative error of S(B) against the measured steps. */
  rmsRelError: number;
  rows: PredictionRow[];
  /** The batch size with the least predicted time to target. */
  batchSize: number;
  learningRate: number;
  /** How the learning rate was scaled from the grid's: linear (SGD) or square root (Adam, RMSProp). */
  scalingRule: 'linear' | 'square-root';
  baseBatchSize: number;
  baseLearningRate: number;
  /** Linear warmup over this many updates (when the batch is 4x the base or more). */
  warmupSteps?: number;
  /** B_simple / B_crit (NaN without a critical-batch fit). */
  bSimpleOverBCrit: number;
  /** 'agree' within 3x, 'roughly' within 10x, 'disagree' beyond, 'unknown' without B_crit. */
  agreement: 'agree' | 'roughly' | 'disagree' | 'unknown';
  /** Predicted / measured seconds to target at the grid's recommended batch size (NaN if unmeasured). */
  predictedOverMeasured: number;
  evidence: string[];
}

/** The noise-scale stages of a study. */
export interface NoiseStudy {
  /** A training run at the grid's batch size and rate with B_simple measured along the way. */
  tracking: { batchSize: number; learningRate: number; seed: number; epochs: number; points: NoiseTrackPoint[]; cost: NoiseTrackCost };
  /** At the end of the tracking run: exact (per-example) and two-batch estimates at the same weights. */
  exact: NoiseScaleResult;
  twoBatch: NoiseScaleResult;
  critical: CriticalBatchResult;
  throughput: ThroughputProfile;
  prediction: NoisePrediction;
  /** Seconds the noise-scale stages took. */
  seconds: number;
}
