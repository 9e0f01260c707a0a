// The noise-scale stage's tracking run as plain data in and out: a fit with B_simple measured along the way, then the exact and two-batch noise scales at its end (run on the study's thread or on a trial worker).
import { DivergenceError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Model, ModelSpec } from '../nn/model.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { PerExample } from '../nn/per-example.js';
import { fit } from '../train/fit.js';
import { noiseScale, noiseScaleTracker } from './probes/noise-scale.js';
import type { NoiseStudy } from './records.js';
import { optimizerAt } from './run/optimizer-spec.js';

/** What a tracking run needs besides the model and the rows: all plain data, so a worker thread can be sent it. */
export interface NoiseTrackJob {
  /** The model's spec: the run starts from the weights of seed 1 (modelForSeed(model, 1, true)). */
  model: ModelSpec;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerSpec;
  epochs: number;
  /** B_simple is measured every this many updates (and at each epoch end). */
  everyUpdates: number;
}

/** The run's part of the noise study (see NoiseStudy). */
export type NoiseTrack = Pick<NoiseStudy, 'tracking' | 'exact' | 'twoBatch'>;

/**
 * Trains `model` (built from job.model for seed 1) on `train` at the job's batch size and rate
 * for its epochs (fit's seed 1) with a noise-scale tracker, then measures the exact and two-batch
 * noise scales at the final weights. Undefined when the run diverges.
 */
export async function trackNoise(model: Model, train: Dataset, job: NoiseTrackJob, signal?: AbortSignal): Promise<NoiseTrack | undefined> {
  const workspace = new PerExample(model, train);
  const tracker = noiseScaleTracker(model, train, { everyUpdates: job.everyUpdates, workspace });
  tracker.measure();
  let history;
  try {
    history = await fit(model, train, {
      batchSize: job.batchSize, epochs: job.epochs, optimizer: optimizerAt(job.optimizer, job.learningRate), seed: 1,
      callbacks: tracker.callbacks, ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DivergenceError) return undefined;
    throw err;
  }
  const exact = noiseScale(model, train, { workspace }); const twoBatch = noiseScale(model, train, { method: 'two-batch', workspace });
  return {
    tracking: { batchSize: history.batchSize, learningRate: job.learningRate, seed: 1, epochs: job.epochs, points: tracker.points, cost: tracker.cost(history) },
    exact, twoBatch,
  };
}
