// Export to the TensorFlow.js LayersModel format: model.json and one weights file, as bytes.
import type { Model } from '../nn/model.js';
import { denseStack, type DenseLayer, type ExportOptions } from './dense-stack.js';

/** The name of the one weights file, as TF.js names a single-shard group. */
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** The files of a TF.js LayersModel: write both into one folder (or serve them side by side). */
export interface TfjsArtifacts {
  /** The parsed model.json (format, modelTopology, weightsManifest, userDefinedMetadata). */
  modelJson: Record<string, unknown>;
  /** model.json as text. */
  modelJsonText: string;
  /** The weights file named in the manifest: every kernel and bias, little-endian float32. */
  weightsFileName: string;
  weights: Uint8Array;
}

/**
 * The model as a TF.js LayersModel (`tf.loadLayersModel` reads it): a Sequential of Dense
 * layers with their activations (a leaky relu becomes a linear Dense followed by a LeakyReLU
 * layer, and a hidden layer's dropout a Dropout layer with its rate after it, as Keras's
 * `Dropout`: active in `fit`, the identity in `predict`), `batch_input_shape` [null, features] on the first; the stored scaling is folded into
 * the first layer (see denseStack), so the model takes raw features. Feature names, class
 * names and targets go to `userDefinedMetadata`. Runs in browsers (no Node built-ins).
 */
export function toTfjs(model: Model, o: ExportOptions & { generatedBy?: string } = {}): TfjsArtifacts {
  const stack = denseStack(model, o);
  const layers: unknown[] = []; const specs: Array<{ name: string; shape: number[]; dtype: 'float32' }> = [];
  stack.layers.forEach((d, l) => {
    const name = `dense_Dense${l + 1}`;
    const leaky = d.activation === 'leaky-relu';
    layers.push({ class_name: 'Dense', config: denseConfig(d, name, leaky ? 'linear' : d.activation, l === 0) });
    if (leaky) layers.push({ class_name: 'LeakyReLU', config: { alpha: stack.leakySlope, name: `leaky_re_lu_LeakyReLU${l + 1}`, trainable: true } });
    const rate = model.spec.dropout?.[l] ?? 0;
    if (rate > 0) layers.push({ class_name: 'Dropout', config: { rate, noise_shape: null, seed: null, name: `dropout_Dropout${l + 1}`, trainable: true } });
    specs.push({ name: `${name}/kernel`, shape: [d.inputs, d.units], dtype: 'float32' }, { name: `${name}/bias`, shape: [d.units], dtype: 'float32' });
  });
  const total = stack.layers.reduce((s, d) => s + d.kernel.length + d.bias.length, 0);
  const flat = new Float32Array(total); let off = 0;
  for (const d of stack.layers) { flat.set(d.kernel, off); off += d.kernel.length; flat.set(d.bias, off); off += d.bias.length; }
  const meta = stack.meta;
  const modelJson: Record<string, unknown> = {
    format: 'layers-model',
    generatedBy: o.generatedBy ?? 'minibatch',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_1', layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: {
      ...(meta.features ? { features: meta.features } : {}),
      ...(meta.classNames ? { classNames: meta.classNames } : {}),
      ...(meta.targets ? { targets: meta.targets } : {}),
      ...(meta.scaling && meta.scaling.method !== 'none' ? { foldedScaling: meta.scaling.method } : {}),
    },
  };
  return {
    modelJson, modelJsonText: JSON.stringify(modelJson), weightsFileName: TFJS_WEIGHTS_FILE,
    weights: new Uint8Array(flat.buffer),
  };
}

function denseConfig(d: DenseLayer, name: string, activation: string, first: boolean): Record<string, unknown> {
  return {
    units: d.units, activation, use_bias: true,
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    name, trainable: true,
    ...(first ? { batch_input_shape: [null, d.inputs] } : {}),
    dtype: 'float32',
  };
}
