// The throughput profile: well-formed records (no timing thresholds), memory from shapes, the knee and interpolation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchBytes, kneeOf, powersOfTwo, secondsPerUpdateAt, throughputProfile, type ThroughputRow } from '../../src/experiments/probes/throughput.js';
import { mlp } from '../../src/nn/models.js';
import { blobs } from './helpers.js';

describe('throughputProfile', () => {
  it('times 1, 2, 4, ... up to the data size with positive rates, a knee inside the range, and leaves the model alone', () => {
    const data = blobs(100, 4, 3);
    const model = mlp({ layers: [4, 8, 1], seed: 1 });
    const before = model.params.slice();
    const p = throughputProfile(model, data, { repeats: 3, minMs: 1 });
    assert.equal(p.kind, 'throughput'); assert.equal(p.backend, model.backend.name);
    assert.deepEqual(p.rows.map((r) => r.batchSize), [1, 2, 4, 8, 16, 32, 64, 100]);
    for (const r of p.rows) {
      assert.ok(r.secondsPerUpdate > 0 && Number.isFinite(r.secondsPerUpdate));
      assert.ok(Math.abs(r.examplesPerSecond - r.batchSize / r.secondsPerUpdate) < 1e-9 * r.examplesPerSecond);
      assert.ok(r.updatesPerRepeat >= 1);
      assert.equal(r.batchBytes, batchBytes(model, 1, r.batchSize));
    }
    assert.ok(p.rows.some((r) => r.batchSize === p.knee));
    assert.equal(p.peakExamplesPerSecond, Math.max(...p.rows.map((r) => r.examplesPerSecond)));
    assert.equal(p.fixedBytes, 16 * model.params.length);
    assert.deepEqual(Array.from(model.params), Array.from(before), "the caller's weights are untouched");
  });

  it('refuses batch sizes outside the data', () => {
    const data = blobs(10, 4, 3);
    assert.throws(() => throughputProfile(mlp({ layers: [4, 1] }), data, { batchSizes: [0] }), /batchSizes\[0\] must be an integer from 1 to 10, got 0/);
  });
});

describe('throughput helpers', () => {
  it('powersOfTwo ends at the data size', () => {
    assert.deepEqual(powersOfTwo(1), [1]); assert.deepEqual(powersOfTwo(8), [1, 2, 4, 8]); assert.deepEqual(powersOfTwo(10), [1, 2, 4, 8, 10]);
  });

  it('batchBytes counts inputs, targets, activations and two delta buffers of float32', () => {
    const m = mlp({ layers: [784, 64, 10] });
    assert.equal(batchBytes(m, 1, 32), 4 * 32 * (784 + 1 + 64 + 10 + 2 * 64));
  });

  const rows: ThroughputRow[] = [1, 4, 16, 64].map((b, i) => ({ batchSize: b, secondsPerUpdate: [1, 1, 2, 8][i]!, examplesPerSecond: b / [1, 1, 2, 8][i]!, updatesPerRepeat: 1, batchBytes: 0 }));

  it('the knee is the smallest batch size reaching 90 % of the peak examples/s', () => {
    assert.deepEqual(kneeOf(rows), { peak: 8, knee: 16 });
    assert.deepEqual(kneeOf(rows, 0.4), { peak: 8, knee: 4 });
  });

  it('seconds per update interpolate in log-log between timed sizes, flat below and proportional above', () => {
    assert.equal(secondsPerUpdateAt({ rows }, 16), 2);
    assert.ok(Math.abs(secondsPerUpdateAt({ rows }, 32) - 4) < 1e-12);
    assert.equal(secondsPerUpdateAt({ rows: [rows[1]!] }, 1), 1);
    assert.equal(secondsPerUpdateAt({ rows }, 128), 16);
  });
});
