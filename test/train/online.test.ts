// Online learning: trainOnBatch / partialFit make fit's updates, keep the optimizer state, check their input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { fit } from '../../src/train/fit.js';
import { onlineLearner, trainOnBatch } from '../../src/train/online.js';
import { bitEqual } from '../helpers/assert-close.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

describe('online learning', () => {
  it("a sequence of trainOnBatch calls on fit's batches makes fit's updates, bit for bit (Adam state kept)", async () => {
    const data = binaryProblem(40, 8, 3);
    const a = mlp({ layers: [8, 12, 8, 1], seed: 4 }); const b = mlp({ layers: [8, 12, 8, 1], seed: 4 });
    await fit(a, data, { batchSize: 8, epochs: 2, shuffle: false, optimizer: adam({ learningRate: 0.01 }) });
    const learner = onlineLearner(b, { optimizer: adam({ learningRate: 0.01 }) });
    const nf = data.numFeatures;
    for (let e = 0; e < 2; e++) {
      for (let s = 0; s < 40; s += 8) learner.trainOnBatch(data.x.slice(s * nf, (s + 8) * nf), data.y.slice(s, s + 8));
    }
    assert.equal(learner.updates, 10); assert.equal(learner.optimizer.iterations, 10);
    assert.ok(bitEqual(a.params, b.params));
  });

  it('partialFit takes number[][] rows and chains; the loss falls over calls', () => {
    const data = multiclassProblem(60, 3, 3, 2);
    const model = softmaxRegression({ inputs: 3, classes: 3 });
    const learner = onlineLearner(model, { optimizer: adam({ learningRate: 0.05 }) });
    const rows = Array.from({ length: 60 }, (_, i) => Array.from(data.x.subarray(i * 3, i * 3 + 3)));
    const y = Array.from(data.y);
    const first = learner.trainOnBatch(rows, y);
    for (let k = 0; k < 50; k++) learner.partialFit(rows, y).partialFit(rows, y);
    assert.ok(learner.trainOnBatch(rows, y) < first * 0.8);
  });

  it('the trainOnBatch function keeps one state per model and optimizer', () => {
    const model = mlp({ layers: [2, 3, 1], seed: 1 });
    const opt = adam({ learningRate: 0.01 });
    trainOnBatch(model, [[1, 2]], [1], { optimizer: opt });
    trainOnBatch(model, [[0, -1]], [0], { optimizer: opt });
    assert.equal(opt.iterations, 2);
  });

  it('refuses bad shapes and labels, naming them', () => {
    const learner = onlineLearner(mlp({ layers: [2, 3, 1] }));
    assert.throws(() => learner.trainOnBatch([[1, 2, 3]], [1]), (e: unknown) => e instanceof MinibatchError && /x row 0 has 3 features, the model takes 2/.test(e.message));
    assert.throws(() => learner.trainOnBatch([[1, 2]], [1, 0]), /y has 2 values for 1 rows/);
    assert.throws(() => learner.trainOnBatch([[1, 2]], [2]), /y value 0 is 2; a sigmoid \(binary\) model takes labels 0 or 1/);
    assert.equal(learner.updates, 0);
  });
});
