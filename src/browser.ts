// The public API of minibatch for browsers: the same as src/index.ts minus file-system helpers, plus ready() (the WASM kernels); named exports only, no logic.
export { ready, type BrowserOptions } from './platform/browser/install.js';
export { MinibatchError, DivergenceError, type ErrorCode } from './core/errors.js';
export { Rng } from './core/rng.js';
export { Dataset, type DatasetMeta } from './data/dataset.js';
export { split, splitIndices, type SplitOptions } from './data/split.js';
export { BatchSampler } from './data/batch-sampler.js';
export { parseCsv, readCsvDataset, type CsvOptions, type MissingMode, type CsvTask, type CsvSource } from './data/csv.js';
export { fitScaling, applyScaling, applyScalingRows, type Scaling, type ScalingMethod } from './data/scaling.js';
export { linearData, blobs, moons, type LinearDataOptions, type BlobsOptions, type MoonsOptions } from './data/synthetic.js';
export { alignToModel } from './data/align.js';
export type { Batch } from './data/batch.js';
export type { Backend } from './kernels/backend.js';
export { JsBackend } from './kernels/js/js-backend.js';
export { Model, type ModelSpec, type Activation, type ModelKind } from './nn/model.js';
export type { DropoutMasker } from './nn/dropout.js';
export type { DropoutMasks } from './kernels/backend.js';
export type { OutputKind } from './nn/losses.js';
export type { Initializer } from './nn/init.js';
export { modelToJson, modelFromJson, type ModelMeta, type ModelFile } from './nn/model-json.js';
export { linearRegression, logisticRegression, softmaxRegression, mlp, modelFromSpec } from './nn/models.js';
export { Optimizer, type OptimizerSpec, type LearningRate } from './optim/optimizer.js';
export { sgd, Sgd, type SgdOptions } from './optim/sgd.js';
export { rmsprop, Rmsprop, type RmspropOptions } from './optim/rmsprop.js';
export { adam, adamw, Adam, type AdamOptions } from './optim/adam.js';
export {
  constant, stepDecay, exponentialDecay, cosineDecay, linearWarmup, scheduleFromSpec,
  type Schedule, type ScheduleSpec,
} from './optim/schedule.js';
export { fit, type FitOptions, type YieldEvery, type FitCallbacks, type History, type EpochRecord, type BatchInfo } from './train/fit.js';
export { evaluate, type Evaluation } from './train/evaluate.js';
export type { Metrics } from './train/metrics.js';
export type { EarlyStoppingOptions } from './train/early-stopping.js';
export { compare, learningRateFor, type CompareOptions } from './experiments/compare.js';
export { tune, logGrid, defaultLearningRates, type TuneOptions } from './experiments/tune.js';
export { lrRangeTest, type LrRangeOptions } from './experiments/probes/lr-range.js';
export { recommend } from './experiments/analysis/recommend.js';
export { study, studyResult, type StudyOptions, type StudyStage } from './experiments/study.js';
export { summarise } from './experiments/analysis/summary.js';
export { optimizerFromSpec, type OptimizerChoice } from './experiments/run/optimizer-spec.js';
export type { ModelSource, SweepOptions, TrialLabel, ProgressCallback } from './experiments/run/setup.js';
export type { Budget } from './experiments/run/trial.js';
export type {
  Point, RunRecord, Spread, CompareResult, TuneCell, TuneResult, LrRangeResult, Recommendation, StudyResult, MetricName, SweepMetric,
} from './experiments/records.js';
export { renderReport, type ReportOptions } from './report/html.js';
export { parseStudyResult, studyResultJson, pointsCsv, STUDY_SCHEMA } from './report/results-file.js';
export { studyCharts, type ReportChart } from './report/charts.js';
export { renderSvg } from './report/render-svg.js';
export { parseCheckpoint, MAX_CHECKPOINT_BYTES, type Checkpoint, type CheckpointOptions } from './train/checkpoint.js';
export { scalingFromStats, type RowSource, type ColumnStats } from './data/stream-csv.js';
export type { OptimizerState } from './optim/optimizer.js';
export type { SamplerState } from './data/batch-sampler.js';
export type { RngState } from './core/rng.js';
export { PerExample, perExampleGradient, type GradientMoments } from './nn/per-example.js';
export {
  noiseScale, noiseScaleTracker, NoiseScaleEma, defaultTwoBatchSizes,
  type NoiseMethod, type NoiseScaleOptions, type NoiseScaleResult, type NoiseTrackOptions, type NoiseTrackPoint, type NoiseTrackCost, type NoiseTracker,
} from './experiments/probes/noise-scale.js';
export { criticalBatch, criticalPoints, fitCriticalBatch, crossing, fitSMin, predictedSteps, type CriticalBatchResult, type CriticalPoint } from './experiments/analysis/critical-batch.js';
export { throughputProfile, powersOfTwo, batchBytes, kneeOf, secondsPerUpdateAt, type ThroughputOptions, type ThroughputProfile, type ThroughputRow } from './experiments/probes/throughput.js';
export { noisePrediction, type NoisePredictionInput } from './experiments/analysis/recommend.js';
export { noiseStage } from './experiments/study.js';
export type { NoiseStudy, NoisePrediction, PredictionRow } from './experiments/records.js';
export { noiseCharts, NOISE_SECTION } from './report/charts.js';
export { createBackend, defaultBackend, MODELLED_COSTS, type BackendKind, type BackendOptions } from './kernels/select.js';
export { WasmBackend } from './kernels/wasm/wasm-backend.js';
export { accumulateLoss, STAT, STAT_SIZE } from './nn/losses.js';
