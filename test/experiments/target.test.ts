// Tests of the target rule: near the best setting's final loss, never met by the untrained model.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTarget } from '../../src/experiments/analysis/target.js';
import { firstPointAtTarget, updatesToTarget } from '../../src/experiments/analysis/summary.js';
import { crossing } from '../../src/experiments/analysis/critical-batch.js';
import type { Point, RunRecord } from '../../src/experiments/records.js';

function pt(updates: number, valLoss: number): Point {
  return { epoch: updates / 10, updates, examplesSeen: updates * 4, trainSeconds: updates * 1e-4, trainLoss: valLoss, valLoss, valMetric: 0 };
}
function run(batchSize: number, seed: number, losses: number[], learningRate = 0.1): RunRecord {
  return { batchSize, requested: batchSize, learningRate, seed, points: losses.map((l, i) => pt(i * 10, l)) };
}

describe('chooseTarget', () => {
  it('is 2 % above the best setting\'s mean final loss over its seeds', () => {
    const runs = [run(8, 1, [1, 0.5, 0.30]), run(8, 2, [1, 0.5, 0.32]), run(32, 1, [1, 0.6, 0.40]), run(32, 2, [1, 0.6, 0.29])];
    const t = chooseTarget(runs);
    assert.equal(t.kind, 'near-best-final');
    assert.ok(Math.abs(t.bestFinal - 0.31) < 1e-12, 'mean of batch size 8, not the single best run 0.29');
    assert.ok(Math.abs(t.loss - 0.31 * 1.02) < 1e-12);
    assert.equal(t.meaningful, true);
    assert.match(t.rule, /within 2 % of the best/);
    assert.match(t.rule, /no interpolation/);
  });

  it('uses the stricter best loss when the untrained model already meets the 2 % target', () => {
    const runs = [run(8, 1, [0.505, 0.7, 0.5]), run(8, 2, [0.6, 0.7, 0.5])];
    const t = chooseTarget(runs);
    assert.equal(t.kind, 'best-final'); assert.equal(t.loss, 0.5); assert.equal(t.margin, 0);
    assert.match(t.rule, /stricter target/);
  });

  it('says no target is meaningful when training never beat the untrained model', () => {
    const t = chooseTarget([run(8, 1, [0.4, 0.7, 0.5])]);
    assert.equal(t.kind, 'none'); assert.ok(Number.isNaN(t.loss)); assert.equal(t.meaningful, false);
    assert.match(t.rule, /no meaningful target/);
  });

  it('keeps a given target and flags it when the untrained model meets it', () => {
    const t = chooseTarget([run(8, 1, [0.4, 0.3])], 0.45);
    assert.equal(t.kind, 'given'); assert.equal(t.loss, 0.45); assert.equal(t.meaningful, false);
    assert.match(t.rule, /meaningless/);
  });

  it('ignores diverged runs', () => {
    const runs = [run(8, 1, [1, 0.5]), { ...run(64, 1, [1, 0.1]), diverged: { epoch: 1, loss: NaN } }];
    assert.equal(chooseTarget(runs).bestFinal, 0.5);
  });
});

describe('time to target counts', () => {
  it('never counts the point at 0 updates, and does not interpolate', () => {
    const points = [pt(0, 0.2), pt(10, 0.5), pt(20, 0.25), pt(30, 0.1)];
    assert.equal(firstPointAtTarget(points, 0.3)?.updates, 20);
    assert.equal(updatesToTarget(points, 0.3), 20);
    assert.deepEqual(crossing(points, 0.3), { steps: 20, examples: 80, seconds: 20e-4 });
    assert.equal(crossing([pt(0, 0.1)], 0.3), undefined);
  });
});
