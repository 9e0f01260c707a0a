// Weighted losses (sampleWeight, classWeight): the gradient against finite differences, the weighted-mean rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { Batch } from '../../src/data/batch.js';
import { createBackend } from '../../src/kernels/select.js';
import { linearRegression, logisticRegression, mlp } from '../../src/nn/models.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { analyticGradient, numericGradient } from '../helpers/numeric-grad.js';

function weightedBatch(inputs: number, rows: number, y: number[], seed: number): Batch {
  const rng = new Rng(seed);
  return {
    x: Float32Array.from({ length: rows * inputs }, () => rng.normal()),
    y: Float32Array.from(y),
    w: Float32Array.from({ length: rows }, (_, i) => [0.5, 2, 0, 1.25, 3][i % 5]!),
    size: rows,
  };
}

describe('weighted loss', () => {
  const cases = [
    { name: 'sigmoid (logistic)', model: () => logisticRegression({ inputs: 3, seed: 2 }), y: [0, 1, 1, 0, 1, 0] },
    { name: 'softmax MLP (tanh)', model: () => mlp({ layers: [3, 5, 4], activation: 'tanh', seed: 3 }), y: [0, 3, 1, 2, 2, 1] },
    { name: 'softmax MLP on the WASM backend (fused kernel bypassed)', model: () => mlp({ layers: [3, 5, 4], activation: 'tanh', seed: 3, backend: createBackend('wasm') }), y: [0, 3, 1, 2, 2, 1] },
    { name: 'linear, two outputs', model: () => linearRegression({ inputs: 3, outputs: 2, seed: 4 }), y: [0.5, -1, 2, 0.1, -0.3, 1, 0, 0.2, 1.5, -2, 0.7, 0.4] },
  ];
  for (const c of cases) {
    it(`matches finite differences of sum_i w_i l_i: ${c.name}`, () => {
      const model = c.model();
      const batch = weightedBatch(3, 6, c.y, 7);
      const { grad } = analyticGradient(model, model.params, batch);
      const num = numericGradient(model, model.params, batch);
      assertAllClose(grad, num, { rtol: 2e-3, atol: 2e-4 }, 'gradient');
    });
  }

  it("'mean' divides by the batch's weight: the weighted mean loss and gradient", () => {
    const model = logisticRegression({ inputs: 3, seed: 2 });
    const batch = weightedBatch(3, 6, [0, 1, 1, 0, 1, 0], 7);
    const sumGrad = new Float32Array(model.params.length);
    const sumLoss = model.lossAndGrad(model.params, batch, sumGrad, 1);
    const meanGrad = new Float32Array(model.params.length);
    const stats = new Float64Array(5);
    model.accumulateGrad(model.params, batch, meanGrad, false, stats);
    const total = 0.5 + 2 + 0 + 1.25 + 3 + 0.5;
    assertClose(stats[0]! / stats[4]!, sumLoss / total, { rtol: 1e-12 }, 'weighted mean loss');
    assertClose(stats[4]!, total, { rtol: 1e-12 }, 'count is the weight');
    assertAllClose(meanGrad, Array.from(sumGrad, (g) => g / total), { rtol: 1e-5, atol: 1e-7 }, 'mean gradient');
  });

  it('weight 2 on a row is that row twice; weight 0 drops it', () => {
    const model = logisticRegression({ inputs: 1, seed: 1 });
    const two: Batch = { x: Float32Array.from([1, -2, 0.5]), y: Float32Array.from([1, 0, 0]), w: Float32Array.from([2, 1, 0]), size: 3 };
    const dup: Batch = { x: Float32Array.from([1, 1, -2]), y: Float32Array.from([1, 1, 0]), size: 3 };
    const g1 = new Float32Array(2); const g2 = new Float32Array(2);
    const l1 = model.lossAndGrad(model.params, two, g1, 1);
    const l2 = model.lossAndGrad(model.params, dup, g2, 1);
    assertClose(l1, l2, { rtol: 1e-12 }, 'loss');
    assertAllClose(g1, g2, { rtol: 1e-6 }, 'gradient');
  });

  it('unit weights give the unweighted loss and gradient', () => {
    const model = mlp({ layers: [3, 4, 3], seed: 5 });
    const b = weightedBatch(3, 5, [0, 1, 2, 2, 1], 9);
    const unweighted: Batch = { x: b.x, y: b.y, size: b.size };
    b.w!.fill(1);
    const g1 = new Float32Array(model.params.length); const g2 = new Float32Array(model.params.length);
    assertClose(model.lossAndGrad(model.params, b, g1), model.lossAndGrad(model.params, unweighted, g2), { rtol: 1e-6 }, 'loss');
    assertAllClose(g1, g2, { rtol: 1e-5, atol: 1e-7 }, 'gradient');
    assert.ok(g1.some((v) => v !== 0));
  });
});
