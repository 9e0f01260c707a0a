// Tests of the pure summaries: spreads over seeds, time to target, distances, geometric spread, logGrid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bestValLoss, examplesToTarget, geometricSpread, relativeDistance, secondsToTarget, summarise, updatesToTarget,
} from '../../src/experiments/analysis/summary.js';
import { logGrid } from '../../src/experiments/tune.js';
import type { Point } from '../../src/experiments/records.js';
import { MinibatchError } from '../../src/core/errors.js';

const pt = (examplesSeen: number, valLoss: number): Point => ({
  epoch: examplesSeen / 100, updates: examplesSeen / 10, examplesSeen, trainSeconds: examplesSeen / 1000, trainLoss: valLoss, valLoss, valMetric: 0,
});

describe('summarise', () => {
  it('gives mean, sample sd, min and max and keeps the values', () => {
    const s = summarise([1, 2, 3, 4]);
    assert.equal(s.mean, 2.5);
    assert.ok(Math.abs(s.sd - Math.sqrt(5 / 3)) < 1e-12);
    assert.equal(s.min, 1); assert.equal(s.max, 4);
    assert.deepEqual(s.values, [1, 2, 3, 4]);
  });

  it('skips non-finite values in the statistics but keeps them in values', () => {
    const s = summarise([2, NaN, 4, Infinity]);
    assert.equal(s.mean, 3); assert.equal(s.min, 2); assert.equal(s.max, 4);
    assert.equal(s.values.length, 4);
  });

  it('has sd 0 for one value and NaN statistics for none', () => {
    assert.equal(summarise([5]).sd, 0);
    assert.ok(Number.isNaN(summarise([NaN]).mean));
    assert.ok(Number.isNaN(summarise([]).sd));
  });
});

describe('time to target', () => {
  const points = [pt(0, 1), pt(100, 0.6), pt(200, 0.4), pt(300, 0.45), pt(400, 0.3)];
  it('reads the first point at or below the target', () => {
    assert.equal(secondsToTarget(points, 0.5), 0.2);
    assert.equal(examplesToTarget(points, 0.4), 200);
    assert.equal(updatesToTarget(points, 0.3), 40);
  });
  it('is NaN when the target is never reached', () => {
    assert.ok(Number.isNaN(secondsToTarget(points, 0.1)));
  });

  it('never counts the starting point (0 updates) as reaching the target (issue 12, item 6)', () => {
    const start = [pt(0, 0.2), pt(100, 0.6), pt(200, 0.25)];
    assert.equal(updatesToTarget(start, 0.3), 20);
    assert.ok(Number.isNaN(secondsToTarget([pt(0, 0.2), pt(100, 0.6)], 0.3)));
    assert.equal(bestValLoss(start), 0.25);
  });
});

describe('relativeDistance and geometricSpread', () => {
  it('measures ||w - ref|| / ||ref||', () => {
    assert.equal(relativeDistance([3, 4], [3, 4]), 0);
    assert.ok(Math.abs(relativeDistance([3, 5], [3, 4]) - 1 / 5) < 1e-12);
    assert.equal(relativeDistance([3, 4], [0, 0]), 5);
    assert.ok(Number.isNaN(relativeDistance([1], [1, 2])));
  });
  it('gives the geometric mean and the sd of log10', () => {
    const g = geometricSpread([0.01, 1]);
    assert.ok(Math.abs(g.mean - 0.1) < 1e-12);
    assert.ok(Math.abs(g.spreadLog10 - Math.SQRT2) < 1e-12);
  });
});

describe('logGrid', () => {
  it('spaces rates evenly in log and ends exactly at max', () => {
    const g = logGrid(1e-3, 10, 5);
    assert.equal(g.length, 5);
    assert.equal(g[0], 1e-3); assert.equal(g[4], 10);
    for (let i = 1; i < g.length; i++) assert.ok(Math.abs(Math.log10(g[i]! / g[i - 1]!) - 1) < 1e-9);
    assert.deepEqual(logGrid(0.1, 1, 1), [0.1]);
  });
  it('refuses a reversed or non-positive range', () => {
    assert.throws(() => logGrid(1, 0.1, 3), MinibatchError);
    assert.throws(() => logGrid(0, 1, 3), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_LEARNING_RATE');
  });
});
