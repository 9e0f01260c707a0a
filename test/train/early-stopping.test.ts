// Early stopping: patience counts epochs without improvement; restoreBestWeights puts the best back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset } from '../../src/data/dataset.js';
import { linearRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { EarlyStopping } from '../../src/train/early-stopping.js';
import { fit } from '../../src/train/fit.js';
import { bitEqual } from '../helpers/assert-close.js';

/** Training targets y = x, validation targets y = -x: every step towards the train fit hurts validation. */
function conflicting(): { train: Dataset; val: Dataset } {
  const x = Array.from({ length: 16 }, (_, i) => [(i - 7.5) / 4]);
  return { train: Dataset.fromArrays(x, x.map((r) => r[0]!)), val: Dataset.fromArrays(x, x.map((r) => -r[0]!)) };
}

describe('EarlyStopping', () => {
  it('stops once the value has not improved for `patience` epochs in a row', () => {
    const es = new EarlyStopping({ patience: 2 }, false);
    const p = new Float32Array(1);
    assert.deepEqual([5, 4, 4.5, 3, 3.5, 3.2].map((v, i) => es.update(i + 1, v, p)), [false, false, false, false, false, true]);
    assert.equal(es.bestEpoch, 4);
    assert.equal(es.best, 3);
  });

  it('counts only decreases larger than minDelta as improvements', () => {
    const es = new EarlyStopping({ patience: 1, minDelta: 0.5 }, false);
    const p = new Float32Array(1);
    assert.equal(es.update(1, 10, p), false);
    assert.equal(es.update(2, 9.8, p), true, '0.2 is not an improvement of more than 0.5');
    assert.equal(es.bestEpoch, 1);
  });

  it('monitors valLoss by default when there is validation data, else trainLoss', () => {
    assert.equal(new EarlyStopping({ patience: 1 }, true).monitor, 'valLoss');
    assert.equal(new EarlyStopping({ patience: 1 }, false).monitor, 'trainLoss');
  });
});

describe('fit with early stopping', () => {
  it('stops after `patience` epochs without a better validation loss', async () => {
    const { train, val } = conflicting();
    const h = await fit(linearRegression({ inputs: 1, init: 'zeros' }), train, {
      batchSize: 'full', epochs: 50, validationData: val, optimizer: sgd({ learningRate: 0.1 }), earlyStopping: { patience: 3 },
    });
    assert.equal(h.stopped, 'early-stopping');
    assert.equal(h.bestEpoch, 1);
    assert.equal(h.records.length, 4, 'epoch 1 is best, epochs 2, 3, 4 are worse');
  });

  it('restoreBestWeights puts back the weights of the best epoch, bit for bit', async () => {
    const { train, val } = conflicting();
    const model = linearRegression({ inputs: 1, init: 'zeros' });
    let afterEpoch1 = new Float32Array(0);
    const h = await fit(model, train, {
      batchSize: 4, epochs: 50, validationData: val, optimizer: sgd({ learningRate: 0.05 }),
      earlyStopping: { patience: 2, restoreBestWeights: true },
      callbacks: { onEpochEnd: (r) => { if (r.epoch === 1) afterEpoch1 = model.params.slice(); } },
    });
    assert.equal(h.bestEpoch, 1);
    assert.equal(h.records.length, 3);
    assert.ok(bitEqual(model.params, afterEpoch1), `weights ${model.params} vs best ${afterEpoch1}`);
  });

  it('without restoreBestWeights keeps the last weights', async () => {
    const { train, val } = conflicting();
    const model = linearRegression({ inputs: 1, init: 'zeros' });
    let last = new Float32Array(0); let afterEpoch1 = new Float32Array(0);
    await fit(model, train, {
      batchSize: 4, epochs: 50, validationData: val, optimizer: sgd({ learningRate: 0.05 }), earlyStopping: { patience: 2 },
      callbacks: { onEpochEnd: (r) => { last = model.params.slice(); if (r.epoch === 1) afterEpoch1 = last; } },
    });
    assert.ok(bitEqual(model.params, last));
    assert.ok(!bitEqual(model.params, afterEpoch1));
  });

  it('runs every epoch while the monitored loss keeps improving', async () => {
    const { train } = conflicting();
    const h = await fit(linearRegression({ inputs: 1, init: 'zeros' }), train, {
      batchSize: 'full', epochs: 6, optimizer: sgd({ learningRate: 0.1 }), earlyStopping: { patience: 1, restoreBestWeights: true },
    });
    assert.equal(h.stopped, undefined);
    assert.equal(h.records.length, 6);
    assert.equal(h.bestEpoch, 6);
  });
});
