// TF.js export: tf.loadLayersModel predicts like minibatch predict on raw features, scaling folded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  adam, applyScaling, fit, fitScaling, foldScaling, loadCsv, mlp, linearRegression, softmaxRegression, split, toTfjs,
  MinibatchError, type Activation, type OutputKind,
} from '../../src/index.js';
import { loadTfjs, maxDiff, minibatchPredict, rawData, tfjsPredict, withScaling } from './helpers.js';

const PIMA = fileURLToPath(new URL('../../../../shared/datasets/pima-indians-diabetes.csv', import.meta.url));

describe('TF.js export', () => {
  const cases: Array<[Activation, OutputKind, number, 'standardize' | 'minmax' | 'none']> = [
    ['relu', 'sigmoid', 1, 'standardize'], ['tanh', 'softmax', 3, 'minmax'], ['sigmoid', 'linear', 2, 'standardize'],
    ['leaky-relu', 'softmax', 4, 'none'], ['linear', 'sigmoid', 1, 'minmax'],
  ];
  for (const [activation, output, k, method] of cases) {
    it(`a ${activation} MLP with a ${output} output and ${method} scaling predicts raw rows like minibatch within 1e-5`, async () => {
      const x = rawData(200, 5, 11);
      const model = withScaling(mlp({ layers: [5, 7, 6, k], activation, output, seed: 4, leakySlope: 0.2 }), x, method);
      const a = toTfjs(model);
      const tm = await loadTfjs(a);
      const d = maxDiff(tfjsPredict(tm, x, 5), minibatchPredict(model, x));
      assert.ok(d < 1e-5, `max difference ${d}`);
    });
  }

  it('writes a Sequential of Dense layers with batch_input_shape on the first and one weights file', () => {
    const model = mlp({ layers: [3, 4, 2], activation: 'leaky-relu', output: 'softmax', seed: 1, leakySlope: 0.1 });
    const a = toTfjs(model);
    const json = JSON.parse(a.modelJsonText);
    assert.equal(json.format, 'layers-model');
    const layers = json.modelTopology.config.layers as Array<{ class_name: string; config: Record<string, unknown> }>;
    assert.deepEqual(layers.map((l) => l.class_name), ['Dense', 'LeakyReLU', 'Dense']);
    assert.deepEqual(layers[0]!.config.batch_input_shape, [null, 3]);
    assert.equal(layers[1]!.config.alpha, 0.1);
    assert.equal(layers[2]!.config.activation, 'softmax');
    assert.deepEqual(json.weightsManifest[0].paths, ['group1-shard1of1.bin']);
    assert.equal(a.weights.byteLength, 4 * model.params.length);
  });

  it('regression models of one layer export too (linear and softmax regression)', async () => {
    const x = rawData(50, 4, 2);
    for (const model of [linearRegression({ inputs: 4, outputs: 2, seed: 3 }), softmaxRegression({ inputs: 4, classes: 3, seed: 3 })]) {
      withScaling(model, x, 'standardize');
      const d = maxDiff(tfjsPredict(await loadTfjs(toTfjs(model)), x, 4), minibatchPredict(model, x));
      assert.ok(d < 1e-5, `${model.spec.kind}: max difference ${d}`);
    }
  });

  it('folds x\' = (x - m) / s into the first layer: x W\' + b\' = x\' W + b (float64 check)', () => {
    const layer = { inputs: 2, units: 2, kernel: Float32Array.of(1, 2, -3, 0.5), bias: Float32Array.of(0.25, -1), activation: 'linear' as const };
    const f = foldScaling(layer, [10, -4], [2, 0.5]);
    const x = [13, -3]; const xs = [(13 - 10) / 2, (-3 + 4) / 0.5];
    for (let j = 0; j < 2; j++) {
      const folded = x[0]! * f.kernel[j]! + x[1]! * f.kernel[2 + j]! + f.bias[j]!;
      const direct = xs[0]! * layer.kernel[j]! + xs[1]! * layer.kernel[2 + j]! + layer.bias[j]!;
      assert.ok(Math.abs(folded - direct) < 1e-6, `unit ${j}: ${folded} vs ${direct}`);
    }
    assert.throws(() => foldScaling(layer, [0, 0], [1, 0]), /scales must be finite and > 0/);
  });

  it('refuses a model trained on one-hot categorical columns unless oneHotInputs is set', async () => {
    const model = mlp({ layers: [3, 2, 1], seed: 1 });
    model.meta = { features: ['age', 'color=red', 'color=blue'], scaling: { method: 'standardize', offset: [30, 0.5, 0.5], scale: [10, 0.5, 0.5] } };
    assert.throws(() => toTfjs(model), (e: unknown) => e instanceof MinibatchError && /one-hot columns.*color=red.*oneHotInputs: true/.test(e.message));
    const x = Float32Array.of(25, 1, 0, 41, 0, 1);
    const d = maxDiff(tfjsPredict(await loadTfjs(toTfjs(model, { oneHotInputs: true })), x, 3), minibatchPredict(model, x));
    assert.ok(d < 1e-5, `max difference ${d}`);
  });

  it('on Pima (raw features) predicts like minibatch predict within 1e-5', { skip: existsSync(PIMA) ? false : `${PIMA} is absent (the shared data sets are not available here)` }, async () => {
    const data = await loadCsv(PIMA);
    const parts = split(data, { testFraction: 0.2, seed: 3 });
    const scaling = fitScaling(parts.train, 'standardize');
    const model = mlp({ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid', seed: 3 });
    await fit(model, applyScaling(parts.train, scaling), { batchSize: 32, epochs: 20, optimizer: adam({ learningRate: 1e-2 }), seed: 3 });
    model.meta = { features: data.features, scaling };
    const d = maxDiff(tfjsPredict(await loadTfjs(toTfjs(model)), data.x, 8), minibatchPredict(model, data.x));
    assert.ok(d < 1e-5, `max difference ${d} over ${data.length} rows`);
  });
});
