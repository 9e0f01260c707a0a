// A model as a plain stack of dense layers for export, with the training scaling folded into the first.
import { MinibatchError } from '../core/errors.js';
import type { Model } from '../nn/model.js';
import type { ModelMeta } from '../nn/model-json.js';

/** The activation after a dense layer, by the names TF.js and ONNX use for them. */
export type DenseActivation = 'linear' | 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' | 'softmax';

/** One dense layer y = act(x W + b), W [inputs, units] row-major (the TF.js Dense kernel layout). */
export interface DenseLayer {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  activation: DenseActivation;
}

/** What export does with the model's stored preprocessing. */
export interface ExportOptions {
  /**
   * Export models trained on categorical (one-hot) columns: the scaling is still folded (it is
   * affine), but the exported model then takes the one-hot encoded row (columns in
   * `meta.features` order, `name=category` set to 1), not the raw CSV row. Default false: refuse.
   */
  oneHotInputs?: boolean;
}

/** Dense layers of `model` taking raw features, plus the negative slope of its leaky relus. */
export interface DenseStack { layers: DenseLayer[]; leakySlope: number; meta: ModelMeta }

/**
 * The model as dense layers whose first layer takes raw (unscaled) features. With a stored
 * scaling x' = (x - m) / s (standardize: m mean, s std; minmax: m min, s max - min) the first
 * layer x' W + b equals x W' + b' for
 *   W'_ij = W_ij / s_i,   b'_j = b_j - sum_i (m_i / s_i) W_ij,
 * computed in float64 and rounded once to float32. Other layers are copied as they are.
 */
export function denseStack(model: Model, o: ExportOptions = {}): DenseStack {
  const meta = model.meta ?? {};
  const oneHot = (meta.features ?? []).filter((f) => f.includes('='));
  if (oneHot.length > 0 && o.oneHotInputs !== true) {
    throw new MinibatchError('BAD_ARGUMENT', `the model was trained on ${oneHot.length} one-hot columns of categorical features (${oneHot.slice(0, 3).join(', ')}${oneHot.length > 3 ? ', ...' : ''}); ` +
      'an exported model cannot do that encoding, so it would not take raw rows. Pass oneHotInputs: true (CLI: --one-hot-inputs) to export a model that takes the one-hot encoded row, or retrain on numeric columns only');
  }
  const ws = model.getWeights(); const L = model.spec.layers; const depth = L.length - 1;
  const layers: DenseLayer[] = [];
  for (let l = 0; l < depth; l++) {
    const last = l === depth - 1;
    layers.push({
      inputs: L[l]!, units: L[l + 1]!, kernel: ws[2 * l]!, bias: ws[2 * l + 1]!,
      activation: last ? model.spec.output : model.spec.activation,
    });
  }
  const s = meta.scaling;
  if (s && s.method !== 'none') layers[0] = foldScaling(layers[0]!, s.offset, s.scale);
  return { layers, leakySlope: model.spec.leakySlope, meta };
}

/** `layer` with x' = (x - offset) / scale folded in (see denseStack). */
export function foldScaling(layer: DenseLayer, offset: readonly number[], scale: readonly number[]): DenseLayer {
  const { inputs: n, units: k } = layer;
  if (offset.length !== n || scale.length !== n) {
    throw new MinibatchError('BAD_MODEL_FILE', `the model's scaling has ${offset.length} offsets and ${scale.length} scales but the model takes ${n} features; the model file is damaged, retrain it`);
  }
  const kernel = new Float32Array(n * k); const bias = Float64Array.from(layer.bias);
  for (let i = 0; i < n; i++) {
    const s = scale[i]!; const m = offset[i]!;
    if (!(s > 0) || !Number.isFinite(s) || !Number.isFinite(m)) {
      throw new MinibatchError('BAD_MODEL_FILE', `the model's scaling of feature ${i} is offset ${m}, scale ${s}; scales must be finite and > 0. Retrain the model`);
    }
    for (let j = 0; j < k; j++) {
      const w = layer.kernel[i * k + j]!;
      kernel[i * k + j] = w / s;
      bias[j] = bias[j]! - (m / s) * w;
    }
  }
  return { ...layer, kernel, bias: Float32Array.from(bias) };
}
