// Training with the JS, WASM and auto backends gives the same model and learning curve within float tolerance; leaky relu at slope 0 is relu.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type BackendKind } from '../../src/kernels/select.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { STAT, STAT_SIZE } from '../../src/nn/losses.js';
import { mlp } from '../../src/nn/models.js';
import type { Activation } from '../../src/nn/model.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { assertAllClose } from '../helpers/assert-close.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

const kinds: BackendKind[] = ['js', 'wasm', 'auto'];

async function curve(kind: BackendKind, activation: Activation, layers: number[], batchSize: number): Promise<{ losses: number[]; params: Float32Array }> {
  const data = layers[layers.length - 1] === 1 ? binaryProblem(150, layers[0]!, 3) : multiclassProblem(150, layers[0]!, layers[layers.length - 1]!, 3);
  const model = mlp({ layers, activation, seed: 2, backend: createBackend(kind) });
  const h = await fit(model, data, { batchSize, epochs: 8, optimizer: activation === 'tanh' ? adam({ learningRate: 0.01 }) : sgd({ learningRate: batchSize === 1 ? 0.01 : 0.1, momentum: batchSize === 1 ? 0 : 0.9 }), seed: 4 });
  return { losses: h.records.map((r) => r.trainLoss), params: model.params };
}

describe('backends train alike', { skip: loadKernels() === null ? 'WASM kernels not built' : false }, () => {
  const cases: [Activation, number[], number][] = [['relu', [6, 20, 9, 1], 16], ['leaky-relu', [5, 13, 3], 7], ['tanh', [4, 11, 1], 150], ['sigmoid', [9, 17, 4], 1]];
  for (const [act, layers, bs] of cases) {
    it(`${act} ${layers.join('-')} at batch ${bs}: the same learning curve and weights on every backend`, async () => {
      const ref = await curve('js', act, layers, bs);
      for (const kind of kinds.slice(1)) {
        const c = await curve(kind, act, layers, bs);
        assertAllClose(c.losses, ref.losses, { rtol: 2e-4, atol: 1e-6 }, `${kind} learning curve`);
        assertAllClose(Array.from(c.params), Array.from(ref.params), { rtol: 2e-3, atol: 2e-4 }, `${kind} weights`);
      }
    });
  }

  it('leaky relu with slope 0 gives exactly the gradient of relu on every backend', () => {
    const data = binaryProblem(40, 6, 9);
    const batch = { x: data.x, y: data.y, size: 40 };
    for (const kind of ['js', 'wasm'] as const) {
      const relu = mlp({ layers: [6, 10, 1], activation: 'relu', seed: 1, backend: createBackend(kind) });
      const leaky = mlp({ layers: [6, 10, 1], activation: 'leaky-relu', leakySlope: 0, seed: 1, backend: createBackend(kind) });
      const g1 = new Float32Array(relu.params.length); const g2 = new Float32Array(leaky.params.length);
      relu.lossAndGrad(relu.params, batch, g1); leaky.lossAndGrad(leaky.params, batch, g2);
      assert.deepEqual(Array.from(g2, (v) => v + 0), Array.from(g1, (v) => v + 0), kind);
    }
  });

  it('accumulateGrad matches lossAndGrad and adds the loss to stats', () => {
    const data = binaryProblem(33, 5, 2); const batch = { x: data.x, y: data.y, size: 33 };
    for (const kind of kinds) {
      const model = mlp({ layers: [5, 8, 1], seed: 3, backend: createBackend(kind) });
      const g1 = new Float32Array(model.params.length); const g2 = new Float32Array(model.params.length);
      const s1 = new Float64Array(STAT_SIZE); const s2 = new Float64Array(STAT_SIZE);
      const loss = model.lossAndGrad(model.params, batch, g1, 1 / 33, s1);
      model.accumulateGrad(model.params, batch, g2, false, s2);
      assert.deepEqual(Array.from(g2), Array.from(g1), kind);
      assert.deepEqual(Array.from(s2), Array.from(s1), kind);
      assert.equal(s2[STAT.loss], loss);
      model.accumulateGrad(model.params, batch, g2, true, s2);
      assertAllClose(Array.from(g2), Array.from(g1, (v) => v * 33), { rtol: 1e-5, atol: 1e-6 }, `${kind} sum`);
    }
  });
});
