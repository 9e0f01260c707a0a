// The study's adaptive stage: the adaptive policy beside the fixed grid, timed to the same target.
import '../../src/platform/node/install.js'; // the Node platform when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveStart, adaptiveSummaryRow, bestFixed } from '../../src/experiments/adaptive-stage.js';
import { study } from '../../src/experiments/study.js';
import { defaultMaxBatch } from '../../src/train/batch-policy.js';
import { summarise } from '../../src/experiments/analysis/summary.js';
import type { CompareResult } from '../../src/experiments/records.js';
import { studyResultSchema } from '../../src/report/results-schema.js';
import { mlp } from '../../src/nn/models.js';
import { blobs } from './helpers.js';

describe('study: adaptive stage', () => {
  const data = blobs(600, 4, 3);
  const spec = mlp({ layers: [4, 8, 1], output: 'sigmoid', seed: 2 }).spec;

  it('runs the adaptive policy per seed from the best fixed grid size and its rate, and says whether it reached the target sooner', async () => {
    const r = await study(spec, data, { batchSizes: [1, 32, 128], epochs: 4, seeds: 2, workers: 1, learningRate: 0.3 });
    const a = r.adaptive!;
    assert.ok(a, 'the study has an adaptive stage');
    assert.equal(a.requested, 'adaptive');
    const start = adaptiveStart(r.compare)!;
    assert.equal(a.initialBatchSize, start.batchSize);
    assert.equal(a.learningRate, start.learningRate);
    assert.equal(a.learningRate, 0.3);
    assert.equal(a.lrRule, 'gain');
    assert.equal(a.runs.length, 2);
    for (const run of a.runs) {
      assert.equal(run.points[0]!.examplesSeen, 0);
      for (let i = 1; i < run.points.length; i++) {
        assert.ok(run.points[i]!.examplesSeen > run.points[i - 1]!.examplesSeen);
        assert.ok(run.points[i]!.batchSize >= run.points[i - 1]!.batchSize);
      }
      assert.equal(run.points[run.points.length - 1]!.examplesSeen, 4 * 480, 'four epochs of the 480 training rows');
      assert.ok(run.points.every((p) => p.batchSize <= a.maxBatchSize));
    }
    const fixed = bestFixed(r.compare, r.noise?.throughput);
    assert.deepEqual(a.bestFixed, fixed);
    assert.equal(a.sooner, a.secondsToTarget.mean < fixed.secondsToTarget);
    assert.equal(a.maxBatchSize, Math.max(32, r.noise ? Math.min(r.noise.throughput.knee, 480) : defaultMaxBatch(480)), 'bounded by the throughput knee and n');
    const row = adaptiveSummaryRow(a);
    assert.equal(row['requested'], 'adaptive');
    assert.equal(row['secondsToTarget'], a.secondsToTarget.mean);
    assert.ok(studyResultSchema.safeParse(JSON.parse(JSON.stringify(r))).success, 'results.json still validates');
  });

  it('starts from the batch size that reached the target soonest, at its rate; else the smallest of at least 8', () => {
    const row = (requested: number | 'full', learningRate: number, seconds: number) => ({
      batchSize: requested === 'full' ? 480 : requested, requested, learningRate, finalValLoss: summarise([0.1]), finalValMetric: summarise([0.9]),
      secondsToTarget: summarise([seconds]), examplesToTarget: summarise([NaN]), updatesToTarget: summarise([NaN]),
    });
    const cmp = (rows: ReturnType<typeof row>[]) => ({ summary: rows }) as unknown as CompareResult;
    const best = adaptiveStart(cmp([row(4, 0.03, 2), row(8, 0.1, 1.5), row(32, 0.3, 0.4), row(128, 1, 0.9), row('full', 1, 0.1)]))!;
    assert.deepEqual([best.batchSize, best.learningRate], [32, 0.3], "the fastest fixed size (never 'full')");
    const none = adaptiveStart(cmp([row(4, 0.03, NaN), row(8, 0.1, NaN), row(32, 0.3, NaN)]))!;
    assert.deepEqual([none.batchSize, none.learningRate], [8, 0.1], 'no size reached the target: the smallest of at least 8');
    assert.equal(adaptiveStart(cmp([row(2, 0.1, NaN), row(4, 0.1, NaN)]))!.batchSize, 4, 'all below 8: the largest');
    assert.equal(adaptiveStart(cmp([])), undefined);
  });

  it('is skipped with adaptive: false, and never starts from full', async () => {
    const r = await study(spec, data, { batchSizes: [8, 'full'], epochs: 2, seeds: 1, workers: 1, learningRate: 0.3, adaptive: false, noiseScale: false });
    assert.equal(r.adaptive, undefined);
    assert.equal(adaptiveStart(r.compare)!.batchSize, 8, "'full' is never the start");
  });
});
