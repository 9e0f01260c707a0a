// fitStream's sampleWeight and classWeight: the same weighted training as fit's, 'balanced' from a counting pass, clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.js';
import type { RowSource } from '../../src/data/stream-csv.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

/** A RowSource over an in-memory Dataset: chunks of `bufferRows` rows in file order; counts the passes. */
function memorySource(data: Dataset): RowSource & { passes: number } {
  return {
    rows: data.length, numFeatures: data.numFeatures, targetWidth: data.targetWidth, features: [], targets: [],
    classNames: undefined, stats: undefined as never, passes: 0,
    async *chunks({ bufferRows }) {
      this.passes++;
      for (let s = 0; s < data.length; s += bufferRows) {
        yield data.subset(Array.from({ length: Math.min(bufferRows, data.length - s) }, (_, i) => s + i));
      }
    },
  };
}

const data = binaryProblem(120, 4, 7);
// A weight from the row's content (the first feature), so fit's array and fitStream's function agree.
const weightOf = (x0: number): number => 0.5 + Math.abs(x0);
const arrayWeights = Array.from({ length: data.length }, (_, i) => weightOf(data.x[i * data.numFeatures]!));
const chunkWeights = (c: Dataset): number[] => Array.from({ length: c.length }, (_, i) => weightOf(c.x[i * c.numFeatures]!));
const net = () => mlp({ layers: [4, 5, 1], activation: 'tanh', output: 'sigmoid', seed: 3 });
const clock = (): number => 0;

describe('fitStream weights rows as fit does', () => {
  it('sampleWeight and classWeight in one chunk: the same bits as fit with the same weights and batch order', async () => {
    const a = net(); const b = net();
    const common = { batchSize: 10, epochs: 3, optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }), clock } as const;
    const hf = await fit(a, data, { ...common, optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }), shuffle: false, sampleWeight: arrayWeights, classWeight: { 1: 3 } });
    const hs = await fitStream(b, memorySource(data), { ...common, optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }), bufferRows: data.length, sampleWeight: chunkWeights, classWeight: { 1: 3 } });
    assert.deepEqual(hs.records.map((r) => r.trainLoss), hf.records.map((r) => r.trainLoss));
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
    const c = net();
    const plain = await fitStream(c, memorySource(data), { ...common, optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }), bufferRows: data.length });
    assert.notDeepEqual(plain.records.map((r) => r.trainLoss), hs.records.map((r) => r.trainLoss), 'the weights change training');
  });

  it("classWeight 'balanced' counts the classes in a first pass and equals fit's balanced weights", async () => {
    const three = multiclassProblem(90, 3, 3, 2);
    const keep = Array.from({ length: three.length }, (_, i) => i).filter((i) => three.y[i] !== 2 || i % 3 === 0);
    const rare = three.subset(keep); // class 2 rare
    const model = () => softmaxRegression({ inputs: 3, classes: 3, seed: 1 });
    const a = model(); const b = model();
    const common = { batchSize: 8, epochs: 2, clock } as const;
    await fit(a, rare, { ...common, optimizer: sgd({ learningRate: 0.1 }), shuffle: false, classWeight: 'balanced' });
    const src = memorySource(rare);
    await fitStream(b, src, { ...common, optimizer: sgd({ learningRate: 0.1 }), bufferRows: 1024, classWeight: 'balanced' });
    assert.equal(src.passes, 3, 'one counting pass, then one per epoch');
    assert.deepEqual(Array.from(b.params), Array.from(a.params));
  });

  it('several chunks: each chunk gets its own rows\' weights', async () => {
    const seen: number[] = [];
    await fitStream(net(), memorySource(data), { batchSize: 16, epochs: 1, bufferRows: 48, sampleWeight: (c) => { seen.push(c.length); return chunkWeights(c); } });
    assert.deepEqual(seen, [48, 48, 24]);
  });

  it('refuses a fixed array, a wrong count, negative weights and classWeight on a regression', async () => {
    const src = memorySource(data);
    await assert.rejects(fitStream(net(), src, { sampleWeight: arrayWeights as never }), /sampleWeight must be a function \(chunk\) => weights/);
    await assert.rejects(fitStream(net(), src, { sampleWeight: () => [1, 2] }), /sampleWeight returned 2 weights for a chunk of 120 rows/);
    await assert.rejects(fitStream(net(), src, { sampleWeight: (c) => new Array(c.length).fill(-1) }), /sampleWeight\(chunk\)\[0\] must be a finite number >= 0, got -1/);
    const reg = mlp({ layers: [4, 1], output: 'linear' });
    await assert.rejects(fitStream(reg, src, { classWeight: 'balanced' }), /classWeight applies to classifiers/);
  });
});
