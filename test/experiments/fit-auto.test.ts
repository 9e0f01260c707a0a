// Tests of fitAuto (fit with learningRate 'auto') and of the sweeps' shuffle/dropLast options.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitAuto, measureLearningRate } from '../../src/experiments/fit-auto.js';
import { LR_RANGE_RULE } from '../../src/experiments/probes/lr-range.js';
import { compare } from '../../src/experiments/compare.js';
import { tune } from '../../src/experiments/tune.js';
import { fit } from '../../src/train/fit.js';
import { logisticRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { blobs } from './helpers.js';

const data = blobs(250); // 200 training rows, 50 validation rows

describe('fitAuto', () => {
  it('measures the rate on copies of the model, then fits at it (the same run as fit at that rate)', async () => {
    const model = logisticRegression({ inputs: 4, seed: 3 });
    const before = Array.from(model.params);
    const direct = await measureLearningRate(model, data, sgd({ learningRate: 0.01 }).spec, 16, {}, 5);
    assert.deepEqual(Array.from(model.params), before, 'the range test leaves the model untouched');
    const h = await fitAuto(model, data, { batchSize: 16, epochs: 2, seed: 5 });
    assert.ok(h.autoLearningRate);
    assert.equal(h.autoLearningRate.learningRate, direct.learningRate);
    assert.equal(h.autoLearningRate.rule, LR_RANGE_RULE);
    assert.equal(h.autoLearningRate.batchSize, 16);
    assert.deepEqual([h.autoLearningRate.minLr, h.autoLearningRate.maxLr, h.autoLearningRate.steps], [1e-6, 10, 100]);
    assert.equal(h.records[0]!.learningRate, direct.learningRate);
    const again = logisticRegression({ inputs: 4, seed: 3 });
    const ref = await fit(again, data, { batchSize: 16, epochs: 2, seed: 5, optimizer: sgd({ learningRate: direct.learningRate }) });
    assert.deepEqual(h.records.map((r) => r.trainLoss), ref.records.map((r) => r.trainLoss));
  });

  it('keeps the optimizer type and splits validation rows off before the test, as fit does', async () => {
    const model = logisticRegression({ inputs: 4, seed: 1 });
    const h = await fitAuto(model, data, { optimizer: adam(), validationSplit: 0.2, epochs: 1, seed: 2 });
    assert.equal(h.trainExamples, 200);
    assert.ok(h.records[0]!.valLoss !== undefined);
    const ref = logisticRegression({ inputs: 4, seed: 1 });
    const r = await fit(ref, data, { optimizer: adam({ learningRate: h.autoLearningRate!.learningRate }), validationSplit: 0.2, epochs: 1, seed: 2 });
    assert.equal(h.records[0]!.valLoss, r.records[0]!.valLoss, 'the same split and the same run as fit with validationSplit');
  });

  it('with a number it is fit at that rate', async () => {
    const h = await fitAuto(logisticRegression({ inputs: 4, seed: 1 }), data, { learningRate: 0.05, epochs: 1 });
    assert.equal(h.autoLearningRate, undefined);
    assert.equal(h.records[0]!.learningRate, 0.05);
  });
});

describe('sweeps with shuffle and dropLast', () => {
  const spec = logisticRegression({ inputs: 4 }).spec;
  it('dropLast skips the smaller last batch in every run (200 rows at 32: 6 updates per epoch, not 7)', async () => {
    const base = { batchSizes: [32], learningRate: 0.1, epochs: 2, seeds: 1, workers: 1 };
    const kept = await compare(spec, data, base);
    const dropped = await compare(spec, data, { ...base, dropLast: true });
    const last = (r: typeof kept): number => r.runs[0]!.points[r.runs[0]!.points.length - 1]!.updates;
    assert.equal(last(kept), 14);
    assert.equal(last(dropped), 12);
  });

  it('shuffle: false changes the runs, and the defaults keep them as before', async () => {
    const base = { batchSizes: [8], learningRates: [0.1], epochs: 2, seeds: 1, workers: 1, method: 'grid' as const };
    const a = await tune(spec, data, base);
    const b = await tune(spec, data, { ...base, shuffle: true, dropLast: false });
    const c = await tune(spec, data, { ...base, shuffle: false });
    assert.deepEqual(a.cells.map((x) => x.valLoss), b.cells.map((x) => x.valLoss));
    assert.notDeepEqual(a.cells[0]!.valLoss, c.cells[0]!.valLoss);
  });
});
