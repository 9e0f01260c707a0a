// Helpers of the interop tests: load exports into TF.js and ONNX Runtime (no network), raw data.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { Rng, fitScaling, Dataset, type Model, type ScalingMethod, type TfjsArtifacts } from '../../src/index.js';

/** ONNX Runtime's wasm files come from node_modules, never from a CDN. */
ort.env.wasm.wasmPaths = fileURLToPath(new URL('../../../node_modules/onnxruntime-web/dist/', import.meta.url));
ort.env.wasm.numThreads = 1;

/** A TF.js LayersModel from export artifacts, through an in-memory IOHandler. */
export async function loadTfjs(a: TfjsArtifacts): Promise<tf.LayersModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(a.modelJsonText) as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const weightData = a.weights.buffer.slice(a.weights.byteOffset, a.weights.byteOffset + a.weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** Predictions of a TF.js model for row-major rows of `features` columns. */
export function tfjsPredict(m: tf.LayersModel, x: Float32Array, features: number): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor2d(x, [x.length / features, features])) as tf.Tensor).dataSync() as Float32Array);
}

/** Predictions of an exported ONNX model (input 'input', output 'output') for row-major rows. */
export async function onnxPredict(bytes: Uint8Array, x: Float32Array, features: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', x, [x.length / features, features]) });
  return out.output!.data as Float32Array;
}

/** What `minibatch predict` computes: the stored scaling applied to raw rows (by Model.predict), then the model. */
export function minibatchPredict(model: Model, raw: Float32Array): Float32Array {
  return model.predict(raw);
}

/**
 * Raw features far from standard but shaped like real columns, seeded: spreads from 0.5 to
 * 80 and means up to 5 spreads from 0 (Pima's glucose is 3.8, its blood pressure 3.6). Folding
 * the scaling keeps float32 predictions within 1e-5 at such ratios; the rounding grows with
 * |mean / spread| (see README, Interoperability).
 */
export function rawData(rows: number, features: number, seed: number): Float32Array {
  const rng = new Rng(seed); const x = new Float32Array(rows * features);
  const ratios = [4, -2, 0, 5, -3];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) {
      const spread = 0.5 + 20 * j;
      x[i * features + j] = spread * (ratios[j % ratios.length]! + 1.7 * (2 * rng.next() - 1));
    }
  }
  return x;
}

/** Stores a scaling fitted on `x` in the model's meta, as `minibatch train` does. */
export function withScaling(model: Model, x: Float32Array, method: ScalingMethod): Model {
  const rows = x.length / model.inputs;
  const data = new Dataset(x, new Float32Array(rows), rows, { features: Array.from({ length: model.inputs }, (_, j) => `f${j}`), targets: ['y'] });
  model.meta = { features: data.features, scaling: fitScaling(data, method) };
  return model;
}

/** The largest absolute difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
