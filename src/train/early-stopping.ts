// Early stopping: stop when the monitored loss or metric has not improved for `patience` epochs.
import { checkInt, checkNumber, checkOneOf } from '../core/check.js';
import type { Model } from '../nn/model.js';
import { monitorReader, type Monitor, type MonitorReader, type Monitored } from './monitor.js';

export interface EarlyStoppingOptions {
  /** Training stops after this many epochs in a row without improvement (as Keras; 0 acts as 1). */
  patience: number;
  /** Smallest change in the better direction that counts as an improvement. Default 0. */
  minDelta?: number;
  /**
   * What to watch (see Monitor): 'valLoss' (default with validation data), 'trainLoss' (default
   * without), a training metric such as 'f1', or a validation metric such as 'valF1' / 'valAuc'.
   * Losses and errors must fall, accuracy, precision, recall, F1, AUC and R^2 must rise.
   */
  monitor?: Monitor;
  /** Put back the weights of the best epoch when stopping or finishing. Default false (as Keras). */
  restoreBestWeights?: boolean;
}

/** Tracks the best monitored value; `update` says whether training should stop. */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly monitor: Monitor;
  readonly reader: MonitorReader;
  /** The best value so far as a score where lower is better (the value, negated when higher is better). */
  best = Infinity;
  bestEpoch = 0;
  private wait = 0;
  private bestParams: Float32Array | undefined;

  /** `model` lets the monitor name a metric; without it only 'valLoss' and 'trainLoss' are accepted. */
  constructor(o: EarlyStoppingOptions, hasValidation: boolean, model?: Model) {
    this.patience = checkInt('earlyStopping.patience', o.patience, 0, Infinity);
    this.minDelta = checkNumber('earlyStopping.minDelta', o.minDelta ?? 0, 0, Infinity);
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    if (!model) checkOneOf('earlyStopping.monitor', o.monitor ?? 'trainLoss', ['valLoss', 'trainLoss']);
    this.reader = monitorReader('earlyStopping.monitor', o.monitor, model!, hasValidation);
    this.monitor = this.reader.name;
  }

  /** The best monitored value so far, in its own units. */
  get bestValue(): number { return this.reader.higher ? -this.best : this.best; }

  /** Records one epoch's record; returns true when training should stop. */
  updateFrom(epoch: number, record: Monitored, params: Float32Array): boolean {
    return this.update(epoch, this.reader.read(record), params);
  }

  /** Records one epoch's monitored value; returns true when training should stop. */
  update(epoch: number, value: number, params: Float32Array): boolean {
    const score = this.reader.higher ? -value : value;
    if (score < this.best - this.minDelta) {
      this.best = score; this.bestEpoch = epoch; this.wait = 0;
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
