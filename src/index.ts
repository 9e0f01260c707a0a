// The public API of minibatch for Node: installs the Node platform, then named exports only, no logic.
import './platform/node/install.js';
export { MinibatchError, DivergenceError, type ErrorCode } from './core/errors.js';
export { Rng } from './core/rng.js';
export { Dataset, type DatasetMeta } from './data/dataset.js';
export { split, splitIndices, type SplitOptions } from './data/split.js';
export { BatchSampler } from './data/batch-sampler.js';
export { parseCsv, readCsvDataset, type CsvOptions, type MissingMode, type CsvTask, type CsvSource } from './data/csv.js';
export { loadCsv } from './platform/node/csv-file.js';
export { fitScaling, applyScaling, applyScalingRows, type Scaling, type ScalingMethod } from './data/scaling.js';
export { linearData, blobs, moons, type LinearDataOptions, type BlobsOptions, type MoonsOptions } from './data/synthetic.js';
export { isBuiltinName, BUILTIN_NAMES, type BuiltinName, type BuiltinOptions } from './data/builtin.js';
export { loadBuiltin } from './platform/node/builtin.js';
export { alignToModel } from './data/align.js';
export type { Batch } from './data/batch.js';
export type { Backend } from './kernels/backend.js';
export { JsBackend } from './kernels/js/js-backend.js';
export { Model, type ModelSpec, type Activation, type ModelKind } from './nn/model.js';
export type { DropoutMasker } from './nn/dropout.js';
export type { DropoutMasks } from './kernels/backend.js';
export type { OutputKind } from './nn/losses.js';
export type { Initializer } from './nn/init.js';
export type { ModelMeta, ModelFile } from './nn/model-json.js';
export { linearRegression, logisticRegression, softmaxRegression, mlp, modelFromSpec } from './nn/models.js';
export { Optimizer, type OptimizerSpec, type LearningRate } from './optim/optimizer.js';
export { sgd, Sgd, type SgdOptions } from './optim/sgd.js';
export { rmsprop, Rmsprop, type RmspropOptions } from './optim/rmsprop.js';
export { adam, adamw, Adam, type AdamOptions } from './optim/adam.js';
export {
  constant, stepDecay, exponentialDecay, cosineDecay, linearWarmup, scheduleFromSpec,
  type Schedule, type ScheduleSpec,
} from './optim/schedule.js';
export { fit, type FitOptions, type YieldEvery, type FitCallbacks, type History, type EpochRecord, type BatchInfo, type TrainingControl } from './train/fit.js';
export { evaluate, confusionMatrix, type Evaluation, type EvaluateOptions } from './train/evaluate.js';
export { METRIC_KEYS, higherIsBetter, type Metrics, type MetricKey } from './train/metrics.js';
export { gainRatio, roundPow2, defaultMaxBatch, nextAdaptiveBatch, type AdaptiveBatchOptions, type BatchSizeSchedule, type LrRule } from './train/batch-policy.js';
export { fitCostModel, goodput, efficiency, type CostModel, type UpdateCost } from './train/goodput.js';
export { GradientNoiseMeter } from './train/noise-meter.js';
export { adaptiveStage, adaptiveSummaryRow } from './experiments/adaptive-stage.js';
export type { EarlyStoppingOptions } from './train/early-stopping.js';
export type { Monitor } from './train/monitor.js';
export type { ReduceLrOptions } from './train/reduce-lr.js';
export type { ClassWeight } from './train/sample-weights.js';
export { onlineLearner, trainOnBatch, OnlineLearner, type OnlineOptions, type OnlineX, type OnlineY } from './train/online.js';
export { saveModel, loadModel } from './platform/node/model-file.js';
export { acquireLock, lockOutputs, lockPathFor, type FileLock } from './platform/node/lock-file.js';
export { compare, learningRateFor, type CompareOptions } from './experiments/compare.js';
export { tune, logGrid, defaultLearningRates, type TuneOptions } from './experiments/tune.js';
export { lrRangeTest, type LrRangeOptions } from './experiments/probes/lr-range.js';
export { recommend } from './experiments/analysis/recommend.js';
export { fitAuto, measureLearningRate, type FitAutoOptions, type AutoLearningRate } from './experiments/fit-auto.js';
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
export { saveCheckpoint, loadCheckpoint, parseCheckpoint, MAX_CHECKPOINT_BYTES, type Checkpoint, type CheckpointOptions } from './train/checkpoint.js';
export { fitStream, type FitStreamOptions } from './train/fit-stream.js';
export type { StreamSampleWeight } from './train/stream-weights.js';
export { scalingFromStats, type RowSource, type StreamCsvOptions, type ColumnStats } from './data/stream-csv.js';
export { streamCsv, MAX_STREAM_LINE } from './platform/node/stream-csv.js';
export { writeBinaryCache, openBinaryCache } from './platform/node/binary-cache.js';
export { SweepJournal, withSweepJournal } from './platform/node/sweep-journal.js';
export type { TrialJournal } from './experiments/run/sweep-journal.js';
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
export type { NoiseStudy, NoisePrediction, PredictionRow, AdaptiveStudy, AdaptivePoint } from './experiments/records.js';
export { noiseCharts, NOISE_SECTION } from './report/charts.js';
export { createBackend, defaultBackend, MODELLED_COSTS, type BackendKind, type BackendOptions } from './kernels/select.js';
export { WasmBackend } from './kernels/wasm/wasm-backend.js';
export { accumulateLoss, STAT, STAT_SIZE } from './nn/losses.js';
export { denseStack, foldScaling, type DenseLayer, type DenseStack, type DenseActivation, type ExportOptions } from './interop/dense-stack.js';
export { toTfjs, TFJS_WEIGHTS_FILE, type TfjsArtifacts } from './interop/tfjs-export.js';
export { modelFromTfjs, isTfjsModelJson, tfjsWeightPaths } from './interop/tfjs-import.js';
export { toOnnx, ONNX_OPSET, ONNX_INPUT, ONNX_OUTPUT } from './interop/onnx-export.js';
export { redisExecutor, startTrialWorker, redactUrl, type RedisExecutor, type RedisExecutorOptions, type TrialWorker, type TrialWorkerOptions } from './platform/node/queue/index.js';
export type { JobExecutor, JobHooks } from './experiments/run/job-executor.js';
