// Early stopping: stop when the monitored loss has not improved for `patience` epochs.
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';

export interface EarlyStoppingOptions {
  /** Training stops after this many epochs in a row without improvement (as Keras; 0 acts as 1). */
  patience: number;
  /** Smallest decrease that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Loss to watch. Default 'valLoss' when there is validation data, else 'trainLoss'; 'valLoss' needs validation data. */
  monitor?: 'valLoss' | 'trainLoss';
  /** Put back the weights of the best epoch when stopping or finishing. Default false (as Keras). */
  restoreBestWeights?: boolean;
}

/** Tracks the best monitored loss; `update` says whether training should stop. */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly monitor: 'valLoss' | 'trainLoss';
  best = Infinity;
  bestEpoch = 0;
  private wait = 0;
  private bestParams: Float32Array | undefined;

  constructor(o: EarlyStoppingOptions, hasValidation: boolean) {
    this.patience = checkInt('earlyStopping.patience', o.patience, 0, Infinity);
    this.minDelta = checkNumber('earlyStopping.minDelta', o.minDelta ?? 0, 0, Infinity);
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.monitor = checkOneOf('earlyStopping.monitor', o.monitor ?? (hasValidation ? 'valLoss' : 'trainLoss'), ['valLoss', 'trainLoss']);
    if (this.monitor === 'valLoss' && !hasValidation) {
      throw new MinibatchError('BAD_ARGUMENT', `earlyStopping.monitor is 'valLoss' but there is no validation data; give validationSplit (e.g. 0.2) or validationData, or monitor 'trainLoss'`);
    }
  }

  /** Records one epoch's monitored value; returns true when training should stop. */
  update(epoch: number, value: number, params: Float32Array): boolean {
    if (value < this.best - this.minDelta) {
      this.best = value; this.bestEpoch = epoch; this.wait = 0;
      if (this.restoreBestWeights) {
        if (!this.bestParams) this.bestParams = new Float32Array(params.length);
        this.bestParams.set(params);
      }
      return false;
    }
    this.wait++;
    return this.wait >= this.patience;
  }

  /** Copies the best weights back into params (when restoreBestWeights is on). */
  restore(params: Float32Array): void {
    if (this.restoreBestWeights && this.bestParams) params.set(this.bestParams);
  }
}
