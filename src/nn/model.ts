// Model: a stack of dense layers with one flat parameter vector; forward, fused loss and backward.
import { MinibatchError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { ACT, type ActCode, type Backend, type DenseEngine, type DropoutMasks, type SgdEpochJob } from '../kernels/backend.js';
import { defaultBackend } from '../kernels/select.js';
import type { Batch, RowGatherer } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { applyScalingRows, type Scaling } from '../data/scaling.js';
import { DropoutMasker } from './dropout.js';
import { initWeights, type Initializer } from './init.js';
import { checkFinite, flattenRows } from './predict-input.js';
import { accumulateLoss, outputLoss, outputTransform, STAT, STAT_SIZE, type OutputKind } from './losses.js';
import type { ModelMeta } from './model-meta.js';
import { accumulateWeightedLoss } from './weighted-loss.js';

export type Activation = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' | 'linear';
export type ModelKind = 'linear' | 'logistic' | 'softmax' | 'mlp';

/** Everything needed to rebuild a model (saved in model files). */
export interface ModelSpec {
  kind: ModelKind;
  /** Widths from input to output, e.g. [8, 12, 8, 1]. */
  layers: number[];
  /** Hidden-layer activation (unused when there is no hidden layer). */
  activation: Activation;
  output: OutputKind;
  init: Initializer;
  seed: number;
  /** Negative-side slope of leaky-relu. */
  leakySlope: number;
  /**
   * Dropout rate after each hidden layer's activation (one per hidden layer, in [0, 1)), applied
   * during training only (see DropoutMasker); absent when the model has no dropout.
   */
  dropout?: number[];
}

/** The kernel code of each hidden activation (shared with per-example.ts). */
export const ACT_CODE: Record<Activation, ActCode> = {
  linear: ACT.linear, relu: ACT.relu, 'leaky-relu': ACT.leakyRelu, tanh: ACT.tanh, sigmoid: ACT.sigmoid,
};

/**
 * A feed-forward network of dense layers. Linear, logistic and softmax regression are the
 * one-layer cases. Parameters are one Float32Array laid out [W1, b1, W2, b2, ...] with each W
 * [inputs, outputs] row-major, so optimizers update them with one fused loop. Work buffers are
 * sized for the largest batch seen and reused: a training step allocates nothing.
 *
 * The passes run through the backend's engine (`backend.createDense`). On the WASM backend
 * (the default where the WASM SIMD kernels load, see `defaultBackend`) `params`, the gradient
 * buffer and the work buffers live in WASM (shared) memory, each layer on the WASM or the JS
 * kernels as the backend's cost model decides, and a softmax output's cross-entropy runs as a
 * fused kernel too (one vectorised exp per logit, float32; the JS backend computes it in
 * float64), for training and evaluation alike. `params` is then a view of that memory: copy it
 * (`slice`, `getWeights`) to keep or send it elsewhere, and call `dispose()` when done with the
 * model so the next one reuses the memory.
 */
export class Model {
  readonly spec: ModelSpec;
  readonly params: Float32Array;
  readonly inputs: number;
  readonly outputs: number;
  readonly backend: Backend;
  /** Offsets of W_l and b_l in `params`. */
  readonly wOff: number[] = [];
  readonly bOff: number[] = [];
  private readonly scratchStats = new Float64Array(STAT_SIZE);
  /** The backend's resident state and passes for this model. */
  private readonly engine: DenseEngine;
  /** The output is softmax and the engine fuses its cross-entropy. */
  private readonly fusedSoftmax: boolean;
  /**
   * Names, classes, preprocessing (`scaling`) and training configuration saved with the model.
   * `meta.scaling` is the model's preprocessing: see `preprocessing`.
   */
  meta: ModelMeta | undefined;
  /**
   * The model's dropout masks and their seeded RNG (null without dropout): training steps
   * (`accumulateGrad`) draw fresh masks, every other pass (evaluate, predict, lossAndGrad without
   * masks) runs the network without dropout. Seeded from `spec.seed`; fit reseeds it from its seed.
   */
  readonly dropout: DropoutMasker | null;

  constructor(spec: ModelSpec, backend: Backend = defaultBackend()) {
    this.spec = spec; this.backend = backend;
    const act = ACT_CODE[spec.activation];
    /* The slope passed to activation kernels: a stored 0 unless leaky relu (a small integer is never boxed). */
    const slope = act === ACT.leakyRelu ? spec.leakySlope : 0;
    const L = spec.layers;
    this.inputs = L[0]!; this.outputs = L[L.length - 1]!;
    let off = 0;
    for (let l = 0; l + 1 < L.length; l++) {
      this.wOff.push(off); off += L[l]! * L[l + 1]!;
      this.bOff.push(off); off += L[l + 1]!;
    }
    this.engine = backend.createDense({ layers: L, wOff: this.wOff, bOff: this.bOff, act, slope, paramCount: off, stats: STAT });
    this.fusedSoftmax = spec.output === 'softmax' && this.engine.fusedSoftmax;
    this.params = this.engine.params;
    this.dropout = spec.dropout ? new DropoutMasker(spec.dropout, L, spec.seed) : null;
    const rng = new Rng(spec.seed);
    for (let l = 0; l + 1 < L.length; l++) {
      const w = this.params.subarray(this.wOff[l]!, this.bOff[l]!);
      initWeights(spec.init, w, L[l]!, L[l + 1]!, rng);
    }
  }

  /**
   * A gatherer for batches of `data` (at most maxRows rows; the same object again on a later
   * call for the same data) that lands them where the engine's first layer reads them without
   * a copy (the WASM memory); undefined when that gains nothing (the JS backend, a first layer
   * on the JS kernels, feature matrices over 256 MB): batches are then copied as usual. For BatchBuffer.
   */
  rowGatherer(data: Dataset, maxRows: number): RowGatherer | undefined {
    return this.engine.rowGatherer(data.x, data.numFeatures, maxRows);
  }

  /**
   * The features of `data` where the engine's first layer reads them without a copy (a copy in
   * the WASM memory, made now), or undefined when views of `data.x` serve as well (the JS
   * kernels). For evaluation passes over whole data sets; valid until `dispose`.
   */
  residentRows(data: Dataset): Float32Array | undefined {
    return this.engine.residentRows(data.x);
  }

  /**
   * The gradient buffer a training loop passes to `accumulateGrad` and the optimizer: the same
   * zeroed-at-first array on every call, of `params.length` floats. On the WASM backend it lives
   * in WASM memory beside the parameters, so the kernels write it in place and the optimizers
   * update with fused kernels; any other Float32Array of the right length works too (copied).
   */
  gradientBuffer(): Float32Array { return this.engine.grad; }

  /** Batch-1 SGD over many rows in one call where the engine has that kernel (see SgdEpochJob; false where not, nothing changed). */
  sgdEpoch(job: SgdEpochJob): boolean { return this.engine.sgdEpoch?.(job) ?? false; }

  /**
   * Gives the model's backend memory back for reuse by the next model on this thread (a sweep
   * calls it when a trial ends, so its memory stays flat). The model, its `params`, gradient
   * buffer and any optimizer state kept beside them must not be used afterwards: copy the
   * weights out first (`getWeights`) if you need them. Idempotent.
   */
  dispose(): void { this.engine.dispose(); }

  /** Number of dense layers. */
  get depth(): number { return this.spec.layers.length - 1; }

  /** Copies of [W1, b1, W2, b2, ...], each W [inputs, outputs] row-major. */
  getWeights(): Float32Array[] {
    const out: Float32Array[] = [];
    for (let l = 0; l < this.depth; l++) {
      out.push(this.params.slice(this.wOff[l]!, this.bOff[l]!));
      out.push(this.params.slice(this.bOff[l]!, this.bOff[l]! + this.spec.layers[l + 1]!));
    }
    return out;
  }

  /** Sets weights from the layout of getWeights; a wrong count or length is a MinibatchError. */
  setWeights(ws: ArrayLike<ArrayLike<number>>): void {
    const shapes = this.weightShapes();
    if (ws.length !== shapes.length) {
      throw new MinibatchError('BAD_WEIGHTS', `setWeights needs ${shapes.length} arrays ([W1, b1, W2, b2, ...]) for layers ${this.spec.layers.join('-')}, got ${ws.length}`);
    }
    let off = 0;
    shapes.forEach((s, i) => {
      const w = ws[i]!; const len = s.reduce((a, b) => a * b, 1);
      if (w.length !== len) {
        throw new MinibatchError('BAD_WEIGHTS', `weight array ${i} must have ${len} values (shape [${s.join(', ')}]), got ${w.length}`);
      }
      for (let j = 0; j < len; j++) {
        const v = w[j]!;
        if (!Number.isFinite(v)) throw new MinibatchError('BAD_WEIGHTS', `weight array ${i}, value ${j} is ${v}: weights must be finite`);
      }
      this.params.set(w, off); off += len;
    });
  }

  /** Shapes of the arrays of getWeights: [[in, out], [out], ...]. */
  weightShapes(): number[][] {
    const s: number[][] = []; const L = this.spec.layers;
    for (let l = 0; l < this.depth; l++) s.push([L[l]!, L[l + 1]!], [L[l + 1]!]);
    return s;
  }

  /**
   * The training step's pass: loss and gradient on one batch, with `params` in this model's
   * layout (usually `model.params`). Writes the sum over rows of d loss_i / d params into
   * `grad` when `sum`, else the mean (1/m times the sum), and adds the batch's summed loss,
   * metric sums and row count to `stats` (see STAT; the step's loss is the change in
   * `stats[STAT.loss]`). Returns nothing, so no double is boxed per step. This is the call
   * fit and the experiments make per step; override it to observe training steps. With
   * dropout it is a training pass: fresh masks are drawn for the batch.
   */
  accumulateGrad(params: Float32Array, batch: Batch, grad: Float32Array, sum: boolean, stats: Float64Array): void {
    this.pass(params, batch, grad, sum, stats, this.dropout === null ? undefined : this.dropout.draw(batch.size));
  }

  /**
   * Loss and gradient on one batch, with `params` in this model's layout (usually
   * `model.params`; a perturbed copy for gradient checks). Writes `scale x sum over rows of
   * d loss_i / d params` into `grad` (scale 1/m gives the mean) and returns the summed loss.
   * With row weights (`batch.w`) the sums are weighted (sum w_i loss_i) and scale 1/m gives the
   * weighted mean (divided by sum w_i instead).
   * Adds running sums (loss, correct, errors, rows) to `stats` when given. Without `masks` the
   * network runs without dropout (a pure function of params); with masks from
   * `dropout.draw(batch.size)` it runs with those fixed masks (e.g. for a gradient check).
   */
  lossAndGrad(params: Float32Array, batch: Batch, grad: Float32Array, scale = 1 / batch.size, stats?: Float64Array, masks?: DropoutMasks): number {
    const m = batch.size; const st = this.scratchStats.fill(0); if (masks) this.checkMasks(masks, m);
    const mean = scale === 1 / m && scale !== 1;
    this.pass(params, batch, grad, !mean, st, masks);
    if (!mean && scale !== 1) for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * scale;
    if (stats) for (let s = 0; s < STAT_SIZE; s++) stats[s]! += st[s]!;
    return st[STAT.loss]!;
  }

  /**
   * Forward, fused loss and backward: the gradient (sum or mean) into grad, sums into stats. A
   * batch with row weights takes the weighted loss (see accumulateWeightedLoss; 'mean' is then
   * the weighted mean), in JavaScript even where the softmax loss is a fused kernel.
   */
  private pass(params: Float32Array, batch: Batch, grad: Float32Array, sum: boolean, stats: Float64Array, masks: DropoutMasks | undefined): void {
    const m = batch.size; const engine = this.engine;
    const logits = engine.forward(params, batch.x, m, masks);
    if (batch.w) accumulateWeightedLoss(this.spec.output, m, this.outputs, logits, batch.y, batch.w, engine.delta, sum, stats);
    else if (this.fusedSoftmax) engine.softmaxLoss(m, batch.y, sum, true, stats);
    else accumulateLoss(this.spec.output, m, this.outputs, logits, batch.y, engine.delta, sum, stats);
    engine.backward(params, batch.x, m, grad);
  }

  /** Refuses masks that do not cover m rows of every hidden layer (draw them with `dropout.draw(m)`). */
  private checkMasks(masks: DropoutMasks, m: number): void {
    const L = this.spec.layers;
    masks.forEach((mk, l) => {
      if (l + 2 >= L.length || (mk !== null && mk.length < m * L[l + 1]!)) {
        throw new MinibatchError('BAD_SHAPE', `dropout masks for hidden layer ${l} hold ${mk?.length ?? 0} values, a batch of ${m} rows of layers ${L.join('-')} needs ${m * (L[l + 1] ?? 0)}; draw them with model.dropout.draw(batch.size)`);
      }
    });
  }

  /** Loss only (no gradient) on one batch, adding to `stats`; returns the summed loss. */
  lossOnly(params: Float32Array, batch: Batch, stats: Float64Array): number {
    const logits = this.forward(params, batch.x, batch.size);
    if (this.fusedSoftmax) {
      const before = stats[STAT.loss]!;
      this.engine.softmaxLoss(batch.size, batch.y, true, false, stats);
      return stats[STAT.loss]! - before;
    }
    return outputLoss(this.spec.output, batch.size, this.outputs, logits, batch.y, null, 1, stats);
  }

  /**
   * The transform from raw feature rows to what the network takes, x' = (x - offset) / scale
   * per feature (`meta.scaling`, fitted on the training split and saved in the model file), or
   * undefined when the model takes raw features. `predict` and `evaluate` apply it to their
   * input unless told the input is already preprocessed; training (fit, sweeps) takes data
   * already in the network's space.
   */
  get preprocessing(): Scaling | undefined {
    const s = this.meta?.scaling;
    return s && s.method !== 'none' ? s : undefined;
  }

  /** Raw rows (row-major, `inputs` per row) through `preprocessing` into a new array (a copy). */
  preprocess(x: Float32Array): Float32Array {
    const s = this.preprocessing;
    return s ? applyScalingRows(x, this.inputs, s) : x.slice();
  }

  /**
   * Outputs for rows of x (number[][] or row-major Float32Array) of raw features, as in the
   * training file: the model's `preprocessing` is applied first, exactly once. Pass
   * `{ preprocessed: true }` when x is already scaled (e.g. rows of a Dataset that was passed
   * through applyScaling). Returns probabilities for sigmoid and softmax outputs, values for
   * linear ones; row-major, `outputs` per row. Every value must be finite (a NaN or infinity is
   * refused, naming its row and column).
   */
  predict(x: number[][] | Float32Array, options: { preprocessed?: boolean } = {}): Float32Array {
    if (typeof options !== 'object' || options === null) {
      throw new MinibatchError('BAD_ARGUMENT', `predict's options must be an object such as { preprocessed: true }, got ${String(options)}`);
    }
    let flat = x instanceof Float32Array ? x : flattenRows(x, this.inputs);
    if (flat.length % this.inputs !== 0) {
      throw new MinibatchError('BAD_SHAPE', `predict got ${flat.length} values, not a multiple of the model's ${this.inputs} inputs: give rows of ${this.inputs} features`);
    }
    checkFinite(flat, this.inputs);
    if (options.preprocessed !== true && this.preprocessing) flat = this.preprocess(flat);
    const rows = flat.length / this.inputs; const out = new Float32Array(rows * this.outputs); const chunk = 256;
    for (let r = 0; r < rows; r += chunk) {
      const m = Math.min(chunk, rows - r);
      const z = this.forward(this.params, flat.subarray(r * this.inputs, (r + m) * this.inputs), m);
      outputTransform(this.spec.output, m, this.outputs, z);
      out.set(z.subarray(0, m * this.outputs), r * this.outputs);
    }
    return out;
  }

  /** Forward pass for m rows of x; returns the buffer whose first m x outputs values are logits. */
  forward(params: Float32Array, x: Float32Array, m: number): Float32Array { return this.engine.forward(params, x, m); }
}
