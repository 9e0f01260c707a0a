// Tests of the learning-rate range test: the ramp, the stopping rule, and a stable, sensible suggestion.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lrRangeTest, LR_RANGE_RULE } from '../../src/experiments/probes/lr-range.js';
import { linearRegression, logisticRegression } from '../../src/nn/models.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs, linearData } from './helpers.js';

describe('lrRangeTest', () => {
  const data = blobs(400);
  const spec = logisticRegression({ inputs: 4 }).spec;

  it('ramps the rate exponentially from minLr to maxLr, one rate per step', async () => {
    const r = await lrRangeTest(spec, data, { seeds: 1, steps: 50, minLr: 1e-4, maxLr: 1 });
    const c = r.curves[0]!;
    assert.equal(r.kind, 'lr-range'); assert.equal(r.batchSize, 32); assert.equal(r.rule, LR_RANGE_RULE);
    assert.equal(c.learningRates.length, c.losses.length);
    c.learningRates.forEach((lr, i) => assert.ok(Math.abs(lr / (1e-4 * 1e4 ** (i / 49)) - 1) < 1e-12));
    assert.ok(Math.abs(c.losses[0]! - c.rawLosses![0]!) < 1e-12, 'bias correction: the first smoothed loss is the first loss');
    assert.equal(c.suggested, c.minLossLr! / 10);
  });

  it('suggests a sensible rate for logistic regression, stable across seeds', async () => {
    const r = await lrRangeTest(spec, data, { maxLr: 100, seeds: 4 });
    assert.equal(r.curves.length, 4);
    assert.ok(r.suggested > 0.05 && r.suggested < 20, `suggested ${r.suggested}`);
    assert.ok(r.spreadLog10 < 0.3, `spread ${r.spreadLog10} decades`);
    for (const c of r.curves) assert.ok(c.suggested > 0.05 && c.suggested < 20);
  });

  it('stops when the smoothed loss exceeds stopFactor x its best', async () => {
    const r = await lrRangeTest(linearRegression({ inputs: 3 }).spec, linearData(300), { seeds: 3 });
    for (const c of r.curves) {
      assert.equal(c.stopped, true);
      assert.ok(c.learningRates.length < 100);
      const best = Math.min(...c.losses);
      assert.ok(c.losses[c.losses.length - 1]! > 4 * best);
      assert.ok(c.losses.slice(0, -1).every((l, i) => l <= 4 * Math.min(...c.losses.slice(0, i + 1))));
    }
    assert.ok(r.suggested > 0.01 && r.suggested < 1, `linear regression suggestion ${r.suggested}`);
    assert.ok(r.spreadLog10 < 0.2);
  });

  it('walks batches past an epoch and stops at a blow-up inside epoch 1, keeping the curve before it', async () => {
    const long = await lrRangeTest(spec, data, { seeds: 1, steps: 30, batchSize: 64, minLr: 1e-4, maxLr: 1e-3 });
    assert.equal(long.curves[0]!.learningRates.length, 30, '30 updates over 5 batches per epoch: 6 epochs');
    assert.equal(long.curves[0]!.stopped, false);
    const r = await lrRangeTest(linearRegression({ inputs: 3 }).spec, linearData(300), { seeds: 2, steps: 100, batchSize: 8, minLr: 1e3, maxLr: 1e12, stopFactor: 1e300 });
    for (const c of r.curves) {
      assert.equal(c.stopped, true, 'a non-finite loss stopped it (the smoothed-loss rule is off)');
      assert.ok(c.learningRates.length < 30, `${c.learningRates.length} steps: stopped inside epoch 1 (30 batches)`);
      assert.ok(c.rawLosses!.every(Number.isFinite));
    }
  });

  it('is deterministic for the same seeds', async () => {
    const a = await lrRangeTest(spec, data, { seeds: [3, 9], steps: 40 });
    const b = await lrRangeTest(spec, data, { seeds: [3, 9], steps: 40 });
    assert.deepEqual(a, b);
  });

  it('refuses a reversed ramp', async () => {
    await assert.rejects(lrRangeTest(spec, data, { minLr: 1, maxLr: 0.1 }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_LEARNING_RATE');
  });
});
