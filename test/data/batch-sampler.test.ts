// Tests of BatchSampler and BatchBuffer: epoch coverage, batch counts, shuffling and gathering.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { MinibatchError } from '../../src/core/errors.js';
import { BatchSampler } from '../../src/data/batch-sampler.js';
import { BatchBuffer } from '../../src/data/batch.js';
import { Dataset } from '../../src/data/dataset.js';

/** The batches of one epoch as arrays of row indices. */
function epochBatches(s: BatchSampler): number[][] {
  s.startEpoch();
  const out: number[][] = [];
  for (let b = 0; b < s.batchesPerEpoch; b++) {
    const start = s.batchStart(b);
    out.push(Array.from(s.order.subarray(start, start + s.batchLength(b))));
  }
  return out;
}

describe('BatchSampler', () => {
  it('visits every row exactly once per epoch for many (n, batchSize) pairs', () => {
    for (const n of [1, 2, 7, 10, 33]) {
      for (const bs of [1, 2, 3, 5, 10, 32, 100]) {
        const s = new BatchSampler(n, bs, new Rng(n * 100 + bs));
        for (let e = 0; e < 3; e++) {
          const rows = epochBatches(s).flat().sort((a, b) => a - b);
          assert.deepEqual(rows, Array.from({ length: n }, (_, i) => i), `n ${n}, batch ${bs}, epoch ${e}`);
        }
      }
    }
  });

  it('makes ceil(N/B) batches per epoch and the last batch holds N mod B rows', () => {
    const s = new BatchSampler(10, 3, new Rng(1));
    const batches = epochBatches(s);
    assert.equal(s.batchesPerEpoch, 4);
    assert.deepEqual(batches.map((b) => b.length), [3, 3, 3, 1]);
    assert.equal(s.rowsPerEpoch, 10);
    const even = new BatchSampler(12, 4, new Rng(1));
    assert.deepEqual(epochBatches(even).map((b) => b.length), [4, 4, 4], 'no empty or short batch when B divides N');
  });

  it('with dropLast makes floor(N/B) full batches and skips the remainder', () => {
    const s = new BatchSampler(10, 3, new Rng(1), { dropLast: true });
    const batches = epochBatches(s);
    assert.equal(s.batchesPerEpoch, 3);
    assert.equal(s.rowsPerEpoch, 9);
    assert.deepEqual(batches.map((b) => b.length), [3, 3, 3]);
    assert.equal(new Set(batches.flat()).size, 9, 'no row repeats within the epoch');
  });

  it('treats a batch size above N as one full batch', () => {
    const s = new BatchSampler(5, 64, new Rng(1));
    assert.equal(s.batchSize, 5);
    assert.equal(s.batchesPerEpoch, 1);
    assert.equal(s.batchLength(0), 5);
  });

  it('shuffle order depends only on the seed and differs between epochs', () => {
    const orders = (seed: number): number[][] => {
      const s = new BatchSampler(20, 4, new Rng(seed));
      return [0, 1, 2].map(() => epochBatches(s).flat());
    };
    const a = orders(8); const b = orders(8); const c = orders(9);
    assert.deepEqual(a, b, 'same seed, same orders');
    assert.notDeepEqual(a[0], a[1], 'epoch 2 is reshuffled');
    assert.notDeepEqual(a[1], a[2], 'epoch 3 is reshuffled');
    assert.notDeepEqual(a[0], c[0], 'another seed gives another order');
    assert.notDeepEqual(a[0], Array.from({ length: 20 }, (_, i) => i), 'shuffled, not row order');
  });

  it('with shuffle false keeps row order in every epoch', () => {
    const s = new BatchSampler(7, 3, new Rng(1), { shuffle: false });
    for (let e = 0; e < 2; e++) assert.deepEqual(epochBatches(s), [[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('rejects a batch size that is not a positive integer and a bad row count', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(() => new BatchSampler(10, bad, new Rng(1)), (e: unknown) =>
        e instanceof MinibatchError && e.code === 'BAD_BATCH_SIZE' && e.message.includes(String(bad)), `batch size ${bad}`);
    }
    assert.throws(() => new BatchSampler(-1, 2, new Rng(1)), MinibatchError);
  });
});

describe('BatchBuffer', () => {
  it('gathers rows and targets of an order slice into one reused buffer', () => {
    const data = Dataset.fromArrays([[1, 2], [3, 4], [5, 6], [7, 8]], [[10, 11], [20, 21], [30, 31], [40, 41]]);
    const buf = new BatchBuffer(data, 3);
    const order = Uint32Array.from([3, 1, 0, 2]);
    const b1 = buf.gather(order, 0, 3);
    assert.equal(b1.size, 3);
    assert.deepEqual(Array.from(b1.x.subarray(0, 6)), [7, 8, 3, 4, 1, 2]);
    assert.deepEqual(Array.from(b1.y.subarray(0, 6)), [40, 41, 20, 21, 10, 11]);
    const x = b1.x;
    const b2 = buf.gather(order, 3, 1);
    assert.equal(b2.size, 1);
    assert.equal(b2.x, x, 'the same buffer is reused (no allocation per batch)');
    assert.deepEqual(Array.from(b2.x.subarray(0, 2)), [5, 6]);
    assert.deepEqual(Array.from(b2.y.subarray(0, 2)), [30, 31]);
  });
});

/** `count` batches drawn with the cursor, as [epoch, batch index, rows]. */
function drawn(s: BatchSampler, count: number): [number, number, number[]][] {
  const out: [number, number, number[]][] = [];
  for (let i = 0; i < count; i++) {
    const len = s.next();
    out.push([s.epoch, s.batch - 1, Array.from(s.order.subarray(s.start, s.start + len))]);
  }
  return out;
}

describe('BatchSampler cursor (next)', () => {
  it('draws the same batches as walking batchStart/batchLength epoch by epoch, starting each epoch itself', () => {
    for (const [n, bs, dropLast] of [[10, 3, false], [10, 3, true], [7, 7, false], [5, 1, false], [12, 4, false]] as const) {
      const walked = new BatchSampler(n, bs, new Rng(4), { dropLast });
      const expected: [number, number, number[]][] = [];
      for (let e = 1; e <= 3; e++) epochBatches(walked).forEach((rows, b) => expected.push([e, b, rows]));
      const cursor = new BatchSampler(n, bs, new Rng(4), { dropLast });
      assert.deepEqual(drawn(cursor, expected.length), expected, `n ${n}, batch size ${bs}, dropLast ${dropLast}`);
      assert.equal(cursor.epochDone, true, 'the third epoch is used up');
    }
  });

  it('reports the position: epochDone before the first draw and after an epoch\'s last batch only', () => {
    const s = new BatchSampler(5, 2, new Rng(1));
    assert.deepEqual([s.epoch, s.batch, s.epochDone], [0, 0, true]);
    const seen: [number, number, boolean][] = [];
    for (let i = 0; i < 4; i++) { const len = s.next(); seen.push([s.epoch, len, s.epochDone]); }
    assert.deepEqual(seen, [[1, 2, false], [1, 2, false], [1, 1, true], [2, 2, false]]);
  });

  it('getState/setState carry the position: a restored sampler continues mid-epoch with identical batches', () => {
    const a = new BatchSampler(11, 3, new Rng(9));
    drawn(a, 6); // epoch 2, batch 2 of 4
    const saved = a.getState();
    assert.deepEqual([saved.epoch, saved.batch], [2, 2]);
    const rest = drawn(a, 9);
    const b = new BatchSampler(11, 3, new Rng(123));
    b.setState(saved);
    assert.deepEqual(drawn(b, 9), rest);
  });

  it('refuses a saved position outside the epoch', () => {
    const s = new BatchSampler(6, 2, new Rng(1));
    assert.throws(() => s.setState({ ...s.getState(), batch: 4 }), (e: unknown) => e instanceof MinibatchError && /batch 4/.test(e.message) && /3 batches per epoch/.test(e.message));
  });
});
