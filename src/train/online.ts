// Online learning: trainOnBatch (Keras train_on_batch) and partialFit (scikit-learn) with the optimizer state kept between calls.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Batch } from '../data/batch.js';
import { STAT, STAT_SIZE } from '../nn/losses.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import { clipGradient, resolveClipping, type Clipping } from './clip.js';

export interface OnlineOptions {
  /** The optimizer whose state (moments, step count) carries over between calls. Default sgd({ learningRate: 0.01 }). */
  optimizer?: Optimizer;
  /** Average ('mean', default) or sum the batch's per-example gradients, as fit. */
  reduction?: 'mean' | 'sum';
  /** Gradient clipping as fit's clipNorm / clipValue. */
  clipNorm?: number;
  clipValue?: number;
}

/** Rows of features: a row-major Float32Array (`inputs` per row) or number[][]; targets as fit takes them. */
export type OnlineX = Float32Array | readonly (readonly number[])[];
export type OnlineY = Float32Array | readonly number[] | readonly (readonly number[])[];

/**
 * A model and optimizer for learning a batch at a time, as data arrives (streams, bandits,
 * reinforcement learning): `trainOnBatch(x, y)` makes exactly one update
 *   p <- optimizer(p, (1/|B|) sum_{i in B} grad loss_i)   (the plain sum with reduction 'sum')
 * and returns the batch's mean loss before the update; `partialFit(x, y)` does the same and
 * returns the learner, as scikit-learn's partial_fit. The optimizer's state persists between
 * calls, so a sequence of calls on the batches fit would draw makes the same updates as fit.
 *
 * Per call it checks the shapes and labels, copies number[][] into a reused buffer (a
 * Float32Array is used in place) and runs the model's training pass: nothing is allocated for
 * Float32Array input once the buffers fit. There is no divergence rule: a batch whose loss is
 * not finite throws a MinibatchError (code DIVERGED) before anything is updated.
 */
export class OnlineLearner {
  readonly optimizer: Optimizer;
  /** Updates made so far. */
  updates = 0;
  private readonly sum: boolean;
  private readonly clipping: Clipping | undefined;
  private readonly grad: Float32Array;
  private readonly stats = new Float64Array(STAT_SIZE);
  private readonly batch: { x: Float32Array; y: Float32Array; size: number } = { x: new Float32Array(0), y: new Float32Array(0), size: 0 };
  private xBuf = new Float32Array(0);
  private yBuf = new Float32Array(0);

  constructor(readonly model: Model, options: OnlineOptions = {}) {
    this.optimizer = options.optimizer ?? sgd({ learningRate: 0.01 });
    const reduction = options.reduction ?? 'mean';
    if (reduction !== 'mean' && reduction !== 'sum') throw new MinibatchError('BAD_ARGUMENT', `reduction must be 'mean' or 'sum', got ${show(reduction)}`);
    this.sum = reduction === 'sum';
    this.clipping = resolveClipping(options);
    this.grad = model.gradientBuffer();
  }

  /** One update on the rows x with targets y; returns their mean loss before the update. */
  trainOnBatch(x: OnlineX, y: OnlineY): number {
    const b = this.fill(x, y);
    const st = this.stats; st[STAT.loss] = 0; st[STAT.count] = 0;
    this.model.accumulateGrad(this.model.params, b as Batch, this.grad, this.sum, st);
    const loss = st[STAT.loss]! / b.size;
    if (!(Math.abs(loss) <= Number.MAX_VALUE)) {
      throw new MinibatchError('DIVERGED', `the batch's loss is ${loss} (update ${this.updates + 1}); nothing was updated. Lower the learning rate or check the inputs for NaN or huge values`);
    }
    if (this.clipping) clipGradient(this.grad, this.clipping);
    this.optimizer.step(this.model.params, this.grad);
    this.updates++;
    return loss;
  }

  /** scikit-learn's partial_fit: one update on x, y; returns this learner for chaining. */
  partialFit(x: OnlineX, y: OnlineY): this { this.trainOnBatch(x, y); return this; }

  /** Predictions of the model (probabilities or values), as model.predict. */
  predict(x: number[][] | Float32Array): Float32Array { return this.model.predict(x); }

  /** Checks x and y and points the reused batch at them (copying number[][] into buffers). */
  private fill(x: OnlineX, y: OnlineY): { x: Float32Array; y: Float32Array; size: number } {
    const model = this.model; const nf = model.inputs; const b = this.batch;
    if (x instanceof Float32Array) b.x = x;
    else b.x = this.copyRows('x', x, nf, 'features', 'x');
    if (b.x.length === 0 || b.x.length % nf !== 0) {
      throw new MinibatchError('BAD_SHAPE', `x has ${b.x.length} values, not a positive multiple of the model's ${nf} inputs; give rows of ${nf} features`);
    }
    const m = b.x.length / nf;
    const width = model.spec.output === 'softmax' ? 1 : model.outputs;
    if (y instanceof Float32Array) b.y = y;
    else if (y.length > 0 && Array.isArray(y[0])) b.y = this.copyRows('y', y as readonly (readonly number[])[], width, 'targets', 'y');
    else { if (this.yBuf.length < y.length) this.yBuf = new Float32Array(y.length); const yb = this.yBuf; for (let i = 0; i < y.length; i++) yb[i] = (y as readonly number[])[i]!; b.y = yb.subarray(0, y.length); }
    if (b.y.length !== m * width) {
      throw new MinibatchError('BAD_SHAPE', `y has ${b.y.length} values for ${m} rows; the model takes ${width} target value${width > 1 ? 's' : ''} per row`);
    }
    checkLabels(model, b.y);
    b.size = m;
    return b;
  }

  private copyRows(name: string, rows: readonly (readonly number[])[], width: number, what: string, which: 'x' | 'y'): Float32Array {
    const n = rows.length * width;
    let buf = which === 'x' ? this.xBuf : this.yBuf;
    if (buf.length < n) { buf = new Float32Array(n); if (which === 'x') this.xBuf = buf; else this.yBuf = buf; }
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.length !== width) throw new MinibatchError('BAD_SHAPE', `${name} row ${i} has ${r.length} ${what}, the model takes ${width}`);
      for (let j = 0; j < width; j++) buf[i * width + j] = r[j]!;
    }
    return buf.subarray(0, n);
  }
}

/** Labels of the kind the model's loss takes (as fit checks them). */
function checkLabels(model: Model, y: Float32Array): void {
  const out = model.spec.output;
  if (out === 'linear') return;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const ok = out === 'sigmoid' ? v === 0 || v === 1 : Number.isInteger(v) && v >= 0 && v < model.outputs;
    if (!ok) throw new MinibatchError('BAD_LABEL', `y value ${i} is ${v}; ${out === 'sigmoid' ? 'a sigmoid (binary) model takes labels 0 or 1' : `a softmax model with ${model.outputs} classes takes integer labels 0..${model.outputs - 1}`}`);
  }
}

/** A learner for `model` that keeps `options.optimizer`'s state between calls (see OnlineLearner). */
export function onlineLearner(model: Model, options: OnlineOptions = {}): OnlineLearner { return new OnlineLearner(model, options); }

const learners = new WeakMap<Model, WeakMap<Optimizer, OnlineLearner>>();

/**
 * Keras's `model.train_on_batch(x, y)` / TF.js `model.trainOnBatch(x, y)` as a function: one
 * update of `model` on x, y with `options.optimizer` (whose state carries over to the next call
 * with the same optimizer; a learner per model and optimizer is kept in a WeakMap). Returns the
 * batch's mean loss before the update. Without an optimizer each model gets one
 * sgd({ learningRate: 0.01 }) on its first call. For a hot loop, hold an onlineLearner instead.
 */
export function trainOnBatch(model: Model, x: OnlineX, y: OnlineY, options: { optimizer?: Optimizer } = {}): number {
  let perModel = learners.get(model);
  if (!perModel) { perModel = new WeakMap(); learners.set(model, perModel); }
  const key = options.optimizer ?? defaultOptimizer(model);
  let learner = perModel.get(key);
  if (!learner) { learner = new OnlineLearner(model, { optimizer: key }); perModel.set(key, learner); }
  return learner.trainOnBatch(x, y);
}

const defaults = new WeakMap<Model, Optimizer>();
function defaultOptimizer(model: Model): Optimizer {
  let o = defaults.get(model);
  if (!o) { o = sgd({ learningRate: 0.01 }); defaults.set(model, o); }
  return o;
}
