// Dropout across interop: TF.js export writes Dropout layers and import reads them back; ONNX export (inference) leaves dropout out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { MinibatchError, mlp, modelFromTfjs, toOnnx, toTfjs } from '../../src/index.js';
import { loadTfjs, maxDiff, minibatchPredict, onnxPredict, rawData, tfjsPredict } from './helpers.js';

const { onnx } = onnxProto;
const topology = (layers: unknown[]): Record<string, unknown> => ({ modelTopology: { class_name: 'Sequential', config: { name: 's', layers } }, weightsManifest: [{ paths: ['w.bin'], weights: [] }] });
const dense = (name: string, units: number, activation: string) => ({ class_name: 'Dense', config: { name, units, activation } });
const dropout = (name: string, rate: unknown) => ({ class_name: 'Dropout', config: { name, rate } });

describe('dropout in TF.js and ONNX exports', () => {
  it('TF.js export puts a Dropout layer with its rate after each hidden layer; TF.js loads it and predicts alike; import gives the rates back', async () => {
    const model = mlp({ layers: [5, 9, 7, 2], activation: 'leaky-relu', output: 'softmax', dropout: [0.2, 0.35], seed: 4, leakySlope: 0.1 });
    const a = toTfjs(model);
    const layers = (a.modelJson.modelTopology as { config: { layers: Array<{ class_name: string; config: { rate?: number } }> } }).config.layers;
    assert.deepEqual(layers.map((l) => l.class_name), ['Dense', 'LeakyReLU', 'Dropout', 'Dense', 'LeakyReLU', 'Dropout', 'Dense']);
    assert.deepEqual(layers.filter((l) => l.class_name === 'Dropout').map((l) => l.config.rate), [0.2, 0.35]);
    const x = rawData(20, 5, 3);
    const tfm = await loadTfjs(a);
    assert.ok(maxDiff(tfjsPredict(tfm, x, 5), minibatchPredict(model, x)) < 1e-5, 'TF.js predict (dropout off) equals minibatch predict');
    tfm.dispose();
    const back = modelFromTfjs(JSON.parse(a.modelJsonText), a.weights);
    assert.deepEqual(back.spec.dropout, [0.2, 0.35]);
    assert.deepEqual(Array.from(back.params), Array.from(model.params));
  });

  it('a model without dropout exports no Dropout layer, and imports without dropout', () => {
    const model = mlp({ layers: [3, 4, 1], seed: 1 });
    const a = toTfjs(model);
    assert.ok(!a.modelJsonText.includes('Dropout'));
    assert.equal('dropout' in modelFromTfjs(JSON.parse(a.modelJsonText), a.weights).spec, false);
  });

  it('a Keras-style TF.js model with tf.layers.dropout imports with the rates (0 where a hidden layer has none)', async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }));
    m.add(tf.layers.dropout({ rate: 0.25 }));
    m.add(tf.layers.dense({ units: 5, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    let json: Record<string, unknown> = {}; let weights = new Uint8Array(0);
    await m.save(tf.io.withSaveHandler(async (art) => {
      json = { format: art.format, modelTopology: art.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: art.weightSpecs }] };
      weights = new Uint8Array(art.weightData as ArrayBuffer);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const model = modelFromTfjs(json, weights);
    assert.deepEqual(model.spec.dropout, [0.25, 0]);
    assert.deepEqual(model.spec.layers, [4, 6, 5, 1]);
    m.dispose();
  });

  it('refuses a Dropout on the inputs, after the output, or with a bad rate, naming the layer', () => {
    const cases: Array<[unknown[], RegExp]> = [
      [[dropout('d0', 0.2), dense('a', 3, 'relu'), dense('b', 1, 'sigmoid')], /layer 'd0' \(Dropout\) must follow a Dense layer/],
      [[dense('a', 3, 'relu'), dense('b', 1, 'sigmoid'), dropout('d9', 0.2)], /the last Dense layer 'b' is followed by a Dropout/],
      [[dense('a', 3, 'relu'), dropout('d1', 1), dense('b', 1, 'sigmoid')], /Dropout layer 'd1' has rate 1, expected a number in \[0, 1\)/],
    ];
    for (const [layers, re] of cases) {
      assert.throws(() => modelFromTfjs(topology(layers), new Uint8Array(0), 'm.json'), (e: unknown) => e instanceof MinibatchError && re.test(e.message));
    }
  });

  it('ONNX export is the inference graph: no Dropout node, and ONNX Runtime predicts as minibatch does', async () => {
    const model = mlp({ layers: [5, 8, 6, 3], activation: 'tanh', output: 'softmax', dropout: 0.5, seed: 2 });
    const bytes = toOnnx(model);
    const g = onnx.ModelProto.decode(bytes).graph as InstanceType<typeof onnx.GraphProto>;
    assert.deepEqual(g.node.map((n) => n.opType), ['Gemm', 'Tanh', 'Gemm', 'Tanh', 'Gemm', 'Softmax']);
    const x = rawData(16, 5, 7);
    assert.ok(maxDiff(await onnxPredict(bytes, x, 5), minibatchPredict(model, x)) < 1e-5);
  });
});
