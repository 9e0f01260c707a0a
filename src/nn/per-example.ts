// Per-example gradients of a dense model: all rows' squared norms in one batched pass, and one row's full gradient.
import { MinibatchError } from '../core/errors.js';
import type { Batch } from '../data/batch.js';
import type { Dataset } from '../data/dataset.js';
import { ACT, type ActCode } from '../kernels/backend.js';
import { outputLoss, STAT, STAT_SIZE } from './losses.js';
import { ACT_CODE, type Model } from './model.js';

/** What one pass of {@link PerExample.moments} measured over a set of rows, in float64. */
export interface GradientMoments {
  /** Rows measured (N). */
  rows: number;
  /** G = (1/N) sum_i g_i, the mean per-example gradient, in the layout of `model.params`. */
  meanGrad: Float64Array;
  /** (1/N) sum_i |g_i|^2, the mean squared norm of the per-example gradients. */
  meanSqNorm: number;
  /** (1/N) sum_i loss_i at these weights. */
  meanLoss: number;
}


/**
 * Per-example gradient statistics of a model without forming the N x params matrix of
 * per-example gradients. For a dense layer z = a W + b, the gradient of example i's loss is
 * the outer product dW_i = a_i (x) delta_i and db_i = delta_i (delta_i = d loss_i / d z_i), so
 *
 *   |g_i|^2 = sum over layers l of (|a_{l-1,i}|^2 + 1) |delta_{l,i}|^2
 *
 * (Goodfellow 2015, "Efficient per-example gradient computations"). One batched forward and
 * backward pass therefore gives every row's squared gradient norm: O(N (F + K)) extra work for
 * linear, logistic and softmax regression (the closed form), the cost of one backprop for an
 * MLP. The workspace reuses its buffers across calls (rows are processed in chunks), and each
 * row's input norm once computed: measure rows whose values changed with a new workspace.
 */
export class PerExample {
  private readonly L: number[];
  private readonly act: ActCode;
  private readonly chunk: number;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly acts: Float32Array[];
  private readonly dA: Float32Array;
  private readonly dB: Float32Array;
  private readonly grad: Float32Array;
  private readonly sq: Float64Array;
  private readonly stats = new Float64Array(STAT_SIZE);
  /**
   * 1 + |x_i|^2 of each data row (the first layer's factor of |g_i|^2, the bulk of the norms'
   * work), computed the first time the row is measured (NaN until then): the rows do not change
   * during a workspace's life, the weights (and so the deltas) do.
   */
  private readonly rowNorms: Float64Array;

  constructor(readonly model: Model, readonly data: Dataset, chunk = 256) {
    if (data.numFeatures !== model.inputs) {
      throw new MinibatchError('BAD_SHAPE', `the data have ${data.numFeatures} features but the model takes ${model.inputs}; measure the gradients on the data the model trains on`);
    }
    if (data.length === 0) throw new MinibatchError('EMPTY_DATASET', 'per-example gradients need at least one row, got an empty data set');
    if (model.spec.dropout) {
      throw new MinibatchError('BAD_ARGUMENT', `per-example gradients (and the noise-scale estimator built on them) do not model dropout, and this model has dropout ${JSON.stringify(model.spec.dropout)}: measure the noise scale on the model without dropout (the same layers with dropout left out)`);
    }
    const s = model.spec;
    this.L = s.layers;
    this.act = s.activation === 'leaky-relu' && s.leakySlope === 0 ? ACT.relu : ACT_CODE[s.activation];
    this.chunk = Math.max(1, Math.min(chunk, data.length));
    this.x = new Float32Array(this.chunk * data.numFeatures);
    this.y = new Float32Array(this.chunk * data.targetWidth);
    this.acts = this.L.slice(1).map((w) => new Float32Array(this.chunk * w));
    const widest = Math.max(...this.L.slice(1));
    this.dA = new Float32Array(this.chunk * widest); this.dB = new Float32Array(this.chunk * widest);
    this.grad = new Float32Array(model.params.length);
    this.sq = new Float64Array(this.chunk);
    this.rowNorms = new Float64Array(data.length).fill(NaN);
  }

  /**
   * Mean gradient, mean squared per-example gradient norm and mean loss over the rows
   * `indices[start .. start + count)` (all rows when `indices` is omitted), at `params`
   * (default: the model's current weights). Rows may repeat (sampling with replacement).
   * With `norms: false` the squared norms are skipped (meanSqNorm is then NaN). `into` (of
   * params.length values; another length is ignored) receives the mean gradient and is returned
   * as `meanGrad`, so that many small calls reuse one buffer.
   */
  moments(o: { indices?: ArrayLike<number>; start?: number; count?: number; params?: Float32Array; norms?: boolean; into?: Float64Array } = {}): GradientMoments {
    const start = o.start ?? 0; const count = o.count ?? (o.indices ? o.indices.length - start : this.data.length - start);
    const params = o.params ?? this.model.params; const norms = o.norms ?? true;
    const sum = o.into && o.into.length === params.length ? o.into.fill(0) : new Float64Array(params.length); this.stats.fill(0);
    let sqSum = 0;
    if (!o.indices) this.checkRange(start, count);
    for (let r = 0; r < count; r += this.chunk) {
      const m = Math.min(this.chunk, count - r);
      sqSum += this.pass(params, m, sum, norms, o.indices, start + r, ...this.rowsAt(o.indices, start + r, m));
    }
    const inv = 1 / count;
    for (let j = 0; j < sum.length; j++) sum[j]! *= inv;
    return { rows: count, meanGrad: sum, meanSqNorm: norms ? sqSum * inv : NaN, meanLoss: this.stats[STAT.loss]! * inv };
  }

  /** Squared per-example gradient norms |g_i|^2 of rows `from .. from + out.length` (in order). */
  sqNorms(out: Float64Array, from = 0, params: Float32Array = this.model.params): Float64Array {
    const sum = new Float64Array(params.length);
    this.checkRange(from, out.length);
    for (let r = 0; r < out.length; r += this.chunk) {
      const m = Math.min(this.chunk, out.length - r);
      this.pass(params, m, sum, true, undefined, from + r, ...this.rowsAt(undefined, from + r, m));
      out.set(this.sq.subarray(0, m), r);
    }
    return out;
  }

  /** Refuses rows start .. start + count outside the data, naming the first such row index. */
  private checkRange(start: number, count: number): void {
    const n = this.data.length;
    if (count > 0 && !(start >= 0 && start + count <= n)) {
      const row = start >= 0 && start < n ? n : start;
      throw new MinibatchError('BAD_ARGUMENT', `row index ${row} is outside the data (0 to ${n - 1})`);
    }
  }

  /** The features and targets of m rows: views of the data for consecutive rows (no copy), else gathered by index into the workspace. */
  private rowsAt(indices: ArrayLike<number> | undefined, start: number, m: number): [Float32Array, Float32Array] {
    const d = this.data; const nf = d.numFeatures; const tw = d.targetWidth;
    if (!indices) return [d.x.subarray(start * nf, (start + m) * nf), d.y.subarray(start * tw, (start + m) * tw)];
    this.gather(indices, start, m);
    return [this.x, this.y];
  }

  private gather(indices: ArrayLike<number>, start: number, m: number): void {
    const d = this.data; const nf = d.numFeatures; const tw = d.targetWidth;
    for (let i = 0; i < m; i++) {
      const row = indices[start + i]!;
      if (!(row >= 0 && row < d.length)) throw new MinibatchError('BAD_ARGUMENT', `row index ${row} is outside the data (0 to ${d.length - 1})`);
      this.x.set(d.x.subarray(row * nf, row * nf + nf), i * nf);
      if (tw === 1) this.y[i] = d.y[row]!; else this.y.set(d.y.subarray(row * tw, row * tw + tw), i * tw);
    }
  }

  /**
   * Forward and backward on m rows (features x, targets y: data rows indices[start + i], or
   * start + i without indices); adds the summed gradient to `sum`; returns sum_i |g_i|^2.
   */
  private pass(P: Float32Array, m: number, sum: Float64Array, norms: boolean, indices: ArrayLike<number> | undefined, start: number,
    x: Float32Array, y: Float32Array): number {
    const { L, model, acts } = this; const be = model.backend; const depth = L.length - 1; const slope = model.spec.leakySlope;
    let input = x;
    for (let l = 0; l < depth; l++) {
      be.denseForward(m, L[l]!, L[l + 1]!, input, P, model.wOff[l]!, model.bOff[l]!, acts[l]!);
      if (l < depth - 1) be.activationForward(this.act, acts[l]!, m * L[l + 1]!, slope);
      input = acts[l]!;
    }
    let D = this.dA;
    outputLoss(model.spec.output, m, model.outputs, acts[depth - 1]!, y, D, 1, this.stats);
    const sq = this.sq; if (norms) sq.fill(0, 0, m);
    for (let l = depth - 1; l >= 0; l--) {
      const k = L[l]!; const n = L[l + 1]!;
      const a = l === 0 ? x : acts[l - 1]!;
      if (norms) {
        for (let i = 0; i < m; i++) {
          const row = l === 0 ? (indices ? indices[start + i]! : start + i) : -1;
          const cache = Number.isInteger(row) && row >= 0;
          let na = cache ? this.rowNorms[row]! : NaN;
          if (Number.isNaN(na)) {
            na = 1;
            for (let j = i * k, e = j + k; j < e; j++) na += a[j]! * a[j]!;
            if (cache) this.rowNorms[row] = na;
          }
          let nd = 0;
          for (let j = i * n, e = j + n; j < e; j++) nd += D[j]! * D[j]!;
          sq[i]! += na * nd;
        }
      }
      be.denseBackwardParams(m, k, n, a, D, this.grad, model.wOff[l]!, model.bOff[l]!);
      for (let j = model.wOff[l]!, e = model.bOff[l]! + n; j < e; j++) sum[j]! += this.grad[j]!;
      if (l > 0) {
        const next = D === this.dA ? this.dB : this.dA;
        be.denseBackwardInput(m, k, n, D, P, model.wOff[l]!, next);
        be.activationBackward(this.act, acts[l - 1]!, next, m * k, slope);
        D = next;
      }
    }
    let total = 0;
    if (norms) for (let i = 0; i < m; i++) total += sq[i]!;
    return total;
  }
}

/**
 * The full gradient of ONE example's loss, d loss_row / d params, written into `out` (the
 * reference path: a one-row batch through `model.lossAndGrad`, scale 1). O(params) per row.
 */
export function perExampleGradient(model: Model, data: Dataset, row: number, out: Float32Array, params: Float32Array = model.params): Float32Array {
  if (!(Number.isInteger(row) && row >= 0 && row < data.length)) {
    throw new MinibatchError('BAD_ARGUMENT', `row must be an integer from 0 to ${data.length - 1}, got ${row}`);
  }
  const nf = data.numFeatures; const tw = data.targetWidth;
  const batch: Batch = { x: data.x.slice(row * nf, row * nf + nf), y: data.y.slice(row * tw, row * tw + tw), size: 1 };
  model.lossAndGrad(params, batch, out, 1);
  return out;
}
