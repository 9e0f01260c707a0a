// Sweeps ranked by a chosen validation metric: tune's best cell, compare's target and times, the recommendation, errors.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/experiments/compare.js';
import { tune } from '../../src/experiments/tune.js';
import { recommend } from '../../src/experiments/analysis/recommend.js';
import { chooseMetricTarget } from '../../src/experiments/analysis/target.js';
import { objectiveOf } from '../../src/experiments/analysis/objective.js';
import { examplesToTarget } from '../../src/experiments/analysis/summary.js';
import type { CompareResult, RunRecord } from '../../src/experiments/records.js';
import { MinibatchError } from '../../src/core/errors.js';
import { linearRegression, logisticRegression } from '../../src/nn/models.js';
import { blobs, linearData } from './helpers.js';

const data = blobs(250);
const spec = logisticRegression({ inputs: 4 }).spec;
const lin = linearData(200);
const linSpec = linearRegression({ inputs: 3 }).spec;

describe('tune ranks cells by the chosen metric in its direction', () => {
  it("metric 'accuracy': the best cell has the highest mean validation accuracy (higher is better)", async () => {
    const r = await tune(spec, data, { batchSizes: [8], learningRates: [1e-4, 0.01, 1], method: 'grid', budget: { epochs: 2 }, workers: 1, metric: 'accuracy' });
    assert.equal(r.rankedBy, 'accuracy'); assert.equal(r.metric, 'accuracy');
    const top = Math.max(...r.cells.map((c) => c.valMetric.mean));
    assert.equal(r.best.valMetric, top);
    assert.ok(r.cells.some((c) => c.valMetric.mean < top), 'the rates differ in accuracy, so the ranking is tested');
  });

  it("metric 'mse' on a regression: the best cell has the lowest mean validation mse (lower is better)", async () => {
    const r = await tune(linSpec, lin, { batchSizes: [8], learningRates: [1e-4, 1e-3, 0.03], method: 'grid', budget: { epochs: 2 }, workers: 1, metric: 'mse' });
    assert.equal(r.rankedBy, 'mse');
    assert.equal(r.best.valMetric, Math.min(...r.cells.map((c) => c.valMetric.mean)));
    assert.equal(r.best.learningRate, 0.03);
  });

  it("metric 'f1' records F1 in valMetric (computed from predictions), not accuracy", async () => {
    const rare = blobs(300, 4, 3, 0.8).subset(Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 2 === 0 || i % 6 === 1));
    const f1 = await tune(spec, rare, { batchSizes: [16], learningRates: [0.05], method: 'grid', budget: { epochs: 2 }, workers: 1, metric: 'f1' });
    const acc = await tune(spec, rare, { batchSizes: [16], learningRates: [0.05], method: 'grid', budget: { epochs: 2 }, workers: 1 });
    assert.equal(acc.rankedBy, undefined); assert.equal(acc.metric, 'accuracy');
    assert.equal(f1.cells[0]!.valLoss.mean, acc.cells[0]!.valLoss.mean, 'the same training');
    assert.notEqual(f1.cells[0]!.valMetric.mean, acc.cells[0]!.valMetric.mean);
  });
});

describe("compare with metric 'accuracy'", () => {
  let r: CompareResult;
  before(async () => {
    r = await compare(spec, data, { batchSizes: [1, 8, 'full'], learningRate: [0.02, 0.1, 2], epochs: 4, seeds: 2, workers: 1, metric: 'accuracy', throughput: false });
  });

  it('says what ranked it and times batch sizes to an accuracy target (within 2 % below the best)', () => {
    assert.equal(r.rankedBy, 'accuracy'); assert.equal(r.metric, 'accuracy'); assert.equal(r.target!.metric, 'accuracy');
    assert.ok(r.target!.loss < r.target!.bestFinal && r.target!.loss > 0.5, `target ${r.target!.loss}`);
    assert.match(r.target!.rule, /validation accuracy/);
    assert.ok(Number.isFinite(r.targetLoss), 'the loss target is kept for the critical-batch fit');
    for (const row of r.summary) {
      const runs = r.runs.filter((x) => x.batchSize === row.batchSize);
      assert.deepEqual(row.examplesToTarget.values, runs.map((x) => examplesToTarget(x.points, r.target!.loss, objectiveOf('accuracy'))));
      for (const [i, x] of runs.entries()) {
        const hit = x.points.find((p) => p.updates > 0 && p.valMetric >= r.target!.loss);
        assert.equal(row.examplesToTarget.values[i], hit?.examplesSeen ?? NaN);
      }
    }
  });

  it('the recommendation judges quality by accuracy, higher is better, and says so', () => {
    const rec = recommend(undefined, r);
    const best = Math.max(...r.summary.map((s) => s.finalValMetric.mean));
    const chosen = r.summary.find((s) => s.batchSize === rec.batchSize)!;
    assert.ok(best - chosen.finalValMetric.mean <= 0.005 + 1e-12 || r.seeds.length >= 3, 'chosen within the floor of the best accuracy');
    assert.ok(rec.evidence.some((e) => /target validation accuracy/.test(e)), rec.evidence.join('\n'));
  });
});

describe('the metric target rule', () => {
  const run = (bs: number, start: number, end: number): RunRecord => ({
    batchSize: bs, requested: bs, learningRate: 0.1, seed: 1,
    points: [{ epoch: 0, updates: 0, examplesSeen: 0, trainSeconds: 0, trainLoss: 1, valLoss: 1, valMetric: start },
      { epoch: 1, updates: 10, examplesSeen: 100, trainSeconds: 1, trainLoss: 0.5, valLoss: 0.5, valMetric: end }],
  });
  it('higher is better: 2 % below the best mean; lower is better: 2 % above', () => {
    const up = chooseMetricTarget([run(1, 0.5, 0.9), run(8, 0.5, 0.8)], objectiveOf('accuracy'));
    assert.equal(up.bestFinal, 0.9); assert.ok(Math.abs(up.loss - 0.9 * 0.98) < 1e-12); assert.equal(up.kind, 'near-best-final');
    const down = chooseMetricTarget([run(1, 5, 1), run(8, 5, 2)], objectiveOf('mse'));
    assert.equal(down.bestFinal, 1); assert.ok(Math.abs(down.loss - 1.02) < 1e-12);
    const none = chooseMetricTarget([run(1, 0.95, 0.9)], objectiveOf('accuracy'));
    assert.equal(none.kind, 'none', 'the untrained model was already better');
  });
});

describe('metric errors', () => {
  const rejects = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_ARGUMENT' && re.test(e.message));
  it('refuses a metric the model output does not have, and an unknown name, listing the choices', async () => {
    await rejects(compare(linSpec, lin, { batchSizes: [8], learningRate: 0.01, epochs: 1, seeds: 1, workers: 1, metric: 'auc' }),
      /metric "auc" does not apply to a model with a linear output; choose from 'loss', 'mse', 'mae', 'r2'/);
    await rejects(tune(spec, data, { batchSizes: [8], learningRates: [0.1], workers: 1, metric: 'f2' as never }), /metric "f2" is not a metric; choose from 'loss', 'accuracy'/);
  });
});
