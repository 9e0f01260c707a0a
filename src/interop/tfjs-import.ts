// Import from the TensorFlow.js LayersModel format (model.json + weights): Dense stacks become Models.
import { z } from 'zod';
import { MinibatchError } from '../core/errors.js';
import { Model, type Activation, type ModelKind, type ModelSpec } from '../nn/model.js';
import type { OutputKind } from '../nn/losses.js';
import type { Backend } from '../kernels/backend.js';

const HIDDEN: Record<string, Activation> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', linear: 'linear' };
const OUTPUT: Record<string, OutputKind> = { linear: 'linear', sigmoid: 'sigmoid', softmax: 'softmax' };
const SUPPORTED = 'Dense (activation relu, tanh, sigmoid, softmax or linear; with or without bias), LeakyReLU after a linear Dense, Dropout after a hidden Dense, and InputLayer';

const weightSpec = z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.string(), quantization: z.unknown().optional() }).passthrough();
const manifestSchema = z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpec) }).passthrough());
const layerSchema = z.object({ class_name: z.string(), config: z.record(z.string(), z.unknown()) }).passthrough();

/** Is this parsed JSON a TF.js LayersModel model.json (rather than a minibatch model file)? */
export function isTfjsModelJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'modelTopology' in json && 'weightsManifest' in json;
}

/** The weight file paths of a model.json in manifest order (relative to the model.json's folder). */
export function tfjsWeightPaths(json: unknown, source: string): string[] {
  const m = manifestSchema.safeParse((json as { weightsManifest?: unknown }).weightsManifest);
  if (!m.success) throw bad(source, `weightsManifest is not a list of { paths, weights } groups (${m.error.issues[0]!.message})`);
  return m.data.flatMap((g) => g.paths);
}

interface Dense { name: string; units: number; activation: string; useBias: boolean; inputs?: number; leaky?: number; dropout?: number }

/**
 * A Model from a TF.js LayersModel: `json` is the parsed model.json and `weightData` the bytes
 * of its weight files concatenated in manifest order (see tfjsWeightPaths), as `model.save`
 * or the tensorflowjs converter for Keras write them. The model must be a Sequential of Dense
 * layers: hidden layers share one activation (relu, tanh, sigmoid, linear, or LeakyReLU after a
 * linear Dense), the last is linear (mean squared error), sigmoid (binary cross-entropy) or
 * softmax (cross-entropy). A Dropout layer after a hidden layer becomes that layer's dropout rate. A layer without bias gets a zero bias. Any other layer is a
 * MinibatchError (BAD_MODEL_FILE) naming it and what is supported. Runs in browsers.
 */
export function modelFromTfjs(json: unknown, weightData: Uint8Array, source = 'model.json', backend?: Backend): Model {
  const dense = denseLayers(json, source);
  const shape = stackShape(dense, source);
  const specs = manifestSchema.parse((json as { weightsManifest: unknown }).weightsManifest).flatMap((g) => g.weights);
  const arrays = readWeights(specs, weightData, source);
  const find = (layer: string, kind: string): Float32Array | undefined => {
    const i = specs.findIndex((s) => s.name === `${layer}/${kind}` || s.name.endsWith(`/${layer}/${kind}`));
    return i < 0 ? undefined : arrays[i];
  };
  const widths: number[] = []; const weights: Float32Array[] = [];
  dense.forEach((d, l) => {
    const kernel = find(d.name, 'kernel');
    if (!kernel) throw bad(source, `no weights named '${d.name}/kernel' in weightsManifest for Dense layer '${d.name}'`);
    const shape = specs.find((s) => s.name === `${d.name}/kernel` || s.name.endsWith(`/${d.name}/kernel`))!.shape;
    const [nIn, nOut] = shape as [number, number];
    if (shape.length !== 2 || nOut !== d.units || (l > 0 && nIn !== widths[l])) {
      throw bad(source, `the kernel of Dense layer '${d.name}' has shape [${shape.join(', ')}], expected [${l > 0 ? widths[l] : 'inputs'}, ${d.units}]`);
    }
    if (l === 0 && d.inputs !== undefined && d.inputs !== nIn) throw bad(source, `batch_input_shape gives ${d.inputs} features but the kernel of '${d.name}' takes ${nIn}`);
    if (l === 0) widths.push(nIn);
    widths.push(d.units);
    const bias = d.useBias ? find(d.name, 'bias') : new Float32Array(d.units);
    if (!bias || bias.length !== d.units) throw bad(source, `Dense layer '${d.name}' uses a bias but weightsManifest has no '${d.name}/bias' of ${d.units} values`);
    weights.push(kernel, bias);
  });
  const model = new Model({ ...shape, layers: widths }, backend);
  model.setWeights(weights);
  return model;
}

/** The Dense layers (with a following LeakyReLU merged in) of the model's Sequential topology. */
function denseLayers(json: unknown, source: string): Dense[] {
  const topo = (json as { modelTopology?: unknown }).modelTopology as Record<string, unknown> | undefined;
  // Keras writes { model_config: { class_name, config } }, TF.js { class_name, config }.
  const top = (topo && typeof topo === 'object' && 'model_config' in topo ? topo.model_config : topo) as Record<string, unknown> | undefined;
  if (!top || typeof top !== 'object') throw bad(source, 'modelTopology is missing or not an object');
  if (top.class_name !== 'Sequential') {
    throw bad(source, `the model is a '${String(top.class_name)}'; minibatch imports Sequential models of ${SUPPORTED}`);
  }
  const cfg = top.config as unknown;
  const rawLayers = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown } | undefined)?.layers;
  const layers = z.array(layerSchema).safeParse(rawLayers);
  if (!layers.success) throw bad(source, 'modelTopology has no list of layers');
  const out: Dense[] = []; let inputs: number | undefined;
  for (const [i, layer] of layers.data.entries()) {
    const c = layer.config; const name = String(c.name ?? `layer ${i}`);
    const shape = (c.batch_input_shape ?? c.batch_shape) as unknown;
    if (Array.isArray(shape) && out.length === 0 && typeof shape[shape.length - 1] === 'number') inputs = shape[shape.length - 1] as number;
    if (layer.class_name === 'InputLayer') continue;
    if (layer.class_name === 'LeakyReLU') {
      const prev = out[out.length - 1];
      if (!prev || prev.activation !== 'linear' || prev.leaky !== undefined) throw bad(source, `layer '${name}' (LeakyReLU) must follow a Dense layer with activation linear; minibatch imports ${SUPPORTED}`);
      prev.leaky = typeof c.alpha === 'number' ? c.alpha : typeof c.negative_slope === 'number' ? c.negative_slope : 0.3;
      continue;
    }
    if (layer.class_name === 'Dropout') { dropoutAfter(out[out.length - 1], c, name, source); continue; }
    if (layer.class_name !== 'Dense') {
      throw bad(source, `layer '${name}' is a ${layer.class_name}, which minibatch cannot train; it imports ${SUPPORTED}. Remove the layer (or export a model of Dense layers only)`);
    }
    const units = c.units; const act = c.activation ?? 'linear';
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) throw bad(source, `Dense layer '${name}' has units ${String(units)}, expected a whole number >= 1`);
    if (typeof act !== 'string') throw bad(source, `Dense layer '${name}' has an activation that is not a name (${JSON.stringify(act)}); use relu, tanh, sigmoid, softmax or linear`);
    out.push({ name, units, activation: act, useBias: c.use_bias !== false, ...(inputs !== undefined && out.length === 0 ? { inputs } : {}) });
  }
  if (out.length === 0) throw bad(source, `the model has no Dense layer; minibatch imports ${SUPPORTED}`);
  const last = out[out.length - 1]!;
  if (last.dropout !== undefined) throw bad(source, `the last Dense layer '${last.name}' is followed by a Dropout; minibatch applies dropout between hidden layers only. Remove that Dropout layer`);
  return out;
}

/** Records a Dropout layer's rate on the Dense layer before it. */
function dropoutAfter(prev: Dense | undefined, c: Record<string, unknown>, name: string, source: string): void {
  if (!prev || prev.dropout !== undefined) throw bad(source, `layer '${name}' (Dropout) must follow a Dense layer (minibatch applies dropout between hidden layers, not to the inputs); remove it or move it after a hidden Dense`);
  const rate = c.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw bad(source, `Dropout layer '${name}' has rate ${JSON.stringify(rate)}, expected a number in [0, 1)`);
  prev.dropout = rate;
}

/** The ModelSpec of a Dense stack but its widths: one shared hidden activation and a trainable output. */
function stackShape(dense: Dense[], source: string): Omit<ModelSpec, 'layers'> {
  const hidden = dense.slice(0, -1).map((d) => (d.leaky !== undefined ? 'leaky-relu' : HIDDEN[d.activation]));
  dense.slice(0, -1).forEach((d, i) => {
    if (hidden[i] === undefined) throw bad(source, `hidden Dense layer '${d.name}' has activation '${d.activation}'; hidden layers may use relu, tanh, sigmoid, linear or a LeakyReLU layer`);
  });
  if (new Set(hidden).size > 1) throw bad(source, `hidden layers use different activations (${hidden.join(', ')}); minibatch models use one activation for every hidden layer`);
  const slopes = new Set(dense.filter((d) => d.leaky !== undefined).map((d) => d.leaky));
  if (slopes.size > 1) throw bad(source, `LeakyReLU layers use different alphas (${[...slopes].join(', ')}); minibatch models use one slope`);
  const last = dense[dense.length - 1]!;
  if (last.leaky !== undefined) throw bad(source, `the last Dense layer '${last.name}' is followed by a LeakyReLU; the output must be linear, sigmoid or softmax`);
  const output = OUTPUT[last.activation];
  if (!output) throw bad(source, `the last Dense layer '${last.name}' has activation '${last.activation}'; minibatch trains outputs linear (mean squared error), sigmoid (binary cross-entropy) or softmax (cross-entropy)`);
  if (output === 'softmax' && last.units < 2) throw bad(source, `the last Dense layer '${last.name}' is a softmax over ${last.units} unit; use sigmoid for one 0/1 output`);
  const activation: Activation = hidden[0] ?? 'linear';
  const kind: ModelKind = dense.length > 1 ? 'mlp' : output === 'linear' ? 'linear' : output === 'softmax' ? 'softmax' : last.units === 1 ? 'logistic' : 'mlp';
  const leakySlope = [...slopes][0] ?? 0.01;
  if (!(leakySlope >= 0 && leakySlope <= 1)) throw bad(source, `LeakyReLU alpha ${leakySlope} is outside 0..1, the slopes minibatch supports`);
  const rates = dense.slice(0, -1).map((d) => d.dropout ?? 0);
  return { kind, activation, output, init: 'glorot', seed: 1, leakySlope, ...(rates.some((r) => r > 0) ? { dropout: rates } : {}) };
}

/** Splits the concatenated weight bytes into one Float32Array per manifest entry. */
function readWeights(specs: Array<z.infer<typeof weightSpec>>, data: Uint8Array, source: string): Float32Array[] {
  let off = 0;
  const arrays = specs.map((s) => {
    if (s.dtype !== 'float32' || s.quantization !== undefined) {
      throw bad(source, `weight '${s.name}' is ${s.quantization !== undefined ? 'quantized' : s.dtype}; minibatch reads float32 weights only (convert without quantization)`);
    }
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > data.length) throw bad(source, `the weight files hold ${data.length} bytes, too few for '${s.name}' (shape [${s.shape.join(', ')}]); a weights file is missing or truncated`);
    const a = new Float32Array(n);
    new Uint8Array(a.buffer).set(data.subarray(off, off + 4 * n));
    off += 4 * n;
    return a;
  });
  if (off !== data.length) throw bad(source, `the weight files hold ${data.length} bytes but the manifest describes ${off}; the files do not belong to this model.json`);
  return arrays;
}

function bad(source: string, what: string): MinibatchError {
  return new MinibatchError('BAD_MODEL_FILE', `${source} (TF.js LayersModel): ${what}`);
}
