// Asynchronous successive halving (ASHA): the plan's budget, early promotion, and the same best cell as the synchronous search.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blobs } from '../../src/data/synthetic.js';
import { asyncSuccessiveHalving, successiveHalving, type RungScore } from '../../src/experiments/analysis/halving.js';
import { tune } from '../../src/experiments/tune.js';
import { mlp } from '../../src/nn/models.js';
import { redisExecutor } from '../../src/platform/node/queue/coordinator.js';
import { redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './redis.js';

/** A cell's loss shrinks with epochs towards a floor set by the cell (cell 5 is best). */
const lossOf = (cell: number, epochs: number): number => Math.abs(cell - 5) * 0.1 + 1 / epochs;

describe('asyncSuccessiveHalving', () => {
  it('trains as many cells per rung as the plan, promotes before a rung ends, and keeps the best cell', async () => {
    const started: Array<{ cell: number; rung: number; finishedBefore: number }> = [];
    let finished = 0;
    const trace = await asyncSuccessiveHalving(9, () => 0, 9, 3, async (cell, epochs, rung) => {
      started.push({ cell, rung, finishedBefore: finished });
      await new Promise((r) => setTimeout(r, (cell * 7) % 5)); // completions out of order
      finished++;
      return { loss: lossOf(cell, epochs), diverged: false } satisfies RungScore;
    });
    const sync = await successiveHalving(9, () => 0, 9, 3, async (cells, epochs) => cells.map((c) => ({ loss: lossOf(c, epochs), diverged: false })));
    const perRung = (r: number) => started.filter((s) => s.rung === r).length;
    assert.deepEqual([perRung(0), perRung(1), perRung(2)], [9, 3, 1]);
    assert.ok(started.some((s) => s.rung === 1 && s.finishedBefore < 9), 'a cell was promoted before rung 0 ended');
    const top = (t: typeof trace) => t.history.findIndex((h) => h.some((e) => e.rung === 2));
    assert.equal(top(trace), 5); assert.equal(top(sync), 5);
    assert.equal(trace.partial, false);
  });
});

describe('tune with asynchronous promotion on worker processes', { skip: redisMissing() }, () => {
  let redis: RedisServer; const workers: WorkerProcess[] = [];
  before(async () => { redis = await startRedis(); workers.push(startWorker(redis.url, ['--quiet']), startWorker(redis.url, ['--quiet'])); });
  after(async () => { await Promise.all(workers.map((w) => w.stop())); await redis?.dispose(); });

  it('finds the same best cell as the synchronous local search on a seeded problem', async () => {
    const data = blobs({ rows: 200, features: 4, classes: 3, seed: 11 });
    const spec = mlp({ layers: [4, 8, 3], output: 'softmax', seed: 2 }).spec;
    const o = { batchSizes: [8, 64] as Array<number | 'full'>, learningRates: [0.003, 0.03, 0.3, 3], budget: { epochs: 9 }, method: 'halving' as const };
    const local = await tune(spec, data, { ...o, workers: 1 });
    const exec = redisExecutor({ url: redis.url });
    try {
      const remote = await tune(spec, data, { ...o, executor: exec, promotion: 'asynchronous' });
      assert.deepEqual(remote.best, local.best);
      assert.deepEqual(remote.bestPerBatchSize, local.bestPerBatchSize);
    } finally { await exec.close(); }
  });
});
