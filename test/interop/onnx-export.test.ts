// ONNX export: ONNX Runtime (wasm, files from node_modules) predicts like minibatch on raw features.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import {
  applyScaling, fit, fitScaling, loadCsv, mlp, sgd, softmaxRegression, split, toOnnx, ONNX_OPSET,
  type Activation, type OutputKind,
} from '../../src/index.js';
import { maxDiff, minibatchPredict, onnxPredict, rawData, withScaling } from './helpers.js';

const { onnx } = onnxProto;
const PIMA = fileURLToPath(new URL('../../../../shared/datasets/pima-indians-diabetes.csv', import.meta.url));

describe('ONNX export', () => {
  const cases: Array<[Activation, OutputKind, number, 'standardize' | 'minmax' | 'none']> = [
    ['relu', 'sigmoid', 1, 'standardize'], ['tanh', 'softmax', 3, 'minmax'], ['sigmoid', 'linear', 2, 'standardize'],
    ['leaky-relu', 'softmax', 4, 'none'], ['linear', 'linear', 1, 'minmax'],
  ];
  for (const [activation, output, k, method] of cases) {
    it(`a ${activation} MLP with a ${output} output and ${method} scaling predicts raw rows like minibatch within 1e-5 in ONNX Runtime`, async () => {
      const x = rawData(200, 5, 12);
      const model = withScaling(mlp({ layers: [5, 7, 6, k], activation, output, seed: 5, leakySlope: 0.2 }), x, method);
      const d = maxDiff(await onnxPredict(toOnnx(model), x, 5), minibatchPredict(model, x));
      assert.ok(d < 1e-5, `max difference ${d}`);
    });
  }

  it('declares opset 13, Gemm and activation nodes, and input [N, features] with a dynamic N', () => {
    const model = mlp({ layers: [4, 3, 2], activation: 'leaky-relu', output: 'softmax', seed: 1, leakySlope: 0.05 });
    model.meta = { features: ['a', 'b', 'c', 'd'], classNames: ['no', 'yes'] };
    const m = onnx.ModelProto.decode(toOnnx(model));
    assert.deepEqual(m.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', ONNX_OPSET]]);
    assert.ok(ONNX_OPSET >= 13);
    const g = m.graph as InstanceType<typeof onnx.GraphProto>;
    assert.deepEqual(g.node.map((n) => n.opType), ['Gemm', 'LeakyRelu', 'Gemm', 'Softmax']);
    assert.ok(Math.abs(g.node[1]!.attribute![0]!.f! - 0.05) < 1e-7);
    const dims = g.input[0]!.type!.tensorType!.shape!.dim!;
    assert.equal(g.input[0]!.name, 'input');
    assert.equal(dims[0]!.dimParam, 'N');
    assert.equal(Number(dims[1]!.dimValue), 4);
    assert.equal(Number(g.output[0]!.type!.tensorType!.shape!.dim![1]!.dimValue), 2);
    assert.deepEqual(m.metadataProps.map((p) => p.key), ['features', 'classNames']);
  });

  it('runs any batch size on one exported model (1 row and 300 rows)', async () => {
    const x = rawData(300, 5, 3);
    const model = withScaling(softmaxRegression({ inputs: 5, classes: 3, seed: 2 }), x, 'standardize');
    const bytes = toOnnx(model);
    for (const rows of [1, 300]) {
      const xs = x.subarray(0, rows * 5);
      const d = maxDiff(await onnxPredict(bytes, xs, 5), minibatchPredict(model, xs));
      assert.ok(d < 1e-5, `${rows} rows: max difference ${d}`);
    }
  });

  it('on Pima (raw features) predicts like minibatch predict within 1e-5', { skip: existsSync(PIMA) ? false : `${PIMA} is absent (the shared data sets are not available here)` }, async () => {
    const data = await loadCsv(PIMA);
    const parts = split(data, { testFraction: 0.2, seed: 3 });
    const scaling = fitScaling(parts.train, 'minmax');
    const model = mlp({ layers: [8, 12, 8, 1], activation: 'tanh', output: 'sigmoid', seed: 3 });
    await fit(model, applyScaling(parts.train, scaling), { batchSize: 16, epochs: 20, optimizer: sgd({ learningRate: 0.1 }), seed: 3 });
    model.meta = { features: data.features, scaling };
    const d = maxDiff(await onnxPredict(toOnnx(model), data.x, 8), minibatchPredict(model, data.x));
    assert.ok(d < 1e-5, `max difference ${d} over ${data.length} rows`);
  });
});
