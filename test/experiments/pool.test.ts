// Tests of parallel trials: worker results equal in-thread ones, and cancellation keeps finished trials.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/experiments/compare.js';
import { tune } from '../../src/experiments/tune.js';
import { PARK_MS, setTrialThreads, shareRows, TrialPool, trialThreads, type TrialThreads } from '../../src/experiments/run/pool.js';
import type { Dataset } from '../../src/data/dataset.js';
import { split } from '../../src/data/split.js';
import type { TrialJob } from '../../src/experiments/run/trial.js';
import { DEFAULT_OPTIMIZER } from '../../src/experiments/run/optimizer-spec.js';
import { logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs, threeClasses, withoutTiming } from './helpers.js';

const data = blobs(250);

describe('parallel trials', () => {
  it('a compare on 2 workers equals the in-thread compare except for timing', async () => {
    const spec = softmaxRegression({ inputs: 2, classes: 3 }).spec;
    const three = threeClasses(240);
    const o = { batchSizes: [1, 16, 'full'] as Array<number | 'full'>, learningRate: [0.05, 0.3, 1], epochs: 4, seeds: 2, optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }) };
    const seq = await compare(spec, three, { ...o, workers: 1 });
    const par = await compare(spec, three, { ...o, workers: 2 });
    assert.equal(seq.workers, 1); assert.equal(par.workers, 2);
    assert.deepEqual(withoutTiming(par), withoutTiming(seq));
    assert.ok(par.runs.every((r) => r.finalParams && r.finalParams.length === 9));
  });

  it('a tune of an MLP with Adam on 2 workers equals the in-thread tune', async () => {
    const spec = mlp({ layers: [4, 5, 1], seed: 3 }).spec;
    const o = { batchSizes: [8, 64], learningRates: [1e-3, 1e-2, 0.1], budget: { epochs: 3 }, optimizer: adam().spec };
    const seq = await tune(spec, data, { ...o, workers: 1 });
    const par = await tune(spec, data, { ...o, workers: 2 });
    assert.deepEqual(withoutTiming(par), withoutTiming(seq));
    assert.equal(par.cells.length, 6);
  });

  it('shares rows already in shared memory as they are, and copies the others once', () => {
    const parts = split(data, { testFraction: 0.2, seed: 2, shared: true });
    const rows = shareRows(parts.train);
    assert.equal(rows.x, parts.train.x); assert.equal(rows.y, parts.train.y); assert.equal(rows.length, parts.train.length);
    const copied = shareRows(data);
    assert.notEqual(copied.x, data.x);
    assert.ok(copied.x.buffer instanceof SharedArrayBuffer && copied.y.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(copied.x), Array.from(data.x)); assert.deepEqual(Array.from(copied.y), Array.from(data.y));
  });

  it('reports progress for every trial', async () => {
    const seen: Array<[number, number, number]> = [];
    await compare(logisticRegression({ inputs: 4 }).spec, data, {
      batchSizes: [8, 32], learningRate: 0.5, epochs: 2, seeds: 2, workers: 2,
      onProgress: (done, total, running) => { seen.push([done, total, running.length]); },
    });
    assert.deepEqual(seen[seen.length - 1], [4, 4, 0]);
    assert.ok(seen.every(([d, t, r]) => d <= t && r <= 2));
  });

  it('passes a failing trial on as a MinibatchError', async () => {
    const pool = new TrialPool(data.subset([0, 1, 2, 3]), data.subset([4, 5]), 1);
    const bad: TrialJob = {
      model: logisticRegression({ inputs: 4 }).spec, optimizer: DEFAULT_OPTIMIZER, varyInit: false,
      settings: { requested: 2, learningRate: -1, seed: 1, budget: { epochs: 1 }, evalEvery: Infinity, divergenceFactor: 1000, keepParams: false },
    };
    try {
      await assert.rejects(pool.run([bad]), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_LEARNING_RATE');
    } finally {
      await pool.close();
    }
  });
});

describe('a pool over rows shared as given', () => {
  it("takes over the idle workers of a closed pool over the same rows (a study's tune, then its compare), with the same results", async () => {
    const node = trialThreads()!;
    let spawned = 0;
    const counting: TrialThreads = { cores: node.cores, spawn: (init) => { spawned++; return node.spawn(init); } };
    setTrialThreads(counting);
    try {
      const spec = softmaxRegression({ inputs: 2, classes: 3 }).spec;
      const rows = threeClasses(240);
      const train = rows.subset(Array.from({ length: 180 }, (_, i) => i), { shared: true });
      const val = rows.subset(Array.from({ length: 60 }, (_, i) => 180 + i), { shared: true });
      const o = { validationData: val, batchSizes: [4, 32] as number[], learningRate: 0.3, epochs: 2, seeds: 2, workers: 2 };
      const first = await compare(spec, train, o);
      assert.equal(spawned, 2);
      const again = await compare(spec, train, o);
      assert.equal(spawned, 2, 'the second sweep over the same shared rows starts no thread');
      assert.deepEqual(withoutTiming(again), withoutTiming(first));
      // Another platform's TrialThreads over the same rows: the waiting workers are not its own.
      let otherSpawned = 0;
      setTrialThreads({ cores: node.cores, spawn: (init) => { otherSpawned++; return node.spawn(init); } });
      await compare(spec, train, o);
      assert.equal(otherSpawned, 2);
      setTrialThreads(counting);
      // Other rows: the waiting workers are not theirs, and new ones start.
      const other = rows.subset(Array.from({ length: 180 }, (_, i) => i), { shared: true });
      await compare(spec, other, o);
      assert.equal(spawned, 4);
      // Rows copied into shared memory by the pool (not shared as given): its workers end at close.
      const plain = rows.subset(Array.from({ length: 180 }, (_, i) => i));
      await compare(spec, plain, o); await compare(spec, plain, o);
      assert.equal(spawned, 8);
    } finally {
      setTrialThreads(node);
    }
  });

  it('workers taken over copy the rows afresh: rows changed between two sweeps give the records of the changed rows', async () => {
    await withCounting(async (count, train, val) => {
      const spec = softmaxRegression({ inputs: 2, classes: 3 }).spec;
      const o = { validationData: val, batchSizes: [8], learningRate: 0.3, epochs: 1, seeds: 2, workers: 2 };
      const before = await compare(spec, train, o);
      for (let i = 0; i < train.x.length; i++) train.x[i] = -2 * train.x[i]!; // between sweeps, not during one
      for (let i = 0; i < val.x.length; i++) val.x[i] = -2 * val.x[i]!;
      const after = await compare(spec, train, o);
      assert.equal(count.spawned, 2, 'the second sweep ran on the waiting workers');
      const fresh = await compare(spec, train.subset(Array.from({ length: train.length }, (_, i) => i)), { ...o, validationData: val.subset(Array.from({ length: val.length }, (_, i) => i)) });
      assert.equal(count.spawned, 4, 'copies of the rows: new workers');
      assert.deepEqual(withoutTiming(after), withoutTiming(fresh), 'the changed rows, as new workers see them');
      assert.notDeepEqual(withoutTiming(after), withoutTiming(before));
    });
  });

  it('a smaller pool takes over only as many waiting workers as it may run and ends the others', async () => {
    await withCounting(async (count, train, val) => {
      const one = new TrialPool(train, val, 1);
      assert.equal(count.ended, 1, 'the second waiting worker ended');
      const job = { model: softmaxRegression({ inputs: 2, classes: 3 }).spec, batchSize: 8, learningRate: 0.3, optimizer: DEFAULT_OPTIMIZER, epochs: 2, everyUpdates: 3 };
      assert.ok((await one.track(job))!.tracking.points.length > 2);
      assert.equal(count.spawned, 2, 'the tracking run took over a waiting worker');
      await one.close(false);
      assert.equal(count.ended, 2, 'close(false) ends its workers instead of parking them');
    });
  });

  it('the waiting workers end after PARK_MS', async () => {
    await withCounting(async (count) => {
      assert.equal(count.ended, 0, 'parked, not ended');
      await new Promise((r) => setTimeout(r, PARK_MS + 300));
      assert.equal(count.ended, 2);
    });
  });
});

/**
 * Runs `body` after a 2-worker compare over small rows shared as given, its workers now waiting,
 * with the threads started and ended since counted; the platform's threads are restored after.
 */
async function withCounting(body: (count: { spawned: number; ended: number }, train: Dataset, val: Dataset) => Promise<void>): Promise<void> {
  const node = trialThreads()!;
  const count = { spawned: 0, ended: 0 };
  setTrialThreads({
    cores: node.cores,
    spawn: (init) => { count.spawned++; const t = node.spawn(init); return { ...t, terminate: () => { count.ended++; return t.terminate(); } }; },
  });
  try {
    const rows = threeClasses(90);
    const train = rows.subset(Array.from({ length: 60 }, (_, i) => i), { shared: true });
    const val = rows.subset(Array.from({ length: 30 }, (_, i) => 60 + i), { shared: true });
    await compare(softmaxRegression({ inputs: 2, classes: 3 }).spec, train, { validationData: val, batchSizes: [8], learningRate: 0.3, epochs: 1, seeds: 2, workers: 2 });
    await body(count, train, val);
  } finally {
    setTrialThreads(node);
  }
}

describe('cancellation', () => {
  const spec = logisticRegression({ inputs: 4 }).spec;
  const o = { batchSizes: [1, 2, 4, 8] as number[], learningRate: 0.1, epochs: 8, seeds: 2 };

  for (const workers of [1, 2]) {
    it(`returns the finished trials, marked partial (workers: ${workers})`, async () => {
      const ac = new AbortController();
      const full = await compare(spec, data, { ...o, workers: 1 });
      const r = await compare(spec, data, {
        ...o, workers, signal: ac.signal,
        onProgress: (done) => { if (done >= 1) ac.abort(); },
      });
      assert.equal(r.partial, true);
      assert.ok(r.runs.length >= 1 && r.runs.length < 8, `${r.runs.length} runs finished`);
      for (const run of r.runs) {
        const twin = full.runs.find((x) => x.batchSize === run.batchSize && x.seed === run.seed)!;
        assert.deepEqual(withoutTiming(run), withoutTiming(twin), 'a returned run is complete');
      }
    });
  }

  it('an already aborted signal runs nothing', async () => {
    const ac = new AbortController(); ac.abort();
    const r = await compare(spec, data, { ...o, workers: 2, signal: ac.signal });
    assert.equal(r.partial, true);
    assert.equal(r.runs.length, 0);
    assert.ok(Number.isNaN(r.targetLoss));
  });
});
