// Tests of compare: the records' invariants, fit's semantics, the summary, divergence and options.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { compare, learningRateFor } from '../../src/experiments/compare.js';
import type { CompareResult, TuneResult } from '../../src/experiments/records.js';
import { splitForSweep } from '../../src/experiments/run/setup.js';
import { fit } from '../../src/train/fit.js';
import { linearRegression, logisticRegression, mlp, modelFromSpec } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs, linearData } from './helpers.js';

const data = blobs(250); // 200 training rows, 50 validation rows
const spec = logisticRegression({ inputs: 4 }).spec;

describe('compare on a logistic regression', () => {
  let r: CompareResult;
  before(async () => {
    r = await compare(spec, data, { batchSizes: [1, 7, 32, 'full'], learningRate: [0.05, 0.2, 0.5, 2], epochs: 6, seeds: 2, workers: 1 });
  });

  it('has one series per batch size and seed', () => {
    assert.equal(r.runs.length, 8);
    const keys = r.runs.map((run) => `${run.batchSize}/${run.seed}`);
    assert.deepEqual(keys, ['1/1', '1/2', '7/1', '7/2', '32/1', '32/2', '200/1', '200/2']);
    assert.deepEqual(r.batchSizes, [1, 7, 32, 'full']);
    assert.equal(r.summary.length, 4);
    assert.equal(r.trainExamples, 200); assert.equal(r.validationExamples, 50);
  });

  it('counts examplesSeen as updates x batch size, except for the smaller last batch of each epoch', () => {
    const n = 200;
    for (const run of r.runs) {
      const B = run.batchSize; const nb = Math.ceil(n / B);
      for (const p of run.points) {
        const full = Math.floor(p.updates / nb);
        assert.equal(p.examplesSeen, full * n + (p.updates - full * nb) * B, `batch size ${B}, point at ${p.updates} updates`);
        if (n % B === 0) assert.equal(p.examplesSeen, p.updates * B);
        assert.equal(p.epoch, p.examplesSeen / n);
      }
    }
  });

  it('starts every run at examplesSeen 0 and ends it after the budget', () => {
    for (const run of r.runs) {
      assert.deepEqual([run.points[0]!.examplesSeen, run.points[0]!.trainSeconds, run.points[0]!.updates], [0, 0, 0]);
      assert.equal(run.points[run.points.length - 1]!.examplesSeen, 6 * 200);
      assert.equal(run.diverged, undefined);
    }
  });

  it('keeps trainSeconds monotone', () => {
    for (const run of r.runs) {
      for (let i = 1; i < run.points.length; i++) assert.ok(run.points[i]!.trainSeconds >= run.points[i - 1]!.trainSeconds);
    }
  });

  it('evaluates every batch size at the first batch boundary past each multiple of evalEvery', () => {
    const every = r.evalEvery!;
    assert.equal(every, Math.ceil(200 / 5), 'default: about 30 points over 6 epochs');
    for (const run of r.runs) {
      const pts = run.points.slice(1);
      let prev = 0;
      for (const p of pts) {
        const m = Math.floor(p.examplesSeen / every);
        assert.ok(m > prev || p === pts[pts.length - 1], 'one point per multiple crossed');
        if (p !== pts[pts.length - 1]) assert.ok(p.examplesSeen - m * every < Math.max(1, run.batchSize), `${p.examplesSeen} is within one batch of ${m * every}`);
        prev = m;
      }
    }
    const one = r.runs.find((x) => x.batchSize === 1)!.points.map((p) => p.examplesSeen);
    assert.deepEqual(one, Array.from({ length: 31 }, (_, i) => i * every), 'stochastic GD lands exactly on the multiples');
    const full = r.runs.find((x) => x.batchSize === 200)!.points.map((p) => p.examplesSeen);
    assert.deepEqual(full, [0, 200, 400, 600, 800, 1000, 1200], 'full batch: one point per update');
  });

  it('summarises each batch size over seeds and times the default target, 2 % above the best setting\'s final loss', () => {
    const finals = r.summary.map((s) => s.finalValLoss.mean);
    assert.equal(r.targetLoss, 1.02 * Math.min(...finals));
    assert.equal(r.targetRule, 'near-best-final');
    for (const s of r.summary) {
      assert.equal(s.finalValLoss.values.length, 2);
      assert.ok(s.finalValMetric.mean > 0.8, `accuracy ${s.finalValMetric.mean} at batch size ${s.batchSize}`);
      s.secondsToTarget.values.forEach((sec, i) => {
        const reached = r.runs.filter((run) => run.batchSize === s.batchSize)[i]!.points.some((p) => p.updates > 0 && p.valLoss <= r.targetLoss);
        assert.equal(Number.isFinite(sec), reached, 'a time to target exactly when a point reached it');
      });
      assert.ok(s.examplesToTarget.values.every((v) => Number.isNaN(v) || (Number.isInteger(v) && v > 0 && v <= 1200)));
    }
    assert.ok(r.summary.some((s) => s.secondsToTarget.values.some(Number.isFinite)), 'the best batch size reaches its own target');
    assert.deepEqual(r.summary.map((s) => s.learningRate), [0.05, 0.2, 0.5, 2]);
  });

  it('records final weights of convex models and their distance to the full-batch run', () => {
    for (const run of r.runs) assert.equal(run.finalParams?.length, 5);
    const full = r.summary.find((s) => s.requested === 'full')!;
    assert.deepEqual(full.distanceToFullBatch!.values, [0, 0]);
    for (const s of r.summary) {
      assert.ok(s.distanceToFullBatch!.values.every((d) => d >= 0 && d < 1), `distance ${s.distanceToFullBatch!.values} at ${s.batchSize}`);
    }
  });
});

describe('compare follows fit', () => {
  it('gives the same losses at epoch ends as fit with the same seed, split and initial weights', async () => {
    const r = await compare(spec, data, { batchSizes: [16], learningRate: 0.3, epochs: 3, seeds: [5], evalEvery: 200, varyInit: false, workers: 1 });
    const { train, val } = splitForSweep(data, {});
    const model = modelFromSpec(spec);
    const h = await fit(model, train, { batchSize: 16, epochs: 3, seed: 5, optimizer: sgd({ learningRate: 0.3 }), validationData: val });
    const pts = r.runs[0]!.points.slice(1);
    assert.deepEqual(pts.map((p) => p.valLoss), h.records.map((e) => e.valLoss));
    assert.deepEqual(pts.map((p) => p.trainLoss), h.records.map((e) => e.trainLoss));
    assert.deepEqual(pts.map((p) => p.updates), h.records.map((e) => e.updates));
    assert.deepEqual(r.runs[0]!.finalParams, Array.from(model.params));
  });
});

describe('divergence and options', () => {
  it('stops a diverging run, keeps the others and leaves it out of the target', async () => {
    const lin = linearData(150);
    const r = await compare(linearRegression({ inputs: 3 }).spec, lin, { batchSizes: [8, 'full'], learningRate: [0.05, 50], epochs: 5, seeds: 1, workers: 1 });
    assert.equal(r.metric, 'mse');
    const bad = r.runs.find((x) => x.batchSize === 120)!; const good = r.runs.find((x) => x.batchSize === 8)!;
    assert.ok(bad.diverged, 'lr 50 on full batch diverges');
    assert.equal(bad.finalParams, undefined);
    assert.equal(good.diverged, undefined);
    assert.equal(good.points[good.points.length - 1]!.examplesSeen, 600);
    assert.equal(r.targetLoss, 1.02 * good.points[good.points.length - 1]!.valLoss);
    assert.ok(Number.isNaN(r.summary[1]!.finalValLoss.mean));
  });

  it('omits final weights for an MLP and accepts a model function in-thread', async () => {
    const r = await compare((seed) => mlp({ layers: [4, 6, 1], seed }), data, { batchSizes: [32], learningRate: 0.5, epochs: 2, seeds: 2 });
    assert.equal(r.workers, 1);
    assert.equal(r.runs[0]!.finalParams, undefined);
    assert.equal(r.summary[0]!.distanceToFullBatch, undefined);
    assert.notDeepEqual(r.runs[0]!.points[0], r.runs[1]!.points[0], 'the function gets the seed');
  });

  it('supports an examples budget and runs sizes that resolve to the same rows once', async () => {
    const r = await compare(spec, data, { batchSizes: [500, 'full', 10], learningRate: 1, budget: { examples: 1000 }, seeds: 1, workers: 1 });
    assert.deepEqual(r.batchSizes, [500, 10]);
    for (const run of r.runs) assert.ok(run.points[run.points.length - 1]!.examplesSeen >= 1000);
  });

  it('refuses bad options with MinibatchErrors that name the value', async () => {
    const code = (c: string) => (e: unknown) => e instanceof MinibatchError && e.code === c;
    await assert.rejects(compare(spec, data, { batchSizes: [0], learningRate: 0.1 }), code('BAD_BATCH_SIZE'));
    await assert.rejects(compare(spec, data, { batchSizes: [1, 2], learningRate: [0.1] }), code('BAD_LEARNING_RATE'));
    await assert.rejects(compare(() => logisticRegression({ inputs: 4 }), data, { learningRate: 0.1, workers: 2 }), /ModelSpec/);
    await assert.rejects(compare(logisticRegression({ inputs: 3 }).spec, data, { learningRate: 0.1 }), code('BAD_SHAPE'));
    await assert.rejects(compare(spec, data, { learningRate: 0.1, budget: { epochs: 0 } }), code('BAD_EPOCHS'));
  });
});

describe("learningRate 'tuned'", () => {
  it('runs a small tune first and uses its best rate per batch size', async () => {
    const r = await compare(spec, data, { batchSizes: [8, 'full'], epochs: 3, seeds: 1, workers: 1, tuneOptions: { learningRates: [0.03, 0.3, 3] } });
    assert.ok(r.tune);
    assert.equal(r.tune.epochs, 3);
    assert.deepEqual(r.summary.map((s) => s.learningRate), r.tune.bestPerBatchSize.map((b) => b.learningRate));
    assert.deepEqual(r.runs.map((x) => x.learningRate), r.summary.map((s) => s.learningRate));
  });
});

describe('learningRateFor', () => {
  const t = {
    kind: 'tune', bestPerBatchSize: [{ batchSize: 8, learningRate: 0.08, valLoss: 0 }, { batchSize: 128, learningRate: 1.28, valLoss: 0 }],
    scaling: { exponent: 1, rule: 'linear', note: '' },
  } as unknown as TuneResult;
  it('takes the tuned rate of a batch size, else scales the nearest by the fitted exponent', () => {
    assert.equal(learningRateFor(t, 8), 0.08);
    assert.ok(Math.abs(learningRateFor(t, 16) - 0.16) < 1e-12);
    assert.ok(Math.abs(learningRateFor(t, 1024) - 10.24) < 1e-9);
    assert.equal(learningRateFor(0.3, 4), 0.3);
    assert.equal(learningRateFor([0.1, 0.2], 4, 1, 2), 0.2);
  });
});
