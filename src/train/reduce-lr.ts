// ReduceLROnPlateau: lower the optimizer's learning rate when the monitored value stops improving (Keras's rule).
import { checkInt, checkNumber } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { monitorReader, type Monitor, type MonitorReader, type Monitored } from './monitor.js';

export interface ReduceLrOptions {
  /** What to watch (see Monitor). Default 'valLoss' with validation data, else 'trainLoss'. */
  monitor?: Monitor;
  /** The rate is multiplied by this on a plateau, 0 < factor < 1. Default 0.1 (Keras). */
  factor?: number;
  /** Epochs without improvement before the rate is lowered. Default 10 (Keras). */
  patience?: number;
  /** Smallest change in the better direction that counts as an improvement. Default 1e-4 (Keras). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The rate is never lowered below this. Default 0. */
  minLr?: number;
}

/**
 * Keras's ReduceLROnPlateau at the end of every epoch: when the monitored value has not improved
 * by more than minDelta for `patience` epochs (not counting `cooldown` epochs after a reduction),
 * the learning rate becomes max(lr x factor, minLr). It acts through `optimizer.rateScale`, a
 * multiplier on the optimizer's schedule, so a schedule keeps its shape at the lower level.
 */
export class ReduceLrOnPlateau {
  readonly reader: MonitorReader;
  readonly factor: number; readonly patience: number; readonly minDelta: number;
  readonly cooldown: number; readonly minLr: number;
  private best = Infinity;
  private wait = 0;
  private cooling = 0;
  /** Epochs at which the rate was lowered, and the rate set. */
  readonly reductions: { epoch: number; learningRate: number }[] = [];

  constructor(o: ReduceLrOptions, model: Model, hasValidation: boolean) {
    this.reader = monitorReader('reduceLROnPlateau.monitor', o.monitor, model, hasValidation);
    this.factor = checkNumber('reduceLROnPlateau.factor', o.factor ?? 0.1, 0, 1, { minInclusive: false });
    if (this.factor === 1) throw new MinibatchError('BAD_ARGUMENT', 'reduceLROnPlateau.factor must be below 1, got 1; the factor must shrink the rate, e.g. 0.5');
    this.patience = checkInt('reduceLROnPlateau.patience', o.patience ?? 10, 0, Infinity);
    this.minDelta = checkNumber('reduceLROnPlateau.minDelta', o.minDelta ?? 1e-4, 0, Infinity);
    this.cooldown = checkInt('reduceLROnPlateau.cooldown', o.cooldown ?? 0, 0, Infinity);
    this.minLr = checkNumber('reduceLROnPlateau.minLr', o.minLr ?? 0, 0, Infinity);
  }

  /** Judges one epoch's record and lowers `optimizer`'s rate when it is time. Returns true when it did. */
  update(epoch: number, record: Monitored, optimizer: Optimizer): boolean {
    const v = this.reader.read(record);
    const score = this.reader.higher ? -v : v;
    if (this.cooling > 0) { this.cooling--; this.wait = 0; }
    if (score < this.best - this.minDelta) { this.best = score; this.wait = 0; return false; }
    if (this.cooling > 0) return false;
    if (++this.wait < Math.max(this.patience, 1)) return false;
    const now = optimizer.learningRate();
    const next = Math.max(now * this.factor, this.minLr);
    if (!(now > 0) || next >= now) return false;
    optimizer.rateScale *= next / now;
    this.reductions.push({ epoch, learningRate: optimizer.learningRate() });
    this.wait = 0; this.cooling = this.cooldown;
    return true;
  }

  /** What a checkpoint keeps: the counters, the reductions so far and the optimizer's rateScale (copies). */
  getState(optimizer: Optimizer): ReduceLrState {
    return { rateScale: optimizer.rateScale, best: this.best, wait: this.wait, cooling: this.cooling, reductions: this.reductions.map((r) => ({ ...r })) };
  }

  /** Restores getState()'s counters and reductions, and the optimizer's rateScale (a resumed run continues as if never stopped). */
  setState(s: ReduceLrState, optimizer: Optimizer): void {
    optimizer.rateScale = s.rateScale;
    this.best = s.best; this.wait = s.wait; this.cooling = s.cooling;
    this.reductions.length = 0; this.reductions.push(...s.reductions.map((r) => ({ ...r })));
  }
}

/** ReduceLrOnPlateau's state between epochs (best is the score: the monitored value, negated when higher is better). */
export interface ReduceLrState {
  rateScale: number; best: number; wait: number; cooling: number;
  reductions: { epoch: number; learningRate: number }[];
}
