// Feature scaling: fit per-column offset and scale on training rows, apply to any rows.
import { MinibatchError } from '../core/errors.js';
import { checkOneOf } from '../core/check.js';
import type { Dataset } from './dataset.js';

export const SCALING_METHODS = ['standardize', 'minmax', 'none'] as const;
export type ScalingMethod = (typeof SCALING_METHODS)[number];

/**
 * A fitted per-feature transform x' = (x - offset) / scale, the same shape as the `scaling`
 * field of a model file, so predictions reuse the training transform exactly.
 */
export interface Scaling {
  method: ScalingMethod;
  offset: number[];
  scale: number[];
}

/**
 * Fits a scaling on `data`, which should be the training split only: fitting on all rows leaks
 * the validation and test rows' statistics into training. Per feature j over the n rows:
 * - 'standardize': offset = mean_j, scale = sqrt(sum_i (x_ij - mean_j)^2 / n) (population std);
 * - 'minmax': offset = min_j, scale = max_j - min_j, mapping the fitted rows onto [0, 1];
 * - 'none': offset = 0, scale = 1.
 * A constant column (scale 0) gets scale 1, so it maps to 0 instead of dividing by zero.
 * Sums run in float64.
 */
export function fitScaling(data: Dataset, method: ScalingMethod): Scaling {
  checkOneOf('scaling method', method, ['standardize', 'minmax', 'none'] as const);
  const nf = data.numFeatures; const n = data.length;
  if (method === 'none') return { method, offset: new Array<number>(nf).fill(0), scale: new Array<number>(nf).fill(1) };
  if (n === 0) throw new MinibatchError('EMPTY_DATASET', `cannot fit '${method}' scaling on 0 rows; fit it on the training split`);
  const a = new Float64Array(nf); const b = new Float64Array(nf);
  const x = data.x;
  if (method === 'minmax') {
    a.fill(Infinity); b.fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0, o = i * nf; j < nf; j++) { const v = x[o + j]!; if (v < a[j]!) a[j] = v; if (v > b[j]!) b[j] = v; }
    }
    return { method, offset: Array.from(a), scale: Array.from(b, (max, j) => positive(max - a[j]!)) };
  }
  for (let i = 0; i < n; i++) for (let j = 0, o = i * nf; j < nf; j++) a[j] = a[j]! + x[o + j]!;
  for (let j = 0; j < nf; j++) a[j] = a[j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0, o = i * nf; j < nf; j++) { const d = x[o + j]! - a[j]!; b[j] = b[j]! + d * d; }
  return { method, offset: Array.from(a), scale: Array.from(b, (ss) => positive(Math.sqrt(ss / n))) };
}

/**
 * A Dataset with x' = (x - offset) / scale per feature; targets and names are kept. An identity
 * scaling (every offset 0 and scale 1, as 'none' fits) gives `data` itself: (x - 0) / 1 is x to
 * the bit, so copying the rows would only cost time and memory.
 */
export function applyScaling(data: Dataset, s: Scaling): Dataset {
  if (isIdentity(s, data.numFeatures)) return data;
  return data.withX(applyScalingRows(data.x, data.numFeatures, s));
}

/**
 * Scales row-major rows of `numFeatures` features into a new Float32Array (for predict, where
 * the rows come without a Dataset). The scaling must have one offset and scale per feature.
 */
export function applyScalingRows(x: Float32Array, numFeatures: number, s: Scaling): Float32Array {
  if (s.offset.length !== numFeatures || s.scale.length !== numFeatures) {
    throw new MinibatchError('BAD_SHAPE', `the scaling was fitted on ${s.offset.length} features but the data has ${numFeatures}; ` +
      'fit the scaling on data with the same columns (a model and its data must match)');
  }
  if (x.length % Math.max(1, numFeatures) !== 0) {
    throw new MinibatchError('BAD_SHAPE', `x has ${x.length} values, not a whole number of rows of ${numFeatures} features`);
  }
  const off = Float64Array.from(s.offset, (v) => {
    if (!Number.isFinite(v)) throw new MinibatchError('BAD_ARGUMENT', `scaling offset values must be finite, got ${v}; refit the scaling`);
    return v;
  });
  const scale = Float64Array.from(s.scale, (v) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new MinibatchError('BAD_ARGUMENT', `scaling scale values must be finite and > 0, got ${v}; refit the scaling`);
    return v;
  });
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += numFeatures) {
    for (let j = 0; j < numFeatures; j++) out[o + j] = (x[o + j]! - off[j]!) / scale[j]!;
  }
  return out;
}

function positive(scale: number): number { return scale > 0 && Number.isFinite(scale) ? scale : 1; }

/** Whether a scaling of `numFeatures` features leaves every value as it is (offset 0, scale 1 each). */
function isIdentity(s: Scaling, numFeatures: number): boolean {
  if (s.offset.length !== numFeatures || s.scale.length !== numFeatures) return false;
  for (let j = 0; j < numFeatures; j++) if (s.offset[j] !== 0 || s.scale[j] !== 1) return false;
  return true;
}
