// Security: passwords (requirepass) work and never show; rediss:// gets TLS; URLs are redacted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs } from '../../src/data/synthetic.js';
import { compare } from '../../src/experiments/compare.js';
import { logisticRegression } from '../../src/nn/models.js';
import { redisExecutor } from '../../src/platform/node/queue/coordinator.js';
import { parseRedisUrl, redactSecret, redactUrl } from '../../src/platform/node/queue/redis-url.js';
import { redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './redis.js';

const PASSWORD = 's3cret-Pa55word';

describe('Redis URLs', () => {
  it('redactUrl hides the password and keeps the rest', () => {
    assert.equal(redactUrl('redis://:pw@host:6379/0'), 'redis://:***@host:6379/0');
    assert.equal(redactUrl('rediss://user:pw@h'), 'rediss://user:***@h');
    assert.equal(redactUrl('redis://onlytoken@h'), 'redis://***@h');
    assert.equal(redactUrl('redis://h:1'), 'redis://h:1');
    assert.equal(redactSecret('WRONGPASS for s3cret and s3cret', 's3cret'), 'WRONGPASS for *** and ***');
  });

  it('rediss:// turns TLS on with the options given; a bad URL is a MinibatchError without the password', () => {
    const t = parseRedisUrl('rediss://:pw@cache.example:6380/2', { rejectUnauthorized: false });
    assert.deepEqual(t.options.tls, { servername: 'cache.example', rejectUnauthorized: false });
    assert.equal(t.options.password, 'pw'); assert.equal(t.options.port, 6380); assert.equal(t.options.db, 2);
    assert.equal(parseRedisUrl('redis://h').options.tls, undefined);
    assert.throws(() => parseRedisUrl('http://:pw@h'), (e: unknown) => e instanceof MinibatchError && !e.message.includes('pw@') && /redis:\/\//.test(e.message));
    assert.throws(() => parseRedisUrl('redis://:pw@h/x'), (e: unknown) => e instanceof MinibatchError && !e.message.includes(':pw'));
  });
});

describe('a password-protected Redis', { skip: redisMissing() }, () => {
  let redis: RedisServer; let worker: WorkerProcess;
  before(async () => { redis = await startRedis({ password: PASSWORD }); worker = startWorker(redis.url); });
  after(async () => { await worker?.stop(); await redis?.dispose(); });

  it('runs a sweep; the password is in no log line, record or error', async () => {
    const lines: string[] = [];
    const exec = redisExecutor({ url: redis.url, log: (l) => lines.push(l) });
    const data = blobs({ rows: 120, features: 2, classes: 2, seed: 1 });
    try {
      const r = await compare(logisticRegression({ inputs: 2 }).spec, data, { batchSizes: [8], learningRate: 0.1, epochs: 2, seeds: 2, executor: exec });
      assert.equal(r.runs.length, 2);
      assert.ok(lines.length > 0 && lines.some((l) => l.includes('127.0.0.1')), lines.join('\n'));
      const all = [...lines, exec.name, worker.log(), JSON.stringify(r)].join('\n');
      assert.ok(!all.includes(PASSWORD), 'password leaked');
    } finally { await exec.close(); }
  });

  it('a wrong password fails within the connect timeout, naming the redacted URL', async () => {
    const wrong = redisExecutor({ url: `redis://:nope-${PASSWORD}@127.0.0.1:${redis.port}`, connectTimeoutMs: 1500 });
    const data = blobs({ rows: 40, features: 2, classes: 2, seed: 1 });
    try {
      await assert.rejects(compare(logisticRegression({ inputs: 2 }).spec, data, { batchSizes: [8], learningRate: 0.1, epochs: 1, seeds: 1, executor: wrong }),
        (e: unknown) => e instanceof MinibatchError && e.code === 'IO' && e.message.includes('redis://:***@127.0.0.1') && !e.message.includes(PASSWORD));
    } finally { await wrong.close(); }
  });
});
