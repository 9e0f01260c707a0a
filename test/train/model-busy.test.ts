// The busy guard: a second fit, fitStream or trial on a model being trained is refused with MODEL_BUSY.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { RowSource } from '../../src/data/stream-csv.js';
import { TrialRunner } from '../../src/experiments/run/trial.js';
import { logisticRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { isModelBusy } from '../../src/train/model-busy.js';
import { binaryProblem } from '../helpers/problems.js';

const busy = (e: unknown): boolean => {
  assert.ok(e instanceof MinibatchError, String(e));
  assert.equal(e.code, 'MODEL_BUSY', e.message);
  assert.match(e.message, /still training/);
  assert.match(e.message, /Await the first run/);
  return true;
};

function memorySource(data: Dataset): RowSource {
  return {
    rows: data.length, numFeatures: data.numFeatures, targetWidth: data.targetWidth, features: [], targets: [],
    classNames: undefined, stats: undefined as never,
    async *chunks({ bufferRows }) {
      for (let s = 0; s < data.length; s += bufferRows) {
        yield data.subset(Array.from({ length: Math.min(bufferRows, data.length - s) }, (_, i) => s + i));
      }
    },
  };
}

const data = binaryProblem(120, 4, 5);
const opts = { epochs: 3, batchSize: 16, optimizer: sgd({ learningRate: 0.1 }), seed: 2 } as const;

describe('one training run per model at a time', () => {
  it('Promise.all([fit(m), fit(m)]) refuses the second and leaves the first to train as if alone', async () => {
    const m = logisticRegression({ inputs: 4, seed: 1 });
    const both = await Promise.allSettled([fit(m, data, { ...opts, optimizer: sgd({ learningRate: 0.1 }) }), fit(m, data, { ...opts, optimizer: sgd({ learningRate: 0.1 }) })]);
    assert.equal(both[0]!.status, 'fulfilled');
    assert.equal(both[1]!.status, 'rejected');
    busy((both[1] as PromiseRejectedResult).reason);
    const alone = logisticRegression({ inputs: 4, seed: 1 });
    await fit(alone, data, { ...opts, optimizer: sgd({ learningRate: 0.1 }) });
    assert.deepEqual(Array.from(m.params), Array.from(alone.params), 'the refused call changed the weights');
  });

  it('the model is free again after fit resolves or rejects', async () => {
    const m = logisticRegression({ inputs: 4, seed: 1 });
    await fit(m, data, { epochs: 1 });
    assert.equal(isModelBusy(m), false);
    await assert.rejects(fit(m, data, { epochs: 0 }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_EPOCHS');
    assert.equal(isModelBusy(m), false);
    await fit(m, data, { epochs: 1 });
  });

  it('fitStream during fit, and fit during fitStream, are refused', async () => {
    const m = logisticRegression({ inputs: 4, seed: 1 });
    const first = fit(m, data, { epochs: 2 });
    await assert.rejects(fitStream(m, memorySource(data), { epochs: 1 }), busy);
    await first;
    const stream = fitStream(m, memorySource(data), { epochs: 2 });
    await assert.rejects(fit(m, data), busy);
    await stream;
    assert.equal(isModelBusy(m), false);
  });

  it('a trial on a model that fit is training is refused', async () => {
    const m = logisticRegression({ inputs: 4, seed: 1 });
    const first = fit(m, data, { epochs: 2 });
    const runner = new TrialRunner(m, sgd({ learningRate: 0.1 }), data, data, {
      requested: 8, learningRate: 0.1, seed: 1, budget: { epochs: 1 }, evalEvery: Infinity, divergenceFactor: Infinity, keepParams: false,
    });
    assert.throws(() => runner.advance(Infinity), busy);
    await first;
    assert.equal(runner.advance(Infinity), true);
  });
});
