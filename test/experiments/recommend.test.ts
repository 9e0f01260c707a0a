// Tests of the recommendation: fastest to target among batch sizes within noise of the best metric.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recommend, withinNoise } from '../../src/experiments/analysis/recommend.js';
import { compare } from '../../src/experiments/compare.js';
import { lrRangeTest } from '../../src/experiments/probes/lr-range.js';
import type { CompareResult } from '../../src/experiments/records.js';
import { summarise } from '../../src/experiments/analysis/summary.js';
import { logisticRegression } from '../../src/nn/models.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs } from './helpers.js';

type Row = CompareResult['summary'][number];

function row(batchSize: number, acc: number[], seconds: number[], lr = 0.1): Row {
  return {
    batchSize, requested: batchSize, learningRate: lr,
    finalValLoss: summarise(acc.map((a) => 1 - a)), finalValMetric: summarise(acc),
    secondsToTarget: summarise(seconds), examplesToTarget: summarise(seconds.map((s) => s * 1000)), updatesToTarget: summarise(seconds.map((s) => s * 100)),
  };
}

function result(rows: Row[], diverged: number[] = []): CompareResult {
  const runs = rows.flatMap((r) => r.finalValMetric.values.map((_, i) => ({
    batchSize: r.batchSize, requested: r.requested, learningRate: r.learningRate, seed: i + 1, points: [],
    ...(diverged.includes(r.batchSize) && i === 0 ? { diverged: { epoch: 1, loss: NaN } } : {}),
  })));
  return { kind: 'compare', metric: 'accuracy', batchSizes: rows.map((r) => r.requested), seeds: [1, 2, 3], runs, summary: rows, targetLoss: 0.3, budget: { epochs: 10 } };
}

describe('recommend', () => {
  it('picks the fastest batch size among those within noise of the best accuracy', () => {
    const c = result([
      row(1, [0.90, 0.91, 0.92], [3, 3.2, 2.8]),
      row(32, [0.905, 0.915, 0.91], [0.5, 0.6, 0.55]),
      row(512, [0.80, 0.81, 0.80], [0.1, 0.1, 0.1]),
    ]);
    const rec = recommend(undefined, c);
    assert.equal(rec.batchSize, 32); assert.equal(rec.learningRate, 0.1);
    assert.match(rec.evidence[0]!, /^Batch size 32 reaches the target validation loss 0.3 after 55 updates .*in 0.55 s of measured training time \(median over seeds; no throughput profile\)/);
    assert.match(rec.evidence.join(' '), /batch size 512 reached the target sooner but finished with a worse validation accuracy/);
    assert.match(rec.compared, /Batch sizes 1, 32, 512; learning rates as given; 3 seeds; 10 epochs per run/);
  });

  it('passes over a batch size with a diverged seed when a stable one is within noise', () => {
    const c = result([row(8, [0.9, 0.9, 0.9], [0.2, 0.2, 0.2]), row(64, [0.9, 0.9, 0.9], [0.4, 0.4, 0.4])], [8]);
    const rec = recommend(undefined, c);
    assert.equal(rec.batchSize, 64);
    assert.match(rec.evidence.join(' '), /All 3 seeded runs trained without diverging/);
  });

  it('uses the noise of the seeds, with a floor for a single seed', () => {
    assert.equal(withinNoise(row(1, [0.90], [1]), row(2, [0.904], [1]), 'accuracy'), true);
    assert.equal(withinNoise(row(1, [0.90], [1]), row(2, [0.91], [1]), 'accuracy'), false);
    assert.equal(withinNoise(row(1, [0.85, 0.95, 0.9], [1]), row(2, [0.93, 0.93, 0.93], [1]), 'accuracy'), true);
  });

  it('throws DIVERGED when nothing finished', () => {
    const c = result([row(8, [NaN], [NaN])]);
    assert.throws(() => recommend(undefined, c), (e: unknown) => e instanceof MinibatchError && e.code === 'DIVERGED');
  });

  it('writes evidence from real compare and range-test results', async () => {
    const data = blobs(200);
    const spec = logisticRegression({ inputs: 4 }).spec;
    const c = await compare(spec, data, { batchSizes: [4, 'full'], learningRate: [0.1, 2], epochs: 4, seeds: 2, workers: 1 });
    const lr = await lrRangeTest(spec, data, { seeds: 2, steps: 40 });
    const rec = recommend(undefined, c, lr);
    assert.ok([4, 160].includes(rec.batchSize));
    assert.ok(rec.evidence.length >= 4);
    assert.ok(rec.evidence.some((s) => s.includes('learning-rate range test')));
    assert.match(rec.compared, /160 training and 40 validation rows/);
  });
});
