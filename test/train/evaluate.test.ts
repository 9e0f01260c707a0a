// evaluate: example-weighted loss and metrics on a whole data set, independent of the chunk size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { linearRegression, logisticRegression, mlp } from '../../src/nn/models.js';
import { evaluate } from '../../src/train/evaluate.js';
import { assertClose } from '../helpers/assert-close.js';
import { binaryProblem, multiclassProblem, rowsOf } from '../helpers/problems.js';
import { referenceLossAndGrad } from '../helpers/reference-mlp.js';

describe('evaluate', () => {
  it('gives mean squared and absolute error computed by hand for regression', () => {
    const model = linearRegression({ inputs: 1 });
    model.setWeights([[2], [1]]); // predicts 2x + 1
    const data = Dataset.fromArrays([[0], [1], [2]], [1, 4, 2]); // errors 0, -1, 3
    const ev = evaluate(model, data);
    assert.equal(ev.examples, 3);
    assertClose(ev.loss, 10 / 3, { rtol: 1e-12 }, 'loss');
    assertClose(ev.metrics.mse!, 10 / 3, { rtol: 1e-12 }, 'mse');
    assertClose(ev.metrics.mae!, 4 / 3, { rtol: 1e-12 }, 'mae');
    assert.equal(ev.metrics.accuracy, undefined);
  });

  it('gives accuracy and binary cross-entropy for a logistic model', () => {
    const model = logisticRegression({ inputs: 1 });
    model.setWeights([[1], [0]]); // p = sigmoid(x): right when sign(x) matches the label
    const data = Dataset.fromArrays([[2], [-1], [3], [-2]], [1, 0, 0, 1]);
    const ev = evaluate(model, data);
    assertClose(ev.metrics.accuracy!, 0.5, { rtol: 1e-12 }, 'accuracy');
    const bce = (z: number, y: number): number => -(y * Math.log(1 / (1 + Math.exp(-z))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-z))));
    assertClose(ev.loss, (bce(2, 1) + bce(-1, 0) + bce(3, 0) + bce(-2, 1)) / 4, { rtol: 1e-7 }, 'loss');
  });

  it('does not depend on the chunk size and matches the reference loss', () => {
    const data = multiclassProblem(53, 3, 4, 2);
    const model = mlp({ layers: [3, 5, 4], activation: 'tanh', output: 'softmax', seed: 3 });
    const { x, y } = rowsOf(data);
    const ref = referenceLossAndGrad(model.spec, model.params, x, y).loss / 53;
    const a = evaluate(model, data); const b = evaluate(model, data, { batchSize: 7 }); const c = evaluate(model, data, { batchSize: 1 });
    assertClose(a.loss, ref, { rtol: 1e-6 }, 'loss vs reference');
    assertClose(b.loss, a.loss, { rtol: 1e-9 }, 'chunks of 7');
    assertClose(c.loss, a.loss, { rtol: 1e-9 }, 'chunks of 1');
    assert.equal(b.metrics.accuracy, a.metrics.accuracy);
  });

  it('rejects data that does not fit the model and a bad chunk size', () => {
    const model = logisticRegression({ inputs: 2 });
    assert.throws(() => evaluate(model, binaryProblem(5, 3, 1)), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
    assert.throws(() => evaluate(model, binaryProblem(5, 2, 1), { batchSize: 0 }), (e: unknown) => e instanceof MinibatchError && /got 0/.test(e.message));
  });
});

describe('predict', () => {
  it('rejects rows of the wrong width', () => {
    const model = linearRegression({ inputs: 2 });
    assert.throws(() => model.predict([[1, 2], [3]]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE' && /row 1 has 1 features/.test(e.message));
    assert.throws(() => model.predict(new Float32Array(3)), (e: unknown) => e instanceof MinibatchError && /not a multiple of the model's 2 inputs/.test(e.message));
  });

  it('returns softmax probabilities that sum to 1 per row', () => {
    const model = mlp({ layers: [2, 4, 3], activation: 'relu', output: 'softmax', seed: 5 });
    const p = model.predict([[1, 2], [-3, 0.5]]);
    assertClose(p[0]! + p[1]! + p[2]!, 1, { rtol: 1e-6 }, 'row 0');
    assertClose(p[3]! + p[4]! + p[5]!, 1, { rtol: 1e-6 }, 'row 1');
  });
});
