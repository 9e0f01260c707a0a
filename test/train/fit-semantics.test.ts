// fit's epoch semantics: coverage, updates per epoch, batch sizes, shuffling, seeds, reduction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset } from '../../src/data/dataset.js';
import { fit, type BatchInfo } from '../../src/train/fit.js';
import { mlp, linearRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { adam } from '../../src/optim/adam.js';
import { assertAllClose, bitEqual } from '../helpers/assert-close.js';
import { binaryProblem, indexedDataset, regressionProblem, SpyModel } from '../helpers/problems.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (a: number[]): number[] => [...a].sort((p, q) => p - q);
const tiny = (): ReturnType<typeof sgd> => sgd({ learningRate: 1e-9 });

/** Splits the spy's recorded batches into epochs of `perEpoch` batches. */
function epochsOf(spy: SpyModel, perEpoch: number): number[][][] {
  const out: number[][][] = [];
  for (let i = 0; i < spy.batches.length; i += perEpoch) out.push(spy.batches.slice(i, i + perEpoch));
  return out;
}

describe('fit epoch semantics', () => {
  it('uses every training example exactly once per epoch, in ceil(N/B) updates with a last batch of N mod B', async () => {
    const spy = new SpyModel();
    const sizes: number[] = [];
    const h = await fit(spy, indexedDataset(10), {
      batchSize: 3, epochs: 3, optimizer: tiny(), callbacks: { onBatchEnd: (b: BatchInfo) => { sizes.push(b.size); } },
    });
    assert.equal(h.batchesPerEpoch, 4);
    assert.equal(spy.batches.length, 12, '4 updates per epoch');
    for (const epoch of epochsOf(spy, 4)) {
      assert.deepEqual(sorted(epoch.flat()), range(10), 'each row once');
      assert.deepEqual(epoch.map((b) => b.length), [3, 3, 3, 1], 'last batch holds 10 mod 3 = 1');
    }
    assert.deepEqual(sizes, [3, 3, 3, 1, 3, 3, 3, 1, 3, 3, 3, 1]);
    assert.deepEqual(h.records.map((r) => [r.epoch, r.updates, r.examplesSeen]), [[1, 4, 10], [2, 8, 20], [3, 12, 30]]);
  });

  it('with dropLast makes floor(N/B) updates of B distinct rows each', async () => {
    const spy = new SpyModel();
    const h = await fit(spy, indexedDataset(10), { batchSize: 3, epochs: 2, dropLast: true, optimizer: tiny() });
    assert.equal(h.batchesPerEpoch, 3);
    for (const epoch of epochsOf(spy, 3)) {
      assert.deepEqual(epoch.map((b) => b.length), [3, 3, 3]);
      assert.equal(new Set(epoch.flat()).size, 9);
    }
    assert.deepEqual(h.records.map((r) => r.examplesSeen), [9, 18]);
  });

  it("batchSize 'full' makes one update per epoch over all rows", async () => {
    const spy = new SpyModel();
    const h = await fit(spy, indexedDataset(7), { batchSize: 'full', epochs: 3, optimizer: tiny() });
    assert.equal(h.batchSize, 7);
    assert.deepEqual(spy.batches.map((b) => b.length), [7, 7, 7]);
    assert.deepEqual(h.records.map((r) => r.updates), [1, 2, 3]);
  });

  it('batchSize 1 makes N updates per epoch (stochastic gradient descent)', async () => {
    const spy = new SpyModel();
    const h = await fit(spy, indexedDataset(7), { batchSize: 1, epochs: 2, optimizer: tiny() });
    assert.equal(spy.batches.length, 14);
    assert.ok(spy.batches.every((b) => b.length === 1));
    assert.deepEqual(h.records.map((r) => r.updates), [7, 14]);
  });

  it('a batch size above N trains as full batch and history.batchSize records N', async () => {
    const spy = new SpyModel();
    const h = await fit(spy, indexedDataset(7), { batchSize: 500, epochs: 2, optimizer: tiny() });
    assert.equal(h.batchSize, 7);
    assert.equal(h.batchesPerEpoch, 1);
    assert.deepEqual(spy.batches.map((b) => b.length), [7, 7]);
  });

  it('the shuffle order depends only on the seed and differs between epochs', async () => {
    const orders = async (seed: number): Promise<number[][]> => {
      const spy = new SpyModel();
      await fit(spy, indexedDataset(12), { batchSize: 4, epochs: 3, seed, optimizer: tiny() });
      return epochsOf(spy, 3).map((e) => e.flat());
    };
    const a = await orders(5);
    assert.deepEqual(await orders(5), a, 'same seed, same order');
    assert.notDeepEqual(a[0], a[1]);
    assert.notDeepEqual(a[1], a[2]);
    assert.notDeepEqual(a[0], range(12));
    assert.notDeepEqual((await orders(6))[0], a[0], 'another seed, another order');
  });

  it('shuffle false keeps row order in every epoch', async () => {
    const spy = new SpyModel();
    await fit(spy, indexedDataset(7), { batchSize: 3, epochs: 2, shuffle: false, optimizer: tiny() });
    assert.deepEqual(spy.batches, [[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]]);
  });

  it('the same seed gives bit-identical weights and different seeds give different ones', async () => {
    const data = binaryProblem(60, 4, 1);
    const train = async (seed: number): Promise<Float32Array> => {
      const model = mlp({ layers: [4, 6, 1], activation: 'relu', output: 'sigmoid', seed: 3 });
      await fit(model, data, { batchSize: 8, epochs: 4, seed, optimizer: adam({ learningRate: 0.01 }), validationSplit: 0.25 });
      return model.params.slice();
    };
    const a = await train(11);
    assert.ok(bitEqual(await train(11), a), 'same seed, same bits');
    assert.ok(!bitEqual(await train(12), a), 'another seed, other weights');
  });

  it("for plain SGD, reduction 'sum' with rate r equals 'mean' with rate r x B", async () => {
    const data = regressionProblem(24, 3, 1, 2);
    const B = 6; const r = 0.002;
    const train = async (reduction: 'sum' | 'mean', learningRate: number): Promise<Float32Array> => {
      const model = linearRegression({ inputs: 3, seed: 4 });
      await fit(model, data, { batchSize: B, epochs: 3, seed: 9, reduction, optimizer: sgd({ learningRate }) });
      return model.params;
    };
    const summed = await train('sum', r);
    const meaned = await train('mean', r * B);
    assertAllClose(summed, meaned, { rtol: 1e-5, atol: 1e-6 }, 'weights');
    const before = linearRegression({ inputs: 3, seed: 4 }).params;
    assert.ok(!bitEqual(summed, before), 'training moved the weights');
  });

  it('onBatchEnd receives the epoch, batch index, size, mean batch loss and update count', async () => {
    const seen: BatchInfo[] = [];
    const model = linearRegression({ inputs: 1, init: 'zeros' });
    const data = Dataset.fromArrays([[0], [1], [2], [3], [4]], [1, 1, 3, 3, 3]);
    await fit(model, data, {
      batchSize: 2, epochs: 2, shuffle: false, optimizer: tiny(), callbacks: { onBatchEnd: (b) => { seen.push({ ...b }); } },
    });
    assert.deepEqual(seen.map((b) => [b.epoch, b.batch, b.size, b.updates]),
      [[1, 0, 2, 1], [1, 1, 2, 2], [1, 2, 1, 3], [2, 0, 2, 4], [2, 1, 2, 5], [2, 2, 1, 6]]);
    // Zero weights predict 0; rows 0, 1 have target 1 and rows 2, 3 target 3: mean losses 1 and 9.
    assert.equal(seen[0]!.loss, 1);
    assertAllClose([seen[1]!.loss], [9], { rtol: 1e-6 }, 'second batch loss (weights barely moved)');
  });
});
