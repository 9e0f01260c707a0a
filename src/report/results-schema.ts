// The zod schema of results.json (`minibatch-study/1`), checked against the StudyResult type.
import { z } from 'zod';
import type {
  AdaptiveStudy, CompareResult, CriticalBatchResult, CriticalPoint, LrRangeResult, NoisePrediction, NoiseScaleResult, NoiseStudy, NoiseTrackCost,
  NoiseTrackPoint, Point, PredictionRow, Recommendation, RunRecord, Spread, StudyResult, ThroughputProfile, ThroughputRow, TuneCell, TuneResult,
  Interval, TargetChoice,
} from '../experiments/records.js';
import { METRIC_KEYS, type MetricKey } from '../train/metrics.js';

/** The schema version this code writes and reads. */
export const STUDY_SCHEMA = 'minibatch-study/1';

/** Every field of T, mapped to its schema: the compiler flags a field missing here or extra. */
type Shape<T> = { [K in keyof Required<T>]: z.ZodType };

/**
 * A measured number. JSON has no NaN or infinities, so besides numbers this accepts the
 * strings "NaN", "Infinity" and "-Infinity" (as written by `studyResultJson`) and `null` (as
 * written by plain JSON.stringify for any of them), which reads back as NaN.
 */
const measured = z.unknown().transform((v, ctx): number => {
  if (typeof v === 'number') return v;
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  ctx.addIssue({ code: 'custom', message: `expected a number, got ${describeJson(v)}` });
  return z.NEVER;
});

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const seed = z.number().int();
const requested = z.union([positiveInt, z.literal('full')], { error: 'expected a positive whole number or "full"' });
const metric = z.enum(METRIC_KEYS as [MetricKey, ...MetricKey[]]);

const spread = z.looseObject({
  mean: measured, sd: measured, min: measured, max: measured, values: z.array(measured),
} satisfies Shape<Spread>);

const point = z.looseObject({
  epoch: nonNegative, updates: count, examplesSeen: count, trainSeconds: nonNegative,
  trainLoss: measured, valLoss: measured, valMetric: measured,
} satisfies Shape<Point>);

const run = z.looseObject({
  batchSize: positiveInt, requested, learningRate: positive, seed, points: z.array(point),
  diverged: z.looseObject({ epoch: count, loss: measured }).optional(),
  finalParams: z.array(measured).optional(),
} satisfies Shape<RunRecord>);

const cell = z.looseObject({
  batchSize: positiveInt, learningRate: positive, rung: count, epochs: nonNegative,
  valLoss: spread, valMetric: spread, diverged: z.boolean(),
  history: z.array(z.looseObject({ rung: count, epochs: nonNegative, valLoss: measured })).optional(),
} satisfies Shape<TuneCell>);

const tune = z.looseObject({
  kind: z.literal('tune'), method: z.enum(['grid', 'halving']), metric, rankedBy: metric.optional(),
  cells: z.array(cell),
  bestPerBatchSize: z.array(z.looseObject({ batchSize: positiveInt, learningRate: positive, valLoss: measured })),
  best: z.looseObject({ batchSize: positiveInt, learningRate: positive, valLoss: measured, valMetric: measured }),
  scaling: z.looseObject({
    exponent: measured, rule: z.enum(['linear', 'square-root', 'neither']), note: z.string(),
    intercept: measured.optional(), stderr: measured.optional(), points: count.optional(),
  }),
  batchSizes: z.array(requested).optional(),
  learningRates: z.array(positive).optional(),
  seeds: z.array(seed).optional(),
  epochs: nonNegative.optional(),
  eta: positive.optional(),
  brackets: z.enum(['per-batch-size', 'global']).optional(),
  partial: z.boolean().optional(),
} satisfies Shape<TuneResult>);

const throughputRow = z.looseObject({
  batchSize: positiveInt, secondsPerUpdate: nonNegative, examplesPerSecond: measured, updatesPerRepeat: positiveInt, batchBytes: count,
} satisfies Shape<ThroughputRow>);

const throughput = z.looseObject({
  kind: z.literal('throughput'), backend: z.string(), rows: z.array(throughputRow), peakExamplesPerSecond: measured,
  knee: measured, kneeFraction: positive, fixedBytes: count, repeats: positiveInt, seconds: nonNegative,
} satisfies Shape<ThroughputProfile>);

const interval = z.looseObject({
  lo: measured, hi: measured, level: measured, resamples: count, n: count,
} satisfies Shape<Interval>);

const summaryRow = z.looseObject({
  batchSize: positiveInt, requested, learningRate: measured,
  finalValLoss: spread, finalValMetric: spread,
  secondsToTarget: spread, examplesToTarget: spread, updatesToTarget: spread,
  distanceToFullBatch: spread.optional(),
  distanceToOptimum: spread.optional(),
  secondsPerUpdate: measured.optional(), pricedSecondsToTarget: spread.optional(), reached: count.optional(), finished: count.optional(),
  wallOverPriced: measured.optional(), timesDisagree: z.boolean().optional(),
  intervals: z.looseObject({
    pricedSecondsToTarget: interval, updatesToTarget: interval, finalValLoss: interval, finalValMetric: interval,
  }).optional(),
} satisfies Shape<CompareResult['summary'][number]>);

const compare = z.looseObject({
  kind: z.literal('compare'), metric, rankedBy: metric.optional(),
  batchSizes: z.array(requested), seeds: z.array(seed), runs: z.array(run),
  summary: z.array(summaryRow),
  targetLoss: measured,
  targetRule: z.enum(['given', 'near-best', 'near-best-final', 'best-final', 'none']).optional(),
  target: z.looseObject({
    loss: measured, kind: z.enum(['near-best-final', 'best-final', 'given', 'none']), margin: measured, bestFinal: measured,
    untrained: measured, meaningful: z.boolean(), rule: z.string(), metric: metric.optional(),
  } satisfies Shape<TargetChoice>).optional(),
  throughput: throughput.optional(),
  optimum: z.object({ converged: z.boolean(), iterations: z.number(), loss: measured, gradNorm: measured, startGradNorm: measured }).optional(),
  budget: z.union([
    z.looseObject({ epochs: positive }), z.looseObject({ examples: positiveInt }), z.looseObject({ seconds: positive }),
  ]).optional(),
  evalEvery: measured.optional(),
  trainExamples: count.optional(),
  validationExamples: count.optional(),
  optimizer: z.unknown().optional(),
  workers: positiveInt.optional(),
  tune: tune.optional(),
  partial: z.boolean().optional(),
} satisfies Shape<CompareResult>);

const lrRange = z.looseObject({
  kind: z.literal('lr-range'), batchSize: positiveInt,
  curves: z.array(z.looseObject({
    seed, learningRates: z.array(positive), losses: z.array(measured), suggested: measured,
    rawLosses: z.array(measured).optional(), minLossLr: measured.optional(), stopped: z.boolean().optional(),
  })),
  suggested: measured, spreadLog10: measured,
  minLr: positive.optional(), maxLr: positive.optional(), steps: positiveInt.optional(),
  rule: z.string().optional(), partial: z.boolean().optional(),
} satisfies Shape<LrRangeResult>);

const recommendation = z.looseObject({
  batchSize: positiveInt, learningRate: measured, evidence: z.array(z.string()), compared: z.string(),
  none: z.enum(['diverged', 'cancelled']).optional(),
  target: z.string().optional(), timeBasis: z.enum(['priced', 'wall', 'none']).optional(), seeds: count.optional(),
  crossCheck: z.looseObject({ batchSize: positiveInt, ratio: measured, agree: z.boolean(), text: z.string() }).optional(),
} satisfies Shape<Recommendation>);

const noiseMethod = z.enum(['exact', 'two-batch']);

const noiseResult = z.looseObject({
  method: noiseMethod, bSimple: measured, traceSigma: measured, gradNormSq: measured, loss: measured, rows: count,
  stderr: z.looseObject({ bSimple: measured, traceSigma: measured, gradNormSq: measured }).optional(),
  batchSizes: z.tuple([positiveInt, positiveInt]).optional(), samples: positiveInt.optional(), seconds: nonNegative,
} satisfies Shape<NoiseScaleResult>);

const trackPoint = z.looseObject({
  epoch: nonNegative, updates: count, examplesSeen: count, loss: measured, bSimple: measured, traceSigma: measured,
  gradNormSq: measured, smoothedBSimple: measured, seconds: nonNegative,
} satisfies Shape<NoiseTrackPoint>);

const trackCost = z.looseObject({
  measurements: count, measureSeconds: nonNegative, trainSeconds: nonNegative, overhead: measured,
} satisfies Shape<NoiseTrackCost>);

const criticalPoint = z.looseObject({
  batchSize: positiveInt, steps: measured, examples: measured, seconds: measured, reached: count, runs: count,
} satisfies Shape<CriticalPoint>);

const critical = z.looseObject({
  targetLoss: measured, points: z.array(criticalPoint), sMin: measured, eMin: measured, bCrit: measured,
  rmsRelError: measured, method: z.string(), note: z.string().optional(),
} satisfies Shape<CriticalBatchResult>);

const predictionRow = z.looseObject({
  batchSize: positiveInt, steps: measured, secondsPerUpdate: measured, seconds: measured,
  measuredSeconds: measured.optional(), measuredSteps: measured.optional(),
} satisfies Shape<PredictionRow>);

const prediction = z.looseObject({
  bNoise: measured, sMin: measured, rmsRelError: measured, rows: z.array(predictionRow), batchSize: positiveInt,
  learningRate: positive, scalingRule: z.enum(['linear', 'square-root']), baseBatchSize: positiveInt, baseLearningRate: positive,
  warmupSteps: positiveInt.optional(), bSimpleOverBCrit: measured, agreement: z.enum(['agree', 'roughly', 'disagree', 'unknown']),
  predictedOverMeasured: measured, evidence: z.array(z.string()),
} satisfies Shape<NoisePrediction>);

const noise = z.looseObject({
  tracking: z.looseObject({
    batchSize: positiveInt, learningRate: positive, seed, epochs: positiveInt, points: z.array(trackPoint), cost: trackCost,
  } satisfies Shape<NoiseStudy['tracking']>),
  exact: noiseResult, twoBatch: noiseResult, critical, throughput, prediction, seconds: nonNegative,
} satisfies Shape<NoiseStudy>);

/**
 * results.json of `minibatch study`, version `minibatch-study/1` (see docs/results-schema.md).
 * Unknown fields are kept unchecked, so files from later /1 writers still read and round-trip.
 */
export const studyResultSchema = z.looseObject({
  schema: z.literal(STUDY_SCHEMA),
  createdBy: z.string(),
  dataset: z.looseObject({
    name: z.string(), rows: count, features: count, classes: count.optional(),
    classNames: z.array(z.string()).optional(), featureNames: z.array(z.string()),
  } satisfies Shape<StudyResult['dataset']>),
  model: z.looseObject({ description: z.string(), spec: z.unknown(), optimizer: z.unknown() }),
  lrRange: lrRange.optional(),
  tune: tune.optional(),
  compare,
  recommendation,
  noise: noise.optional(),
  // The adaptive stage (src/experiments/adaptive-stage.ts): checked only for its marker, kept as written.
  adaptive: z.custom<AdaptiveStudy>((v) => typeof v === 'object' && v !== null && (v as { requested?: unknown }).requested === 'adaptive').optional(),
  seconds: nonNegative,
  partial: z.boolean().optional(),
} satisfies Shape<StudyResult>);

// Compile-time check that what the schema outputs is a StudyResult.
const parsedIsStudy = (p: z.output<typeof studyResultSchema>): StudyResult => p;
void parsedIsStudy;

/** A short description of a JSON value for error messages: its type, and the value if short. */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}
