// Tests of seeded random splits: random (not the tail), stratified by class, reproducible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { split, splitIndices } from '../../src/data/split.js';

/** 100 rows: 70 of class 0 then 30 of class 1 (sorted, so a tail split would be all class 1). */
function sortedClasses(): Dataset {
  const y = Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1));
  return Dataset.fromArrays(y.map((_, i) => [i]), y);
}

describe('split', () => {
  it('holds out round(fraction x count) rows per class, keeping class proportions', () => {
    const { train, test } = splitIndices(sortedClasses(), { testFraction: 0.2, seed: 3 });
    assert.equal(test.length, 20);
    assert.equal(train.length, 80);
    const ones = Array.from(test).filter((i) => i >= 70).length;
    assert.equal(ones, 6, '20% of the 30 class-1 rows');
    assert.equal(test.length - ones, 14, '20% of the 70 class-0 rows');
  });

  it('draws held-out rows at random, not the last rows', () => {
    const { test } = splitIndices(sortedClasses(), { testFraction: 0.2, seed: 3 });
    const tail = Array.from({ length: 20 }, (_, i) => 80 + i);
    assert.notDeepEqual(Array.from(test), tail);
    assert.ok(Array.from(test).some((i) => i < 50), 'some held-out rows come from the first half');
  });

  it('partitions the rows: disjoint, complete, each part ascending', () => {
    const { train, test } = splitIndices(sortedClasses(), { testFraction: 0.3, seed: 5 });
    const all = [...train, ...test].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
    for (const part of [train, test]) for (let i = 1; i < part.length; i++) assert.ok(part[i]! > part[i - 1]!);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const d = sortedClasses();
    const a = splitIndices(d, { testFraction: 0.2, seed: 1 });
    assert.deepEqual(a, splitIndices(d, { testFraction: 0.2, seed: 1 }));
    assert.notDeepEqual(Array.from(a.test), Array.from(splitIndices(d, { testFraction: 0.2, seed: 2 }).test));
  });

  it('returns copies of the rows with features and targets kept together', () => {
    const d = sortedClasses();
    const { train, test } = split(d, { testFraction: 0.25, seed: 4 });
    assert.equal(train.length + test.length, 100);
    for (const part of [train, test]) {
      for (let r = 0; r < part.length; r++) assert.equal(part.y[r], part.x[r]! < 70 ? 0 : 1, 'row keeps its label');
    }
  });

  it('splits regression targets without stratifying', () => {
    const y = Array.from({ length: 40 }, (_, i) => i * 0.5);
    const d = Dataset.fromArrays(y.map((v) => [v]), y);
    const { test } = splitIndices(d, { testFraction: 0.25, seed: 2 });
    assert.equal(test.length, 10);
  });

  it('rejects a fraction outside (0, 1) and a split that leaves a part empty', () => {
    for (const f of [0, 1, -0.1, 1.5, NaN]) {
      assert.throws(() => splitIndices(sortedClasses(), { testFraction: f }), (e: unknown) =>
        e instanceof MinibatchError && e.code === 'BAD_ARGUMENT' && e.message.includes(String(f)), `fraction ${f}`);
    }
    const tiny = Dataset.fromArrays([[1], [2], [3]], [0.5, 1.5, 2.5]);
    assert.throws(() => splitIndices(tiny, { testFraction: 0.1 }), /leaves one part empty/);
  });
});

describe('Dataset', () => {
  it('fromArrays stores rows row-major and names columns x0.. and the target y', () => {
    const d = Dataset.fromArrays([[1, 2, 3], [4, 5, 6]], [0, 1]);
    assert.equal(d.length, 2); assert.equal(d.numFeatures, 3); assert.equal(d.targetWidth, 1);
    assert.deepEqual(Array.from(d.x), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(d.features, ['x0', 'x1', 'x2']);
    assert.deepEqual(d.targets, ['y']);
    assert.equal(d.classCount(), 2);
  });

  it('subset copies the chosen rows in the order given', () => {
    const d = Dataset.fromArrays([[1], [2], [3]], [[10, 11], [20, 21], [30, 31]]);
    const s = d.subset([2, 0]);
    assert.deepEqual(Array.from(s.x), [3, 1]);
    assert.deepEqual(Array.from(s.y), [30, 31, 10, 11]);
    assert.equal(s.targetWidth, 2);
    assert.ok(s.x.buffer instanceof ArrayBuffer && s.y.buffer instanceof ArrayBuffer);
  });

  it('subset and split with shared put the same rows in SharedArrayBuffers', () => {
    const d = sortedClasses();
    const plain = split(d, { testFraction: 0.3, seed: 4 }); const shared = split(d, { testFraction: 0.3, seed: 4, shared: true });
    for (const part of ['train', 'test'] as const) {
      assert.ok(shared[part].x.buffer instanceof SharedArrayBuffer && shared[part].y.buffer instanceof SharedArrayBuffer, part);
      assert.deepEqual(Array.from(shared[part].x), Array.from(plain[part].x), part);
      assert.deepEqual(Array.from(shared[part].y), Array.from(plain[part].y), part);
    }
  });

  it('rejects ragged rows, non-finite features and non-finite targets with a code', () => {
    assert.throws(() => Dataset.fromArrays([[1, 2], [3]], [0, 1]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
    assert.throws(() => Dataset.fromArrays([[1], [NaN]], [0, 1]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
    assert.throws(() => Dataset.fromArrays([[1], [2]], [0, Infinity]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_LABEL');
    assert.throws(() => Dataset.fromArrays([[1], [2]], [0]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
  });
});
