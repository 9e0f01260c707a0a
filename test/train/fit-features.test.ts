// fit's everyday options: tracked metrics, sample and class weights, clipping, ReduceLROnPlateau, the train/epoch callbacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { clipGradient } from '../../src/train/clip.js';
import { fit } from '../../src/train/fit.js';
import { classWeights } from '../../src/train/sample-weights.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

describe('fit metrics option', () => {
  it('tracks the chosen metrics on training and validation data in every record', async () => {
    const data = binaryProblem(200, 4, 1);
    const h = await fit(logisticRegression({ inputs: 4 }), data, { epochs: 2, validationSplit: 0.25, metrics: ['f1', 'auc'], optimizer: sgd({ learningRate: 0.1 }) });
    for (const r of h.records) {
      for (const m of [r.metrics, r.valMetrics!]) {
        assert.ok(m.f1! >= 0 && m.f1! <= 1 && m.auc! >= 0 && m.auc! <= 1, JSON.stringify(m));
        assert.ok(m.accuracy! > 0);
      }
    }
  });

  it('early stopping monitors a metric to maximise, restoring the best epoch', async () => {
    const data = binaryProblem(200, 4, 2);
    const h = await fit(logisticRegression({ inputs: 4 }), data, {
      epochs: 20, validationSplit: 0.25, optimizer: sgd({ learningRate: 0.05 }),
      earlyStopping: { patience: 2, monitor: 'valAuc', minDelta: 10, restoreBestWeights: true },
    });
    // minDelta 10 can never be beaten after the first epoch: stop after patience epochs, best is epoch 1.
    assert.equal(h.stopped, 'early-stopping'); assert.equal(h.bestEpoch, 1); assert.equal(h.records.length, 3);
    assert.ok(Number.isFinite(h.records[0]!.valMetrics!.auc!));
  });

  it('refuses a monitor that does not apply or needs validation data', async () => {
    const data = multiclassProblem(60, 3, 3, 1);
    await assert.rejects(fit(softmaxRegression({ inputs: 3, classes: 3 }), data, { earlyStopping: { patience: 1, monitor: 'valAuc' }, validationSplit: 0.2 }),
      (e: unknown) => e instanceof MinibatchError && /"auc" does not apply to a model with a softmax output/.test(e.message));
    await assert.rejects(fit(softmaxRegression({ inputs: 3, classes: 3 }), data, { earlyStopping: { patience: 1, monitor: 'valF1' } }), /no validation data/);
  });
});

describe('sample and class weights in fit', () => {
  it("'balanced' is n / (classes x count) as scikit-learn's compute_class_weight", () => {
    // sklearn.utils.class_weight.compute_class_weight('balanced', classes=[0,1], y=[0,0,0,1]) = [0.6667, 2.0]
    const data = binaryProblem(4, 2, 1);
    data.y.set([0, 0, 0, 1]);
    assertAllClose(classWeights(logisticRegression({ inputs: 2 }), data, 'balanced'), [4 / 6, 2], { rtol: 1e-12 }, 'weights');
    assertAllClose(classWeights(logisticRegression({ inputs: 2 }), data, { 1: 5 }), [1, 5], { rtol: 0 }, 'explicit map');
  });

  it('a weight of 2 trains as the row given twice (full batch)', async () => {
    const a = binaryProblem(30, 3, 4);
    const idx = [...Array.from({ length: 30 }, (_, i) => i), 0, 1, 2];
    const dup = a.subset(idx);
    const w = Array.from({ length: 30 }, (_, i) => (i < 3 ? 2 : 1));
    const m1 = logisticRegression({ inputs: 3 }); const m2 = logisticRegression({ inputs: 3 });
    const h1 = await fit(m1, a, { batchSize: 'full', epochs: 3, sampleWeight: w, optimizer: sgd({ learningRate: 0.5 }), shuffle: false });
    const h2 = await fit(m2, dup, { batchSize: 'full', epochs: 3, optimizer: sgd({ learningRate: 0.5 }), shuffle: false });
    assertAllClose(m1.params, m2.params, { rtol: 1e-5, atol: 1e-7 }, 'weights');
    assertClose(h1.records[2]!.trainLoss, h2.records[2]!.trainLoss, { rtol: 1e-5 }, 'weighted mean loss');
  });

  it('classWeight raises the recall of a rare class', async () => {
    const data = binaryProblem(400, 3, 5);
    const keep = Array.from({ length: 400 }, (_, i) => i).filter((i) => data.y[i] === 0 || i % 6 === 0);
    const rare = data.subset(keep);
    const run = async (classWeight?: 'balanced'): Promise<number> => {
      const h = await fit(logisticRegression({ inputs: 3 }), rare, { epochs: 3, metrics: ['recall'], optimizer: sgd({ learningRate: 0.05 }), ...(classWeight ? { classWeight } : {}) });
      return h.records.at(-1)!.metrics.recall!;
    };
    assert.ok(await run('balanced') > await run());
  });

  it('checks the weights, naming the option', async () => {
    const data = binaryProblem(10, 2, 1);
    await assert.rejects(fit(logisticRegression({ inputs: 2 }), data, { sampleWeight: [1, 2] }), /sampleWeight has 2 weights for 10 rows/);
    await assert.rejects(fit(logisticRegression({ inputs: 2 }), data, { sampleWeight: new Array(10).fill(-1) }), /sampleWeight\[0\] must be a finite number >= 0, got -1/);
    await assert.rejects(fit(logisticRegression({ inputs: 2 }), data, { classWeight: { 2: 1 } }), /classWeight names class "2"; this model has classes 0..1/);
  });
});

describe('gradient clipping', () => {
  it('clips by value, then by global norm, in place', () => {
    const g = Float32Array.from([3, -4, 0.5]);
    clipGradient(g, { value: 2, norm: Infinity });
    assert.deepEqual(Array.from(g), [2, -2, 0.5]);
    const h = Float32Array.from([3, -4]);
    clipGradient(h, { value: Infinity, norm: 1 });
    assertAllClose(h, [0.6, -0.8], { rtol: 1e-6 }, 'norm 1');
    const k = Float32Array.from([0.3, 0.4]);
    clipGradient(k, { value: Infinity, norm: 1 });
    assert.deepEqual(Array.from(k), [Math.fround(0.3), Math.fround(0.4)], 'below the bound: unchanged');
  });

  it('bounds each SGD step by learningRate x clipNorm', async () => {
    const model = mlp({ layers: [3, 4, 1], seed: 2 });
    const before = model.params.slice();
    await fit(model, binaryProblem(20, 3, 1), { batchSize: 'full', clipNorm: 0.01, optimizer: sgd({ learningRate: 1 }) });
    let ss = 0;
    for (let i = 0; i < before.length; i++) ss += (model.params[i]! - before[i]!) ** 2;
    assert.ok(Math.sqrt(ss) <= 0.01 * (1 + 1e-5) && ss > 0, `step ${Math.sqrt(ss)}`);
  });
});

describe('callbacks and ReduceLROnPlateau', () => {
  it('calls onTrainBegin, onEpochBegin, onEpochEnd and onTrainEnd in order', async () => {
    const calls: string[] = [];
    await fit(logisticRegression({ inputs: 2 }), binaryProblem(20, 2, 1), {
      epochs: 2,
      callbacks: {
        onTrainBegin: () => { calls.push('begin'); },
        onEpochBegin: (e) => { calls.push(`epoch ${e}`); },
        onEpochEnd: (r) => { calls.push(`end ${r.epoch}`); },
        onTrainEnd: (h) => { calls.push(`done ${h.records.length}`); },
      },
    });
    assert.deepEqual(calls, ['begin', 'epoch 1', 'end 1', 'epoch 2', 'end 2', 'done 2']);
  });

  it('stop() in onEpochBegin ends the run before that epoch', async () => {
    const h = await fit(logisticRegression({ inputs: 2 }), binaryProblem(20, 2, 1), {
      epochs: 5, callbacks: { onEpochBegin: (e, c) => { if (e === 3) c.stop(); } },
    });
    assert.equal(h.records.length, 2); assert.equal(h.stopped, 'callback');
  });

  it('lowers the rate by factor after patience epochs without improvement, down to minLr', async () => {
    const h = await fit(logisticRegression({ inputs: 2 }), binaryProblem(40, 2, 1), {
      epochs: 5, optimizer: sgd({ learningRate: 0.1 }),
      reduceLROnPlateau: { monitor: 'trainLoss', factor: 0.5, patience: 1, minDelta: 1e9, minLr: 0.03 },
    });
    assertAllClose(h.records.map((r) => r.learningRate), [0.1, 0.1, 0.05, 0.03, 0.03], { rtol: 1e-12 }, 'rates');
    assert.deepEqual(h.lrReductions!.map((r) => r.epoch), [2, 3]);
  });
});

describe('checkpoints with tracked metrics', () => {
  it('a run tracking F1 and AUC saves a checkpoint that parses back with them', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parseCheckpoint } = await import('../../src/train/checkpoint.js');
    const dir = mkdtempSync(join(tmpdir(), 'minibatch-metrics-'));
    try {
      const path = join(dir, 'run.ckpt.json');
      await fit(logisticRegression({ inputs: 3 }), binaryProblem(40, 3, 1), { epochs: 2, validationSplit: 0.25, metrics: ['f1', 'auc'], checkpoint: { path } });
      const cp = parseCheckpoint(JSON.parse(readFileSync(path, 'utf8')), path);
      assert.equal(cp.records.length, 2);
      assert.equal(typeof cp.records[1]!.valMetrics!.auc, 'number');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
