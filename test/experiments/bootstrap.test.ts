// Tests of the seeded bootstrap intervals over seeds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapDifference, bootstrapMean } from '../../src/experiments/analysis/bootstrap.js';
import { compareQuality } from '../../src/experiments/analysis/quality.js';
import { summarise } from '../../src/experiments/analysis/summary.js';

describe('bootstrapMean', () => {
  it('gives the same interval for the same seed, inside the range of the values, around the mean', () => {
    const v = [3, 5, 4, 8, 6];
    const a = bootstrapMean(v); const b = bootstrapMean(v);
    assert.deepEqual(a, b);
    assert.equal(a.resamples, 1000); assert.equal(a.level, 0.9); assert.equal(a.n, 5);
    assert.ok(a.lo >= 3 && a.hi <= 8 && a.lo < 5.2 && a.hi > 5.2, JSON.stringify(a));
  });

  it('narrows as the level drops and skips values that never reached the target', () => {
    const v = [1, 2, 3, 4, NaN];
    const wide = bootstrapMean(v, { level: 0.98 }); const narrow = bootstrapMean(v, { level: 0.5 });
    assert.equal(wide.n, 4);
    assert.ok(wide.lo <= narrow.lo && wide.hi >= narrow.hi);
  });

  it('collapses to the value for a single seed (no spread can be estimated)', () => {
    assert.deepEqual(bootstrapMean([2.5]), { lo: 2.5, hi: 2.5, level: 0.9, resamples: 0, n: 1 });
    assert.ok(Number.isNaN(bootstrapMean([NaN]).lo));
  });
});

describe('bootstrapDifference and compareQuality', () => {
  it('contains 0 for overlapping seeds and excludes it for separated ones', () => {
    const d0 = bootstrapDifference([0.90, 0.92, 0.91], [0.91, 0.90, 0.92]);
    assert.ok(d0.lo <= 0 && d0.hi >= 0);
    const d1 = bootstrapDifference([0.80, 0.81, 0.80], [0.91, 0.90, 0.92]);
    assert.ok(d1.hi < 0);
  });

  it('tests with 3 seeds and only applies the floor with fewer', () => {
    const best = summarise([0.91, 0.90, 0.92]);
    assert.equal(compareQuality(summarise([0.89, 0.92, 0.90]), best, 'accuracy').basis, 'test');
    assert.equal(compareQuality(summarise([0.89, 0.92, 0.90]), best, 'accuracy').same, true);
    assert.equal(compareQuality(summarise([0.80, 0.81, 0.80]), best, 'accuracy').same, false);
    const one = compareQuality(summarise([0.904]), summarise([0.90]), 'accuracy');
    assert.equal(one.basis, 'floor'); assert.equal(one.same, true);
    assert.equal(compareQuality(summarise([0.88, 0.92]), summarise([0.91, 0.91]), 'accuracy').same, false, 'two seeds: no noise claim, the 0.005 floor decides');
  });
});
