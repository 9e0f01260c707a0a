// The throughput profile: well-formed records (no timing thresholds), memory from shapes, the knee and interpolation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchBytes, kneeOf, powersOfTwo, secondsPerUpdateAt, throughputProfile, type ThroughputRow } from '../../src/experiments/probes/throughput.js';
import { mlp } from '../../src/nn/models.js';
import { pricingProfile } from '../../src/experiments/probes/price-profile.js';
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

  it('inPlace times the model itself: its weights move and it stays usable', () => {
    const data = blobs(100, 4, 3);
    const model = mlp({ layers: [4, 8, 1], seed: 1 });
    const before = model.params.slice();
    const p = throughputProfile(model, data, { batchSizes: [4, 32], repeats: 2, minMs: 1, learningRate: 0.1, inPlace: true });
    assert.deepEqual(p.rows.map((r) => r.batchSize), [4, 32]);
    assert.notDeepEqual(model.params, before, 'the steps moved the weights of the model itself');
    assert.ok(model.params.every(Number.isFinite));
    model.dispose();
  });

  it('refuses batch sizes outside the data', () => {
    const data = blobs(10, 4, 3);
    assert.throws(() => throughputProfile(mlp({ layers: [4, 1] }), data, { batchSizes: [0] }), /batchSizes\[0\] must be an integer from 1 to 10, got 0/);
  });
});

describe('pricingProfile', () => {
  it('times every size once per round, rounds interleaved, after one warm-up, and keeps the fastest round per size', () => {
    const data = blobs(60, 4, 3); const model = mlp({ layers: [4, 8, 1], seed: 1 });
    const sizes = [4, 16, 60]; const rounds = 6; const S = sizes.length;
    // A clock that moves by a chosen amount at every reading: call 0 starts the profile, then each
    // timed repeat reads it twice (its start, then after its one update of at least minMs).
    const stepMs = (call: number): number => {
      const timed = call - 1 - 2 * S; // the warm-up reads the clock twice per size
      if (timed < 0 || timed >= 2 * S * rounds) return 1;
      const round = Math.floor(timed / (2 * S)); const k = Math.floor((timed % (2 * S)) / 2);
      return (round === 4 ? 3 : 10 + round) + k; // round 4 is the fastest for every size
    };
    let call = 0; let t = 0;
    const clock = (): number => (t += stepMs(call++));
    const p = pricingProfile(model, data, sizes, { rounds, minMs: 1, clock });
    assert.equal(p.repeats, rounds);
    assert.equal(call, 1 + 2 * S + 2 * S * rounds + 1, 'one warm-up of every size, then one repeat per size per round');
    assert.deepEqual(p.rows.map((r) => r.batchSize), sizes);
    p.rows.forEach((r, k) => {
      assert.ok(Math.abs(r.secondsPerUpdate - (3 + k) / 1000) < 1e-12, `size ${r.batchSize}: the fastest round, ${r.secondsPerUpdate}`);
      assert.equal(r.updatesPerRepeat, 1);
    });
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
