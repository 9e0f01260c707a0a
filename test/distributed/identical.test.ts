// A sweep on 1, 2 and 3 real worker processes gives the local sweep's results bit for bit (timings aside).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { blobs } from '../../src/data/synthetic.js';
import { compare } from '../../src/experiments/compare.js';
import { mlp } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { redisExecutor } from '../../src/platform/node/queue/coordinator.js';
import { redisMissing, startRedis, startWorker, withoutTimings, type RedisServer, type WorkerProcess } from './redis.js';

const missing = redisMissing();

export const problem = () => {
  const data = blobs({ rows: 240, features: 4, classes: 3, seed: 7 });
  const spec = mlp({ layers: [4, 6, 3], output: 'softmax', seed: 3 }).spec;
  const options = { optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }).spec, batchSizes: [4, 32, 'full'] as Array<number | 'full'>, learningRate: 0.05, epochs: 4, seeds: 2 };
  return { data, spec, options };
};

describe('distributed sweeps give the local results', { skip: missing }, () => {
  let redis: RedisServer; const workers: WorkerProcess[] = [];
  before(async () => { redis = await startRedis(); });
  after(async () => { await Promise.all(workers.map((w) => w.stop())); await redis?.dispose(); });

  it('on 1, 2 and 3 worker processes: every field but timings equal, data stored once', async () => {
    const { data, spec, options } = problem();
    const local = withoutTimings(await compare(spec, data, { ...options, workers: 2 }));
    for (const n of [1, 2, 3]) {
      while (workers.length < n) workers.push(startWorker(redis.url, ['--quiet']));
      const points: number[] = [];
      const exec = redisExecutor({ url: redis.url, onPoint: (_s, p) => points.push(p.examplesSeen) });
      try {
        const remote = await compare(spec, data, { ...options, executor: exec });
        assert.deepEqual(withoutTimings(remote), local, `${n} workers`);
        assert.equal(exec.queued, 6);
        assert.ok(points.length >= 6, `points streamed as they happen: ${points.length}`);
      } finally { await exec.close(); }
    }
    const r = new Redis(redis.port, '127.0.0.1');
    try {
      assert.equal((await r.keys('minibatch:data:*')).length, 1, 'the split is stored once, not per job');
    } finally { r.disconnect(); }
  });
});
