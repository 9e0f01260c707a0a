// The records of the study's analysis: the critical-batch fit, the target rule, priced time to target, the adaptive stage.
import type { Interval } from './analysis/bootstrap.js';
import type { Spread } from './spread.js';

/** Steps and examples one batch size needed to reach the target loss (mean over the seeds that did). */
export interface CriticalPoint {
  batchSize: number;
  /** Updates S to the target (first evaluation point at or below it), mean over seeds. */
  steps: number;
  /** Training examples E to the target, mean over seeds. */
  examples: number;
  /** Measured training seconds to the target, mean over seeds. */
  seconds: number;
  /** Seeds that reached the target, and seeds run. */
  reached: number;
  runs: number;
}

/** The fitted trade-off S = S_min (1 + B_crit / B), E = E_min (1 + B / B_crit). */
export interface CriticalBatchResult {
  targetLoss: number;
  points: CriticalPoint[];
  /** Fewest steps any batch size could need (the limit B -> infinity). NaN without a fit. */
  sMin: number;
  /** Fewest examples any batch size could need (the limit B -> 0). */
  eMin: number;
  /** B_crit = E_min / S_min. */
  bCrit: number;
  /** Root mean square of the relative residuals (S_fit - S) / S over the fitted points. */
  rmsRelError: number;
  /** How the fit was made, in words. */
  method: string;
  /** Why there is no fit, when there is none. */
  note?: string;
}

/** The chosen target with the numbers it came from and the rule in words. */
export interface TargetChoice {
  /**
   * The value every batch size is timed to reach (NaN when no target is meaningful): a validation
   * loss, or a value of `metric` when set.
   */
  loss: number;
  /** The validation metric the target is of (the sweep's `metric`); absent: the validation loss. */
  metric?: string;
  /** 'near-best-final': (1 + margin) x the best final loss; 'best-final': the stricter best final loss itself; 'given'. */
  kind: 'near-best-final' | 'best-final' | 'given' | 'none';
  /** The margin actually used (0 for the stricter fallback). */
  margin: number;
  /** Lowest over settings (batch size, learning rate) of the mean final validation loss over their finished seeds. */
  bestFinal: number;
  /** Lowest validation loss of an untrained model (the points at 0 updates), over seeds. */
  untrained: number;
  /** False when even the untrained model met the target: time to it would say nothing. */
  meaningful: boolean;
  /** The rule in a sentence, for the report and --json. */
  rule: string;
}

/** The priced time-to-target fields of one batch size's summary row. */
export interface PricedTimes {
  /** Seconds per update at this batch size from the throughput profile (NaN without a profile). */
  secondsPerUpdate: number;
  /** Per seed: updates to the target x secondsPerUpdate (NaN for a seed that never reached it). */
  pricedSecondsToTarget: Spread;
  /** Non-diverged seeds that reached the target, and non-diverged seeds. */
  reached: number;
  finished: number;
  /** Mean measured wall seconds to target / mean priced seconds (NaN when either is missing). */
  wallOverPriced: number;
  /** True when wallOverPriced is beyond DISAGREE_FACTOR either way. */
  timesDisagree: boolean;
  /** Seeded bootstrap intervals over seeds (see bootstrapMean). */
  intervals: {
    pricedSecondsToTarget: Interval; updatesToTarget: Interval; finalValLoss: Interval; finalValMetric: Interval;
  };
}

/** One evaluation of an adaptive run (fit with batchSize 'adaptive'), with the batch size in use. */
export interface AdaptivePoint {
  epoch: number; updates: number; examplesSeen: number;
  /** Seconds of training so far, evaluation excluded. */
  trainSeconds: number;
  /** Seconds so far priced by the throughput profile: sum over updates of secondsPerUpdateAt(B) (NaN without a profile). */
  pricedSeconds: number;
  valLoss: number;
  batchSize: number;
}

/** The study's adaptive stage: the adaptive policy from the grid's learning rate, set against the best fixed batch size. */
export interface AdaptiveStudy {
  requested: 'adaptive';
  /** B_0: the grid batch size it starts from, the smallest of at least 8 (and whose tuned learning rate it uses). */
  initialBatchSize: number;
  /** B_max: the throughput knee (at most n) when profiled, else min(n/8, 1024); at least B_0. */
  maxBatchSize: number;
  learningRate: number;
  lrRule: 'gain' | 'sqrt-gain' | 'none';
  runs: Array<{ seed: number; points: AdaptivePoint[]; diverged?: { epoch: number; loss: number } }>;
  secondsToTarget: Spread;
  examplesToTarget: Spread;
  updatesToTarget: Spread;
  /** Time to target priced by the throughput profile (NaN without one): steady where wall time is noisy. */
  pricedSecondsToTarget: Spread;
  finalValLoss: Spread;
  /** The fixed batch size with the lowest mean secondsToTarget in the comparison. */
  bestFixed: { batchSize: number; requested: number | 'full'; secondsToTarget: number; pricedSecondsToTarget: number };
  /** Whether the adaptive runs' mean seconds to target is below the best fixed batch size's (false when either never reached it). */
  sooner: boolean;
  /** The same by priced seconds. */
  soonerPriced: boolean;
  seconds: number;
}
