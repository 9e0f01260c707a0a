// fit's sampleWeight and classWeight: checked and turned into one loss weight per training row.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../nn/model.js';

/** Per-class loss weights: an array or map indexed by class (0/1 for sigmoid models), or 'balanced'. */
export type ClassWeight = 'balanced' | readonly number[] | Readonly<Record<number, number>>;

/**
 * The weight of every row of `train` (rows `rows` of the data fit was given, whose weights
 * `sampleWeight` lists), or undefined when neither option is set. A row weighs
 * sampleWeight[i] x classWeight[y_i] (as Keras and scikit-learn combine them); 'balanced' is
 * scikit-learn's n_samples / (n_classes x bincount(y)) over the training rows, classes with no
 * row left out. Weights must be finite and >= 0, and not all 0.
 */
export function rowWeights(
  model: Model, train: Dataset, rows: ArrayLike<number> | undefined, dataLength: number,
  sampleWeight: Float32Array | readonly number[] | undefined, classWeight: ClassWeight | undefined,
): Float32Array | undefined {
  if (sampleWeight === undefined && classWeight === undefined) return undefined;
  const n = train.length; const w = new Float32Array(n).fill(1);
  if (sampleWeight !== undefined) {
    if (!(sampleWeight instanceof Float32Array) && !Array.isArray(sampleWeight)) {
      throw new MinibatchError('BAD_ARGUMENT', `sampleWeight must be a Float32Array or number[] with one weight per row, got ${show(sampleWeight)}`);
    }
    if (sampleWeight.length !== dataLength) {
      throw new MinibatchError('BAD_ARGUMENT', `sampleWeight has ${sampleWeight.length} weights for ${dataLength} rows; give one weight per row of the data passed to fit`);
    }
    for (let i = 0; i < n; i++) w[i] = checkWeight(`sampleWeight[${rows ? rows[i]! : i}]`, sampleWeight[rows ? rows[i]! : i]);
  }
  if (classWeight !== undefined) {
    const perClass = classWeights(model, train, classWeight);
    for (let i = 0; i < n; i++) w[i] = w[i]! * perClass[labelOf(model, train, i)]!;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  if (!(total > 0)) throw new MinibatchError('BAD_ARGUMENT', 'every training row has weight 0 (sampleWeight x classWeight); give some rows a positive weight');
  return w;
}

/** The weight of each class (index = class) from fit's classWeight. */
export function classWeights(model: Model, train: Dataset, cw: ClassWeight): Float64Array {
  const k = checkClassWeightModel(model);
  if (cw !== 'balanced') return classWeightsFromCounts(model, new Float64Array(k), cw);
  const counts = new Float64Array(k);
  countClasses(model, train, counts);
  return classWeightsFromCounts(model, counts, cw);
}

/** Adds the number of rows of each class in `data` to `counts` (index = class; 0/1 for sigmoid models). */
export function countClasses(model: Model, data: Dataset, counts: Float64Array): void {
  for (let i = 0; i < data.length; i++) counts[labelOf(model, data, i)]! += 1;
}

/** The number of classes classWeight indexes (2 for a sigmoid model); a MinibatchError for models it does not apply to. */
export function checkClassWeightModel(model: Model): number {
  const kind = model.spec.output;
  if (kind === 'linear') throw new MinibatchError('BAD_ARGUMENT', 'classWeight applies to classifiers (sigmoid or softmax outputs); this model has a linear output. Use sampleWeight to weight rows of a regression');
  if (kind === 'sigmoid' && model.outputs !== 1) throw new MinibatchError('BAD_ARGUMENT', `classWeight needs one 0/1 target; this sigmoid model has ${model.outputs} outputs. Use sampleWeight instead`);
  return kind === 'softmax' ? model.outputs : 2;
}

/**
 * The weight of each class from classWeight, with `counts` the rows per class of the training data
 * (read only for 'balanced': n_samples / (n_classes x bincount(y)), classes with no row left out).
 */
export function classWeightsFromCounts(model: Model, counts: Float64Array, cw: ClassWeight): Float64Array {
  const k = checkClassWeightModel(model);
  const out = new Float64Array(k);
  if (cw === 'balanced') {
    let present = 0; let rows = 0;
    for (let c = 0; c < k; c++) { if (counts[c]! > 0) present++; rows += counts[c]!; }
    for (let c = 0; c < k; c++) out[c] = counts[c]! > 0 ? rows / (present * counts[c]!) : 1;
    return out;
  }
  if (typeof cw !== 'object' || cw === null) throw new MinibatchError('BAD_ARGUMENT', `classWeight must be 'balanced', an array or a map from class index to weight, got ${show(cw)}`);
  const entries = Array.isArray(cw) ? cw.map((v, i) => [String(i), v] as const) : Object.entries(cw);
  out.fill(1);
  for (const [key, v] of entries) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new MinibatchError('BAD_ARGUMENT', `classWeight names class ${show(key)}; this model has classes 0..${k - 1}`);
    out[c] = checkWeight(`classWeight[${c}]`, v);
  }
  return out;
}

/** The class index of row i (0/1 for a sigmoid model). */
export function labelOf(model: Model, data: Dataset, i: number): number {
  const y = data.y[i]!;
  return model.spec.output === 'softmax' ? y : y >= 0.5 ? 1 : 0;
}

export function checkWeight(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} must be a finite number >= 0, got ${show(v)}`);
  }
  return v;
}
