// Tests of successive halving: the rung plan, the survivors it keeps, and a real small tune.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { halvingPlan, rankCells, selectSurvivors, successiveHalving, type RungScore } from '../../src/experiments/analysis/halving.js';
import { tune } from '../../src/experiments/tune.js';
import { logisticRegression } from '../../src/nn/models.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs } from './helpers.js';

describe('halvingPlan', () => {
  it('ends with the full budget and divides cells by eta each rung', () => {
    assert.deepEqual(halvingPlan([9], 27, 3), [
      { epochs: 3, cellsPerGroup: [9] }, { epochs: 9, cellsPerGroup: [3] }, { epochs: 27, cellsPerGroup: [1] },
    ]);
    assert.deepEqual(halvingPlan([8, 8], 20, 3).map((r) => [r.epochs, r.cellsPerGroup]), [[7, [8, 8]], [20, [3, 3]]]);
  });
  it('has as many rungs as the epoch budget allows', () => {
    assert.deepEqual(halvingPlan([27], 3, 3).map((r) => r.epochs), [1, 3]);
    assert.deepEqual(halvingPlan([27], 1, 3).map((r) => r.epochs), [1]);
  });
});

describe('survivor selection', () => {
  const scores: RungScore[] = [
    { loss: 0.5, diverged: false }, { loss: NaN, diverged: true }, { loss: 0.2, diverged: false },
    { loss: 0.2, diverged: false }, { loss: 0.9, diverged: false }, { loss: 0.1, diverged: true },
  ];
  it('ranks by loss, ties in given order, diverged cells last', () => {
    assert.deepEqual(rankCells([0, 1, 2, 3, 4, 5], (i) => scores[i]!), [2, 3, 0, 4, 1, 5]);
  });
  it('keeps the best of each group separately', () => {
    const group = (i: number): number => (i < 3 ? 0 : 1);
    assert.deepEqual(selectSurvivors([0, 1, 2, 3, 4, 5], group, [1, 2], (i) => scores[i]!), [2, 3, 4]);
  });
});

describe('successiveHalving with a deterministic fake objective', () => {
  // Two groups of 9 learning rates; the loss is (log10 lr - log10 lr*)^2 + 1/epochs, lr* = 0.01 and 1;
  // rates at or above 10x the optimum diverge. The grid runs from 1e-4 to 1, so group 1's optimum is its edge.
  const lrs = Array.from({ length: 9 }, (_, i) => 10 ** (-4 + i * 0.5));
  const optimum = [0.01, 1];
  const cells = [0, 1].flatMap((g) => lrs.map((lr) => ({ g, lr })));

  it('keeps the best third per group each rung and ends at the optimum with the full budget', async () => {
    const calls: Array<{ cells: number[]; epochs: number }> = [];
    const trace = await successiveHalving(cells.length, (i) => cells[i]!.g, 27, 3, async (idx, epochs) => {
      calls.push({ cells: idx, epochs });
      return idx.map((i) => {
        const { g, lr } = cells[i]!;
        const d = Math.log10(lr / optimum[g]!);
        return d >= 1 ? { loss: NaN, diverged: true } : { loss: d * d + 1 / epochs, diverged: false };
      });
    });
    assert.equal(trace.partial, false);
    assert.deepEqual(calls.map((c) => [c.epochs, c.cells.length]), [[3, 18], [9, 6], [27, 2]]);
    // rung 1 keeps, per group, the three rates nearest the optimum (ties in grid order)
    const rung1 = calls[1]!.cells.map((i) => `${cells[i]!.g}:${cells[i]!.lr.toPrecision(2)}`);
    assert.deepEqual(rung1, ['0:0.010', '0:0.0032', '0:0.032', '1:1.0', '1:0.32', '1:0.10']);
    const finalists = calls[2]!.cells.map((i) => cells[i]!.lr);
    assert.ok(Math.abs(finalists[0]! - 0.01) < 1e-12 && Math.abs(finalists[1]! - 1) < 1e-12);
    const lastRung = trace.history.map((h) => h[h.length - 1]?.rung);
    assert.equal(lastRung.filter((r) => r === 2).length, 2);
  });

  it('stops and reports partial when a rung does not finish', async () => {
    const trace = await successiveHalving(9, () => 0, 9, 3, async (idx, epochs) =>
      idx.map((i, j) => (epochs === 3 && j > 0 ? undefined : { loss: i, diverged: false })));
    assert.equal(trace.partial, true);
    assert.equal(trace.history.filter((h) => h.length === 2).length, 1);
  });
});

describe('tune on a small logistic regression', () => {
  const data = blobs(240);
  const spec = logisticRegression({ inputs: 4 }).spec;
  const learningRates = [0.001, 0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5];

  it('halves per batch size, finds a best rate for each and a best pair trained with the full budget', async () => {
    const r = await tune(spec, data, { batchSizes: [4, 32, 'full'], learningRates, budget: { epochs: 9 }, workers: 1 });
    assert.equal(r.kind, 'tune'); assert.equal(r.method, 'halving'); assert.equal(r.metric, 'accuracy');
    assert.equal(r.cells.length, 27, 'every cell is reported with its last rung');
    for (const bs of [4, 32, 192]) {
      const cells = r.cells.filter((c) => c.batchSize === bs);
      assert.deepEqual([0, 1, 2].map((k) => cells.filter((c) => c.rung === k).length), [6, 2, 1]);
      assert.equal(cells.find((c) => c.rung === 2)!.epochs, 9);
    }
    assert.deepEqual(r.bestPerBatchSize.map((b) => b.batchSize), [4, 32, 192]);
    for (const b of r.bestPerBatchSize) {
      assert.ok(b.learningRate >= 0.01 && b.learningRate <= 100, `best rate ${b.learningRate} at batch size ${b.batchSize}`);
      assert.equal(r.cells.find((c) => c.batchSize === b.batchSize && c.rung === 2)!.learningRate, b.learningRate);
    }
    assert.ok(r.best.valMetric > 0.8, `best accuracy ${r.best.valMetric}`);
    assert.ok(r.cells.some((c) => c.diverged) || r.cells.some((c) => c.learningRate >= 1e4 && c.rung === 0), 'huge rates are dropped at rung 0');
    assert.ok(Number.isFinite(r.scaling.exponent));
  });

  it('grid search trains every cell with the full budget', async () => {
    const r = await tune(spec, data, { batchSizes: [16, 'full'], learningRates: [0.1, 1], method: 'grid', budget: { epochs: 3 }, seeds: 2, workers: 1 });
    assert.equal(r.cells.length, 4);
    for (const c of r.cells) { assert.equal(c.rung, 0); assert.equal(c.epochs, 3); assert.equal(c.valLoss.values.length, 2); }
  });

  it('throws CANCELLED when cancelled before any cell finished', async () => {
    const ac = new AbortController(); ac.abort();
    await assert.rejects(tune(spec, data, { batchSizes: [16], learningRates: [0.1], signal: ac.signal, workers: 1 }),
      (e: unknown) => e instanceof MinibatchError && e.code === 'CANCELLED');
  });
});
