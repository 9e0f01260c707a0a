// Gradient checks: every model and loss against central finite differences of its own loss.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { Batch } from '../../src/data/batch.js';
import type { Activation, Model } from '../../src/nn/model.js';
import type { OutputKind } from '../../src/nn/losses.js';
import { linearRegression, logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { analyticGradient, numericGradient } from '../helpers/numeric-grad.js';
import { referenceForward } from '../helpers/reference-mlp.js';

/** Targets for `rows` rows of a model with `outputs` outputs of kind `output`. */
function targets(output: OutputKind, rows: number, outputs: number, rng: Rng): Float32Array {
  if (output === 'softmax') return Float32Array.from({ length: rows }, () => rng.int(outputs));
  if (output === 'sigmoid') return Float32Array.from({ length: rows * outputs }, () => rng.int(2));
  return Float32Array.from({ length: rows * outputs }, () => rng.normal());
}

/**
 * A batch of `rows` rows whose hidden pre-activations all stay at least `margin` from 0, so
 * finite differences never straddle a ReLU kink (rows near a kink are skipped).
 */
function batchFor(model: Model, rows: number, seed: number, margin = 0.1): Batch {
  const rng = new Rng(seed); const spec = model.spec;
  const x: number[] = [];
  let kept = 0;
  for (let tries = 0; kept < rows; tries++) {
    assert.ok(tries < 10000, 'could not find rows away from the kinks');
    const row = Array.from({ length: model.inputs }, () => rng.normal());
    const { z } = referenceForward(spec, model.params, [row]);
    const nearKink = z.slice(0, -1).some((layer) => layer[0]!.some((v) => Math.abs(v) < margin));
    if (nearKink) continue;
    x.push(...row); kept++;
  }
  return { x: Float32Array.from(x), y: targets(spec.output, rows, model.outputs, rng), size: rows };
}

function checkGradient(model: Model, rows = 6, seed = 1): void {
  const batch = batchFor(model, rows, seed);
  const { grad } = analyticGradient(model, model.params, batch);
  const num = numericGradient(model, model.params, batch);
  const scale = Math.max(...Array.from(num, Math.abs));
  assert.ok(scale > 1e-3, 'the gradient is not trivially zero');
  assertAllClose(grad, num, { rtol: 2e-3, atol: 1e-4 * scale }, `${model.spec.kind} ${model.spec.layers.join('-')} ${model.spec.activation}/${model.spec.output} gradient`);
}

describe('gradients match central finite differences', () => {
  it('linear regression with 1 output', () => checkGradient(linearRegression({ inputs: 3, seed: 2 })));
  it('linear regression with 3 outputs', () => checkGradient(linearRegression({ inputs: 4, outputs: 3, seed: 3 })));
  it('logistic regression', () => checkGradient(logisticRegression({ inputs: 3, seed: 4 })));
  it('softmax regression', () => checkGradient(softmaxRegression({ inputs: 3, classes: 4, seed: 5 })));

  const activations: Activation[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid'];
  const outputs: [OutputKind, number][] = [['linear', 2], ['sigmoid', 2], ['softmax', 3]];
  for (const activation of activations) {
    for (const [output, width] of outputs) {
      it(`mlp 3-5-4-${width} with ${activation} hidden layers and a ${output} output`, () => {
        const model = mlp({ layers: [3, 5, 4, width], activation, output, seed: 7, leakySlope: 0.1 });
        checkGradient(model, 5, 11);
      });
    }
  }

  it('the default scale 1/m gives the mean gradient and the loss is still summed', () => {
    const model = mlp({ layers: [2, 3, 1], activation: 'tanh', output: 'sigmoid', seed: 3 });
    const batch = batchFor(model, 8, 2);
    const sum = analyticGradient(model, model.params, batch);
    const mean = new Float32Array(model.params.length);
    const loss = model.lossAndGrad(model.params, batch, mean);
    assertClose(loss, sum.loss, { rtol: 1e-12 }, 'returned loss');
    assertAllClose(mean, Array.from(sum.grad, (g) => g / 8), { rtol: 1e-5, atol: 1e-7 }, 'mean gradient');
  });

  it('lossAndGrad overwrites the gradient buffer instead of adding to it', () => {
    const model = linearRegression({ inputs: 2, seed: 1 });
    const batch = batchFor(model, 4, 3);
    const g1 = new Float32Array(model.params.length);
    model.lossAndGrad(model.params, batch, g1);
    const g2 = new Float32Array(model.params.length).fill(123);
    model.lossAndGrad(model.params, batch, g2);
    assert.deepEqual(g2, g1);
  });
});

describe('losses stay finite and correct for extreme logits', () => {
  it('binary cross-entropy of logit +1e4 with label 0 (and -1e4 with label 1) is 1e4', () => {
    const model = logisticRegression({ inputs: 1 });
    model.setWeights([[1e4], [0]]);
    const batch: Batch = { x: Float32Array.from([1, -1, 1, -1]), y: Float32Array.from([0, 1, 1, 0]), size: 4 };
    const grad = new Float32Array(2);
    const stats = new Float64Array(5);
    const loss = model.lossAndGrad(model.params, batch, grad, 1, stats);
    assertClose(loss, 2e4, { rtol: 1e-9 }, 'summed loss: 1e4 + 1e4 + 0 + 0');
    // dl/dz = sigmoid(z) - y = [1, -1, 0, 0]; dW = sum x dz = 1 + 1 = 2, db = 0.
    assertAllClose(grad, [2, 0], { atol: 1e-6 }, 'gradient');
    assert.equal(stats[1], 2, 'two of four predictions are right');
  });

  it('softmax cross-entropy of logits (1e4, -1e4, 0) is exact and its gradient finite', () => {
    const model = softmaxRegression({ inputs: 1, classes: 3 });
    model.setWeights([[1e4, -1e4, 0], [0, 0, 0]]);
    const batch: Batch = { x: Float32Array.from([1, 1]), y: Float32Array.from([1, 0]), size: 2 };
    const grad = new Float32Array(6);
    const loss = model.lossAndGrad(model.params, batch, grad, 1);
    assertClose(loss, 2e4, { rtol: 1e-9 }, 'loss: lse - z_y = 1e4 - (-1e4), plus 0');
    // dz rows: softmax(z) - onehot = [1, -1, 0] and [0, 0, 0]; dW = x^T dz, db = column sums.
    assertAllClose(grad, [1, -1, 0, 1, -1, 0], { atol: 1e-6 }, 'gradient');
    const p = model.predict([[1], [-1]]);
    assert.ok(Array.from(p).every(Number.isFinite));
    assertAllClose(p, [1, 0, 0, 0, 1, 0], { atol: 1e-6 }, 'probabilities');
  });

  it('a saturated mlp with a sigmoid output keeps a finite loss and gradient', () => {
    const model = mlp({ layers: [1, 2, 1], activation: 'tanh', output: 'sigmoid' });
    model.setWeights([[1, 1], [0, 0], [5e3, 5e3], [0]]);
    const batch: Batch = { x: Float32Array.from([10, -10]), y: Float32Array.from([0, 1]), size: 2 };
    const grad = new Float32Array(model.params.length);
    const loss = model.lossAndGrad(model.params, batch, grad, 1);
    assertClose(loss, 2e4, { rtol: 1e-6 }, 'logits +-1e4 against the wrong labels');
    assert.ok(Array.from(grad).every(Number.isFinite), `gradient ${grad}`);
  });

  it('mean squared error of logit 1e4 against 0 is 1e8', () => {
    const model = linearRegression({ inputs: 1 });
    model.setWeights([[1e4], [0]]);
    const grad = new Float32Array(2);
    const loss = model.lossAndGrad(model.params, { x: Float32Array.from([1]), y: Float32Array.from([0]), size: 1 }, grad, 1);
    assert.equal(loss, 1e8);
    assertAllClose(grad, [2e4, 2e4], { rtol: 1e-7 });
  });
});
