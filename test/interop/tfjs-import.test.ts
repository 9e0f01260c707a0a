// TF.js import: round trips bit for bit, models built in TF.js load and train alike, other layers are refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Dataset, fit, loadModel, mlp, modelFromTfjs, sgd, toTfjs, MinibatchError, Rng, type Model } from '../../src/index.js';
import { maxDiff, rawData, tfjsPredict } from './helpers.js';

/** model.json and weight bytes of a TF.js model, as model.save writes them (in memory). */
async function saved(m: tf.LayersModel): Promise<{ json: Record<string, unknown>; weights: Uint8Array }> {
  let json: Record<string, unknown> = {}; let weights = new Uint8Array(0);
  await m.save(tf.io.withSaveHandler(async (a) => {
    json = { format: a.format, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] };
    weights = new Uint8Array(a.weightData as ArrayBuffer);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return { json, weights };
}

function denseModel(layers: Array<{ units: number; activation: string; useBias?: boolean }>, inputs: number, seed: number): tf.Sequential {
  const m = tf.sequential();
  layers.forEach((l, i) => m.add(tf.layers.dense({
    units: l.units, activation: l.activation as 'relu', useBias: l.useBias ?? true,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 10 + i }),
    ...(i === 0 ? { inputShape: [inputs] } : {}),
  })));
  return m;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && new Uint32Array(a.buffer, a.byteOffset, a.length).every((v, i) => v === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);
}

const topology = (layers: unknown[]): Record<string, unknown> => ({ modelTopology: { class_name: 'Sequential', config: { name: 's', layers } }, weightsManifest: [{ paths: ['w.bin'], weights: [] }] });
const dense = (name: string, units: number, activation: string, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { name, units, activation, ...extra } });

describe('TF.js import', () => {
  it('minibatch -> TF.js -> minibatch gives the same weights bit for bit, in memory and from disk', async () => {
    const model = mlp({ layers: [6, 9, 4, 3], activation: 'tanh', output: 'softmax', seed: 8 });
    const a = toTfjs(model);
    const back = modelFromTfjs(JSON.parse(a.modelJsonText), a.weights);
    assert.deepEqual({ ...back.spec, seed: 0, init: 'glorot' }, { ...model.spec, seed: 0, init: 'glorot' });
    assert.ok(sameBits(back.params, model.params));
    const dir = mkdtempSync(join(tmpdir(), 'minibatch-tfjs-'));
    try {
      writeFileSync(join(dir, 'model.json'), a.modelJsonText); writeFileSync(join(dir, a.weightsFileName), a.weights);
      for (const path of [dir, join(dir, 'model.json')]) assert.ok(sameBits((await loadModel(path)).params, model.params), path);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('loads a model built and saved by TF.js (a Dense layer without bias gets a zero bias) and predicts alike', async () => {
    const tm = denseModel([{ units: 5, activation: 'relu' }, { units: 1, activation: 'sigmoid', useBias: false }], 3, 1);
    const s = await saved(tm);
    const model = modelFromTfjs(s.json, s.weights);
    assert.deepEqual(model.spec.layers, [3, 5, 1]);
    assert.equal(model.spec.output, 'sigmoid');
    assert.deepEqual(Array.from(model.getWeights()[3]!), [0]);
    const x = rawData(40, 3, 1).map((v) => v / 50);
    assert.ok(maxDiff(model.predict(x), tfjsPredict(tm, x, 3)) < 1e-6);
  });

  it('reads the Keras converter layout: model_config, InputLayer, prefixed weight names, two shards on disk', async () => {
    const w = Float32Array.from({ length: 3 * 2 + 2 + 2 * 3 + 3 }, (_, i) => (i % 7) / 10 - 0.3);
    const json = {
      format: 'layers-model',
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], name: 'input_1' } },
        dense('dense', 2, 'tanh'), dense('dense_1', 3, 'softmax'),
      ] } } },
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [
        { name: 'sequential/dense/kernel', shape: [3, 2], dtype: 'float32' }, { name: 'sequential/dense/bias', shape: [2], dtype: 'float32' },
        { name: 'sequential/dense_1/kernel', shape: [2, 3], dtype: 'float32' }, { name: 'sequential/dense_1/bias', shape: [3], dtype: 'float32' },
      ] }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'minibatch-keras-'));
    try {
      const bytes = new Uint8Array(w.buffer);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 30)); writeFileSync(join(dir, 'group1-shard2of2.bin'), bytes.subarray(30));
      const model = await loadModel(join(dir, 'model.json'));
      assert.deepEqual(model.spec.layers, [3, 2, 3]);
      assert.equal(model.spec.activation, 'tanh');
      assert.ok(sameBits(model.params, w));
      writeFileSync(join(dir, 'group1-shard2of2.bin'), bytes.subarray(30, 40));
      await assert.rejects(loadModel(dir), /too few for 'sequential\/dense_1\/kernel'|hold \d+ bytes/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('refuses other layers, naming the layer and what is supported', () => {
    const refused: Array<[unknown[], RegExp]> = [
      [[dense('d1', 4, 'relu', { batch_input_shape: [null, 2] }), { class_name: 'GaussianNoise', config: { name: 'noise_1', stddev: 0.5 } }, dense('d2', 1, 'sigmoid')], /layer 'noise_1' is a GaussianNoise.*imports Dense \(activation relu, tanh, sigmoid, softmax or linear/],
      [[{ class_name: 'Conv2D', config: { name: 'conv2d', filters: 8 } }], /layer 'conv2d' is a Conv2D/],
      [[dense('d1', 4, 'relu'), { class_name: 'BatchNormalization', config: { name: 'bn' } }, dense('d2', 1, 'sigmoid')], /layer 'bn' is a BatchNormalization/],
      [[dense('d1', 4, 'softmax'), dense('d2', 1, 'sigmoid')], /hidden Dense layer 'd1' has activation 'softmax'/],
      [[dense('d1', 4, 'relu'), dense('d2', 4, 'tanh'), dense('d3', 1, 'sigmoid')], /different activations \(relu, tanh\)/],
      [[dense('d1', 4, 'relu'), dense('d2', 2, 'relu')], /last Dense layer 'd2' has activation 'relu'/],
      [[dense('d1', 4, 'relu'), dense('d2', 1, 'softmax')], /softmax over 1 unit/],
    ];
    for (const [layers, re] of refused) {
      assert.throws(() => modelFromTfjs(topology(layers), new Uint8Array(0), 'm.json'), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_MODEL_FILE' && re.test(e.message), String(re));
    }
    const functional = { modelTopology: { class_name: 'Functional', config: { layers: [] } }, weightsManifest: [] };
    assert.throws(() => modelFromTfjs(functional, new Uint8Array(0)), /is a 'Functional'; minibatch imports Sequential models/);
    const quantized = { ...topology([dense('d', 1, 'linear', { batch_input_shape: [null, 2] })]), weightsManifest: [{ paths: ['w'], weights: [{ name: 'd/kernel', shape: [2, 1], dtype: 'uint8', quantization: { dtype: 'uint8' } }] }] };
    assert.throws(() => modelFromTfjs(quantized, new Uint8Array(2)), /quantized; minibatch reads float32 weights only/);
  });

  it('refuses weight paths outside the model.json folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minibatch-tfjs-'));
    try {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...topology([dense('d', 1, 'linear')]), weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }));
      await assert.rejects(loadModel(dir), /weight files must lie beside model.json/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  for (const [output, k, loss] of [['sigmoid', 1, 'binaryCrossentropy'], ['softmax', 3, 'categoricalCrossentropy'], ['linear', 2, 'meanSquaredError']] as const) {
    it(`a ${output} model trained one epoch in TF.js and one in minibatch (same start, batches, SGD) ends at the same weights`, async () => {
      await tf.setBackend('cpu');
      const n = 50; const f = 4; const rng = new Rng(5);
      const x = Float32Array.from({ length: n * f }, () => 2 * rng.next() - 1);
      const y = Float32Array.from({ length: n }, (_, i) => output === 'linear' ? 0 : Math.floor(rng.next() * (k === 1 ? 2 : k)) + 0 * i);
      const yMat = output === 'linear' ? Float32Array.from({ length: n * k }, () => rng.next() * 2 - 1) : undefined;
      const tm = denseModel([{ units: 6, activation: 'tanh' }, { units: k, activation: output }], f, 3);
      const start = await saved(tm);
      const model: Model = modelFromTfjs(start.json, start.weights);
      tm.compile({ optimizer: tf.train.sgd(0.3), loss });
      const ys = output === 'softmax' ? tf.oneHot(tf.tensor1d(y, 'int32'), k) : output === 'linear' ? tf.tensor2d(yMat!, [n, k]) : tf.tensor2d(y, [n, 1]);
      await tm.fit(tf.tensor2d(x, [n, f]), ys, { batchSize: 16, epochs: 1, shuffle: false, verbose: 0 });
      const meta = output === 'softmax' ? { classNames: ['a', 'b', 'c'] } : output === 'sigmoid' ? { classNames: ['no', 'yes'] } : {};
      const data = new Dataset(x, yMat ?? y, n, meta);
      await fit(model, data, { batchSize: 16, epochs: 1, shuffle: false, optimizer: sgd({ learningRate: 0.3 }), seed: 1 });
      const theirs = tm.getWeights().map((t) => t.dataSync() as Float32Array);
      model.getWeights().forEach((w, i) => {
        const d = maxDiff(w, theirs[i]!);
        assert.ok(d < 1e-5, `weight array ${i}: max difference ${d}`);
      });
    });
  }
});
