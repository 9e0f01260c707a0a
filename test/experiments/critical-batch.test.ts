// The critical batch size: the (S, E) fit recovers B_crit, crossings interpolate, and the noise-scale prediction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { criticalBatch, crossing, fitCriticalBatch, fitSMin, predictedSteps, type CriticalPoint } from '../../src/experiments/analysis/critical-batch.js';
import { noisePrediction } from '../../src/experiments/analysis/recommend.js';
import type { CompareResult, Point, RunRecord } from '../../src/experiments/records.js';
import { summarise } from '../../src/experiments/analysis/summary.js';

/** Points generated from the model: S = S_min (1 + B_crit / B), E = B S, times a seeded noise factor. */
function synthetic(sMin: number, bCrit: number, sizes: number[], noise: number, seed = 1): CriticalPoint[] {
  const rng = new Rng(seed);
  return sizes.map((b) => {
    const steps = sMin * (1 + bCrit / b) * (1 + noise * rng.normal());
    return { batchSize: b, steps, examples: b * steps, seconds: steps * 1e-3, reached: 3, runs: 3 };
  });
}

describe('fitCriticalBatch', () => {
  it('recovers S_min, E_min and B_crit exactly from noiseless (S, E) data', () => {
    const r = fitCriticalBatch(synthetic(50, 300, [1, 8, 32, 128, 512, 2048], 0), 0.3);
    assert.ok(Math.abs(r.bCrit - 300) < 1e-6 * 300, String(r.bCrit));
    assert.ok(Math.abs(r.sMin - 50) < 1e-6 * 50 && Math.abs(r.eMin - 15000) < 1e-6 * 15000);
    assert.ok(r.rmsRelError < 1e-9);
    // every point satisfies (S/S_min - 1)(E/E_min - 1) = 1
    for (const p of r.points) assert.ok(Math.abs((p.steps / r.sMin - 1) * (p.examples / r.eMin - 1) - 1) < 1e-6);
  });

  it('recovers B_crit within 15 % from seeds with 5 % noise in the steps', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = fitCriticalBatch(synthetic(20, 1000, [4, 16, 64, 256, 1024, 4096], 0.05, seed));
      assert.ok(Math.abs(r.bCrit - 1000) / 1000 < 0.15, `seed ${seed}: ${r.bCrit}`);
    }
  });

  it('needs two batch sizes that reached the target, and clamps a negative S_min', () => {
    const one = fitCriticalBatch([{ batchSize: 8, steps: 100, examples: 800, seconds: 1, reached: 1, runs: 1 }]);
    assert.ok(Number.isNaN(one.bCrit)); assert.match(one.note!, /only 1 batch size reached the target loss; the fit needs at least 2/);
    // steps falling faster than 1/B would need S_min < 0: clamp to 0 (all batch sizes below B_crit)
    const steep = fitCriticalBatch([8, 16, 32].map((b) => ({ batchSize: b, steps: 6400 / b ** 1.2, examples: 0, seconds: 0, reached: 1, runs: 1 })));
    assert.equal(steep.sMin, 0); assert.equal(steep.bCrit, Infinity); assert.ok(steep.eMin > 0);
  });
});

function pt(updates: number, examplesSeen: number, valLoss: number, trainSeconds = updates / 100): Point {
  return { epoch: examplesSeen / 100, updates, examplesSeen, trainSeconds, trainLoss: valLoss, valLoss, valMetric: 0.9 };
}

describe('crossing and criticalBatch', () => {
  it('reads exact counts at the first point at or below the target, never interpolated, never at 0 updates', () => {
    const c = crossing([pt(0, 0, 2), pt(10, 100, 1), pt(20, 200, 0.5)], 0.75)!;
    assert.deepEqual([c.steps, c.examples], [20, 200]);
    assert.equal(crossing([pt(0, 0, 0.1), pt(10, 100, 1)], 0.5), undefined);
    assert.equal(crossing([pt(0, 0, 2)], 0.5), undefined);
  });

  it('reads steps and examples per batch size from compare runs (diverged runs left out)', () => {
    const runs: RunRecord[] = [];
    const sMin = 10; const bCrit = 64;
    for (const b of [4, 16, 64, 256]) {
      const s = sMin * (1 + bCrit / b);
      for (const seed of [1, 2]) runs.push({ batchSize: b, requested: b, learningRate: 0.1, seed, points: [pt(0, 0, 2), pt(s, s * b, 0.5), pt(2 * s, 2 * s * b, 0.4)] });
    }
    runs.push({ batchSize: 4, requested: 4, learningRate: 0.1, seed: 3, points: [pt(0, 0, 2)], diverged: { epoch: 1, loss: 1e9 } });
    const summary = [4, 16, 64, 256].map((b) => ({ batchSize: b, requested: b, learningRate: 0.1 } as CompareResult['summary'][number]));
    const cmp = { kind: 'compare', metric: 'accuracy', batchSizes: [4, 16, 64, 256], seeds: [1, 2], runs, summary, targetLoss: 0.5 } as CompareResult;
    const r = criticalBatch(cmp);
    assert.ok(Math.abs(r.bCrit - 64) < 1e-6 * 64, String(r.bCrit));
    assert.deepEqual(r.points.map((p) => [p.reached, p.runs]), [[2, 2], [2, 2], [2, 2], [2, 2]]);
    assert.throws(() => criticalBatch({ ...cmp, targetLoss: NaN }), /no finite target loss \(got NaN\); give targetLoss/);
  });
});

describe('noisePrediction', () => {
  const points = synthetic(20, 100, [8, 32, 128], 0);
  const critical = fitCriticalBatch(points, 0.3);
  // seconds per update: flat up to 16 (overhead-bound), then proportional to B
  const rows = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((b) => {
    const s = 1e-3 * Math.max(1, b / 16);
    return { batchSize: b, secondsPerUpdate: s, examplesPerSecond: b / s, updatesPerRepeat: 10, batchBytes: 4 * b };
  });
  const cmp = { summary: [8, 32, 128].map((b) => ({ batchSize: b, secondsToTarget: summarise([1]) })) } as unknown as CompareResult;

  it('fits S_min with B_noise fixed and picks the batch size with the least predicted time', () => {
    assert.ok(Math.abs(fitSMin(points, 100) - 20) < 1e-9);
    const p = noisePrediction(cmp, { bNoise: 100, critical, throughput: { rows, knee: 16 }, base: { batchSize: 32, learningRate: 0.1 }, optimizer: 'sgd' });
    const times = p.rows.map((r) => r.seconds);
    assert.equal(p.batchSize, p.rows[times.indexOf(Math.min(...times))]!.batchSize);
    // T(B) = 20 (1 + 100/B) x 1e-3 max(1, B/16): least at B = 32 or 64 (equal: 0.0625 x ... ), check by formula
    for (const r of p.rows) assert.ok(Math.abs(r.seconds - predictedSteps(20, 100, r.batchSize) * 1e-3 * Math.max(1, r.batchSize / 16)) < 1e-12);
    assert.equal(p.agreement, 'agree'); assert.ok(Math.abs(p.bSimpleOverBCrit - 1) < 1e-9);
    assert.ok(p.rows.find((r) => r.batchSize === 32)!.measuredSeconds !== undefined);
    assert.ok(p.evidence.some((e) => /B_simple\/B_crit = 1: they agree within a factor of 3/.test(e)), p.evidence.join('\n'));
  });

  it('scales the learning rate linearly for SGD and by the square root for Adam, with warmup for large batches', () => {
    const big = { rows: rows.map((r) => ({ ...r, secondsPerUpdate: 1e-3 })), knee: 512 }; // flat: the largest batch wins
    const s = noisePrediction(cmp, { bNoise: 100, critical, throughput: big, base: { batchSize: 32, learningRate: 0.1 }, optimizer: 'sgd' });
    assert.equal(s.batchSize, 512); assert.equal(s.scalingRule, 'linear');
    assert.ok(Math.abs(s.learningRate - 1.6) < 1e-12); assert.ok(s.warmupSteps! >= 1);
    const a = noisePrediction(cmp, { bNoise: 100, critical, throughput: big, base: { batchSize: 32, learningRate: 0.001 }, optimizer: 'adam' });
    assert.equal(a.scalingRule, 'square-root'); assert.ok(Math.abs(a.learningRate - 0.004) < 1e-12);
  });

  it('says when B_simple and B_crit disagree', () => {
    const p = noisePrediction(cmp, { bNoise: 20000, critical, throughput: { rows, knee: 16 }, base: { batchSize: 32, learningRate: 0.1 }, optimizer: 'sgd' });
    assert.equal(p.agreement, 'disagree');
    assert.ok(p.evidence.some((e) => /disagree by more than 10x/.test(e)));
    assert.ok(p.evidence.some((e) => /do not follow S_min \(1 \+ B_simple\/B\) well/.test(e)));
  });
});
