// fit's options: their types, defaults and checks (the validation split included).
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { splitIndices } from '../data/split.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import type { CheckpointOptions, Checkpoint } from './checkpoint.js';
import type { EarlyStoppingOptions } from './early-stopping.js';
import { checkDataFitsModel } from './metrics.js';
import { describeValue } from './fit-args.js';
import type { FitCallbacks } from './train-run.js';

export interface FitOptions {
  /** Examples per update: 1 = stochastic, 'full' = batch GD. Default 32. Above N trains as full batch. */
  batchSize?: number | 'full';
  /** Passes over the training data. Default 1 (as Keras). */
  epochs?: number;
  /** Default: sgd({ learningRate: 0.01 }). */
  optimizer?: Optimizer;
  /** Reshuffle the rows every epoch. Default true. */
  shuffle?: boolean;
  /** Skip the smaller last batch of each epoch. Default false. */
  dropLast?: boolean;
  /** Average ('mean', default) or sum ('sum') the per-example gradients of a batch. */
  reduction?: 'mean' | 'sum';
  /** Fraction of rows held out at random (stratified for classes) for validation. */
  validationSplit?: number;
  /** Explicit validation data (instead of validationSplit). */
  validationData?: Dataset;
  /** Seed of shuffling and of the validation split. Default 1. */
  seed?: number;
  callbacks?: FitCallbacks;
  earlyStopping?: EarlyStoppingOptions;
  /**
   * The divergence rule (the same on every training path): training stops with DivergenceError
   * when the loss of a batch, of an epoch or on the validation data is not finite or exceeds
   * divergenceFactor x the initial loss, the mean training loss before the first update
   * (measured on the training rows, at most 4096 of them evenly spaced; no bound when it is 0).
   * Default 1000.
   */
  divergenceFactor?: number;
  /** Cancels training at the next batch; fit then returns the history so far. */
  signal?: AbortSignal;
  /** Milliseconds clock (injected in tests). Default performance.now. */
  clock?: () => number;
  /** Save a checkpoint to `path` every `everyEpochs` epochs (default 1), at the end, and when aborted. */
  checkpoint?: CheckpointOptions;
  /** Continue the run saved in this checkpoint (a path or a loaded Checkpoint), bit-identically. */
  resumeFrom?: string | Checkpoint;
}

/**
 * Every option name of FitOptions (the compiler keeps the list complete), for refusing unknown
 * names such as `epoch`.
 */
export const FIT_OPTION_NAMES: readonly string[] = Object.keys({
  batchSize: 1, epochs: 1, optimizer: 1, shuffle: 1, dropLast: 1, reduction: 1, validationSplit: 1, validationData: 1,
  seed: 1, callbacks: 1, earlyStopping: 1, divergenceFactor: 1, signal: 1, clock: 1, checkpoint: 1, resumeFrom: 1,
} satisfies Record<keyof FitOptions, 1>);

/** Options after defaults and checks. */
export interface Resolved {
  batchSize: number; epochs: number; optimizer: Optimizer; shuffle: boolean; dropLast: boolean;
  reduction: 'mean' | 'sum'; seed: number; divergenceFactor: number; clock: () => number;
  train: Dataset; val: Dataset | undefined;
}

export function resolveOptions(model: Model, data: Dataset, o: FitOptions): Resolved {
  if (!data || typeof data !== 'object' || !('numFeatures' in data)) {
    throw new MinibatchError('BAD_ARGUMENT', `fit needs a Dataset (Dataset.fromArrays(x, y)), got ${describeValue(data)}`);
  }
  checkDataFitsModel(model, data, 'training data');
  const seed = checkInt('seed', o.seed ?? 1, 0, 2 ** 53);
  const epochs = checkInt('epochs', o.epochs ?? 1, 1, 1e9, 'BAD_EPOCHS', 'Train for at least one epoch, e.g. epochs: 50.');
  let train = data; let val = o.validationData;
  if (o.validationSplit !== undefined && o.validationData) {
    throw new MinibatchError('BAD_ARGUMENT', 'give either validationSplit or validationData, not both');
  }
  if (o.validationSplit !== undefined && o.validationSplit !== 0) {
    checkNumber('validationSplit', o.validationSplit, 0, 1, { minInclusive: false, hint: 'Use a fraction such as 0.2' });
    if (o.validationSplit >= 1) throw new MinibatchError('BAD_ARGUMENT', `validationSplit must be below 1, got ${o.validationSplit}; use a fraction such as 0.2`);
    const idx = splitIndices(data, { testFraction: o.validationSplit, seed: (seed + 0x5bd1e995) % 2 ** 53 });
    train = data.subset(idx.train); val = data.subset(idx.test);
  }
  if (val) checkDataFitsModel(model, val, 'validation data');
  const n = train.length;
  const bs = o.batchSize ?? 32;
  let batchSize: number;
  if (bs === 'full') batchSize = n;
  else {
    checkInt('batchSize', bs, 1, Infinity, 'BAD_BATCH_SIZE', `Use 1 (stochastic), 'full' (batch) or a size between, such as 32; there are ${n} training rows.`);
    batchSize = Math.min(bs, n);
  }
  return {
    batchSize, epochs, seed, train, val,
    optimizer: o.optimizer ?? sgd({ learningRate: 0.01 }),
    shuffle: o.shuffle ?? true, dropLast: o.dropLast ?? false,
    reduction: checkOneOf('reduction', o.reduction ?? 'mean', ['mean', 'sum']),
    divergenceFactor: checkNumber('divergenceFactor', o.divergenceFactor ?? 1000, 1, Infinity, { minInclusive: false }),
    clock: o.clock ?? (() => performance.now()),
  };
}
