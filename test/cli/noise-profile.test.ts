// `minibatch noise` and `minibatch profile`: JSON results, tables, help with examples, and clear usage errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertFails, assertOk, parseJson, runCli } from './helpers.js';

describe('minibatch noise', () => {
  it('tracks B_simple along a short run and gives exact and two-batch values at the end (--json)', async () => {
    const r = await runCli(['noise', '--data', 'synthetic:blobs', '--epochs', '2', '--lr', '0.1', '--points', '4', '--json', '--quiet']);
    assertOk(r);
    const j = parseJson(r) as { batchSize: number; points: Array<{ updates: number; bSimple: number }>; exact: { method: string; bSimple: number }; twoBatch: { method: string; stderr: { bSimple: number }; batchSizes: number[] }; cost: { measurements: number } };
    assert.equal(j.batchSize, 32);
    assert.equal(j.points[0]!.updates, 0);
    assert.ok(j.points.length >= 3, `${j.points.length} measurements`);
    assert.equal(j.exact.method, 'exact'); assert.ok(j.exact.bSimple > 0);
    assert.equal(j.twoBatch.method, 'two-batch'); assert.ok(j.twoBatch.stderr.bSimple >= 0);
    assert.deepEqual(j.twoBatch.batchSizes, [8, 792], 'big batch: min(1024, the 799 training rows) rounded down to whole small batches');
    assert.equal(j.cost.measurements, j.points.length);
  });

  it('prints a table and a verdict on stderr', async () => {
    const r = await runCli(['noise', '--data', 'synthetic:blobs', '--epochs', '0', '--method', 'two-batch', '--samples', '4']);
    assertOk(r);
    assert.match(r.stderr, /epoch +updates +train loss +B_simple/);
    assert.match(r.stderr, /by exact \(per-example\)/);
    assert.match(r.stderr, /Batch size 32 is (well below|well above|near) B_simple/);
  });

  it('refuses a bad method and a big batch smaller than two small ones', async () => {
    assertFails(await runCli(['noise', '--data', 'synthetic:blobs', '--method', 'fast']), 2, /--method must be exact or two-batch, got 'fast'/);
    assertFails(await runCli(['noise', '--data', 'synthetic:blobs', '--small-batch', '8', '--big-batch', '10']), 2, /--big-batch must be a whole number from 16 to 1000000000, got '10'/);
  });
});

describe('minibatch profile', () => {
  it('times doubling batch sizes and reports the knee (--json)', async () => {
    const r = await runCli(['profile', '--data', 'synthetic:blobs', '--max-batch-size', '64', '--repeats', '2', '--min-ms', '1', '--json', '--quiet']);
    assertOk(r);
    const j = parseJson(r) as { kind: string; rows: Array<{ batchSize: number; examplesPerSecond: number; batchBytes: number }>; knee: number };
    assert.equal(j.kind, 'throughput');
    assert.deepEqual(j.rows.map((x) => x.batchSize), [1, 2, 4, 8, 16, 32, 64]);
    assert.ok(j.rows.every((x) => x.examplesPerSecond > 0 && x.batchBytes > 0));
    assert.ok(j.rows.some((x) => x.batchSize === j.knee));
  });

  it('prints the table with the knee marked, and refuses bad batch sizes', async () => {
    const r = await runCli(['profile', '--data', 'synthetic:blobs', '--batch-sizes', '1,16', '--repeats', '1', '--min-ms', '1']);
    assertOk(r);
    assert.match(r.stderr, /<- knee/); assert.match(r.stderr, /Knee: batch size (1|16) reaches 90 % of the peak/);
    assertFails(await runCli(['profile', '--data', 'synthetic:blobs', '--batch-sizes', '0']), 2, /--batch-sizes must be a whole number from 1 to 799, got '0'/);
    assertFails(await runCli(['profile', '--data', 'synthetic:blobs', '--batch-sizes', '4', '--max-batch-size', '8']), 2, /give either --batch-sizes or --max-batch-size, not both/);
  });

  it('both commands have --help with Examples:', async () => {
    for (const c of ['noise', 'profile']) {
      const h = await runCli([c, '--help']);
      assertOk(h);
      assert.match(h.stdout, new RegExp(`^Usage: minibatch ${c} `));
      assert.match(h.stdout, /\nExamples:\n {2}minibatch /);
      assert.match(h.stdout, /--json/);
    }
  });
});
