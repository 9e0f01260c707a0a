// Tests of the one training loop: the divergence rule inside epoch 1 on fit and fitStream, and the stop flag.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { BatchBuffer } from '../../src/data/batch.js';
import { BatchSampler } from '../../src/data/batch-sampler.js';
import { Dataset } from '../../src/data/dataset.js';
import { constantLoss } from '../../src/nn/losses.js';
import type { RowSource } from '../../src/data/stream-csv.js';
import { logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { evaluate } from '../../src/train/evaluate.js';
import { fit, type EpochRecord } from '../../src/train/fit.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { initialLoss, TrainLoop } from '../../src/train/loop.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

/** A RowSource over an in-memory Dataset: chunks of `bufferRows` rows in order (enough for fitStream). */
function memorySource(data: Dataset): RowSource {
  return {
    rows: data.length, numFeatures: data.numFeatures, targetWidth: data.targetWidth, features: [], targets: [],
    classNames: undefined, stats: undefined as never,
    async *chunks({ bufferRows }) {
      for (let s = 0; s < data.length; s += bufferRows) {
        yield data.subset(Array.from({ length: Math.min(bufferRows, data.length - s) }, (_, i) => s + i));
      }
    },
  };
}

const data = binaryProblem(200, 6, 3);
const model = (): ReturnType<typeof logisticRegression> => logisticRegression({ inputs: 6, seed: 2 });

describe('TrainLoop', () => {
  it('does not apply a batch whose loss breaks the rule: params stay, step returns false, divergedLoss holds the loss', () => {
    const m = model();
    const loop = new TrainLoop(m, sgd({ learningRate: 0.1 }), false, 10);
    loop.setInitialLoss(initialLoss(m, data));
    const sampler = new BatchSampler(data.length, 20, new Rng(1));
    const buffer = new BatchBuffer(data, 20);
    assert.equal(loop.step(sampler, buffer), true);
    assert.equal(loop.state.updates, 1);
    m.params[0] = 1e30; // as if an update had blown up
    const before = m.params.slice();
    assert.equal(loop.step(sampler, buffer), false);
    assert.ok(loop.divergedLoss > 10 * loop.state.initialLoss, `loss ${loop.divergedLoss}`);
    assert.deepEqual(m.params, before);
    assert.equal(loop.state.updates, 1);
  });

  it('judges losses by one rule: not finite, or above divergenceFactor x the initial loss (no bound when that is 0)', () => {
    const loop = new TrainLoop(model(), sgd({ learningRate: 0.1 }), false, 1000);
    loop.setInitialLoss(0.5);
    assert.deepEqual([400, 500, 501, NaN, Infinity, -Infinity].map((l) => loop.exceeds(l)), [false, false, true, true, true, true]);
    loop.setInitialLoss(0);
    assert.deepEqual([1e30, NaN].map((l) => loop.exceeds(l)), [false, true]);
  });

  it('measures the initial loss on at most 4096 evenly spaced rows, the whole data when smaller', () => {
    const m = model();
    const reference = (d: Dataset): number => Math.max(evaluate(m, d).loss, constantLoss('sigmoid', d.length, 1, d.y));
    assert.equal(initialLoss(m, data), reference(data));
    const big = binaryProblem(9000, 6, 4);
    const every = big.subset(Array.from({ length: 4096 }, (_, i) => Math.floor((i * 9000) / 4096)));
    assert.equal(initialLoss(m, big), reference(every));
    assert.notEqual(reference(every), reference(big), 'the subset must differ from the whole for this check to mean something');
    // The rows are gathered from the data 512 at a time rather than copied out: the same bits as
    // evaluating the copy, on the WASM kernels and the native ones too (a softmax and an MLP).
    const classes = multiclassProblem(6000, 40, 5, 2);
    const some = classes.subset(Array.from({ length: 4096 }, (_, i) => Math.floor((i * 6000) / 4096)));
    for (const mk of [() => softmaxRegression({ inputs: 40, classes: 5, seed: 3 }), () => mlp({ layers: [40, 64, 5], output: 'softmax', seed: 3 })]) {
      const mm = mk();
      assert.equal(initialLoss(mm, classes), Math.max(evaluate(mm, some).loss, constantLoss('softmax', 4096, 5, some.y)));
    }
  });

  it("floors the reference at a constant prediction's loss: a trained model's next fit does not call one hard row a divergence", async () => {
    // Separable rows: after training, the mean loss is far below one misfit row's loss.
    const rng = new Rng(5); const x: number[][] = []; const y: number[] = [];
    for (let i = 0; i < 256; i++) { const r = [rng.normal(), rng.normal()]; x.push(r); y.push(r[0]! > 0 ? 1 : 0); }
    const sep = Dataset.fromArrays(x, y); const m = logisticRegression({ inputs: 2, seed: 1 }); const opt = sgd({ learningRate: 1 });
    await fit(m, sep, { batchSize: 1, epochs: 30, optimizer: opt });
    const trained = evaluate(m, sep).loss; const share = y.reduce((a, b) => a + b, 0) / y.length;
    const entropy = -(share * Math.log(share) + (1 - share) * Math.log(1 - share));
    assert.ok(trained < entropy / 20, `trained loss ${trained} should be far below the label entropy ${entropy}`);
    assert.ok(Math.abs(initialLoss(m, sep) - entropy) < 1e-9, `reference ${initialLoss(m, sep)}, want the label entropy ${entropy}`);
    // Before the floor, the reference was the trained loss and a row with loss > 1000 x it stopped the run.
    const hard = Dataset.fromArrays([[-0.01, 0], [0.01, 0]], [1, 0]);
    const before = evaluate(m, hard).loss;
    const h = await fit(m, Dataset.fromArrays([...x, [-0.01, 0], [0.01, 0]], [...y, 1, 0]), { batchSize: 1, epochs: 2, optimizer: opt, divergenceFactor: before / trained / 2 });
    assert.equal(h.records.length, 2);
    // A diverging run still stops: the floor is a scale, not a pass.
    await assert.rejects(fit(logisticRegression({ inputs: 2, seed: 1 }), sep, { batchSize: 1, epochs: 3, optimizer: sgd({ learningRate: 1e12 }) }), DivergenceError);
  });

  it('constantLoss: binary entropy per output, class-proportion entropy, target variance', () => {
    assert.ok(Math.abs(constantLoss('sigmoid', 4, 1, Float32Array.of(1, 0, 0, 0)) - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-12);
    assert.equal(constantLoss('sigmoid', 3, 1, Float32Array.of(1, 1, 1)), 0);
    assert.ok(Math.abs(constantLoss('softmax', 4, 3, Float32Array.of(0, 1, 2, 2)) - -(2 * 0.25 * Math.log(0.25) + 0.5 * Math.log(0.5))) < 1e-12);
    // Two target columns: variances 1 and 4, averaged over the outputs as the MSE loss is.
    assert.ok(Math.abs(constantLoss('linear', 2, 2, Float32Array.of(1, 2, 3, 6)) - (1 + 4) / 2) < 1e-12);
    assert.equal(constantLoss('linear', 0, 1, new Float32Array(0)), 0);
  });
});

describe('divergence inside epoch 1', () => {
  it('fit stops mid-epoch 1 with DivergenceError, no records and a suggested rate', async () => {
    const m = model(); let updates = 0;
    await assert.rejects(fit(m, data, {
      batchSize: 10, epochs: 3, optimizer: sgd({ learningRate: 1e6 }), callbacks: { onBatchEnd: () => { updates++; } },
    }), (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.equal(e.epoch, 1);
      assert.deepEqual(e.records, []);
      assert.ok(updates >= 1 && updates < 20, `${updates} updates of 20 in epoch 1`);
      assert.ok(e.loss > 1000 * evaluate(model(), data).loss, `loss ${e.loss}`);
      assert.match(e.message, /learning rate 1000000\)/);
      assert.match(e.message, /smaller learning rate such as 100000\b/);
      return true;
    });
  });

  it('fitStream stops mid-epoch 1 the same way (initial loss from the first chunk)', async () => {
    let updates = 0;
    await assert.rejects(fitStream(model(), memorySource(data), {
      batchSize: 10, epochs: 3, bufferRows: 50, optimizer: sgd({ learningRate: 1e6 }), callbacks: { onBatchEnd: () => { updates++; } },
    }), (e: unknown) => e instanceof DivergenceError && e.epoch === 1 && e.records.length === 0 && updates < 20);
  });

  it('a sane rate trains through (the rule does not trip on ordinary noise)', async () => {
    const h = await fit(mlp({ layers: [6, 8, 1], output: 'sigmoid', seed: 1 }), data, { batchSize: 1, epochs: 2, optimizer: sgd({ learningRate: 0.05 }) });
    assert.equal(h.records.length, 2);
    assert.equal(h.stopped, undefined);
  });
});

describe('the stop flag callbacks set', () => {
  it('control.stop() in onBatchEnd ends the run after that batch, records the partial epoch, stopped: callback', async () => {
    const m = model(); const seen: number[] = [];
    const h = await fit(m, data, {
      batchSize: 20, epochs: 5, optimizer: sgd({ learningRate: 0.1 }),
      callbacks: { onBatchEnd: (info, control) => { seen.push(info.updates); if (info.epoch === 2 && info.batch === 3) control.stop(); } },
    });
    assert.equal(h.stopped, 'callback');
    assert.deepEqual(h.records.map((r: EpochRecord) => [r.epoch, r.updates]), [[1, 10], [2, 14]]);
    assert.equal(seen.length, 14);
  });

  it('control.stop() in onEpochEnd ends the run after that epoch', async () => {
    const h = await fit(model(), data, {
      batchSize: 50, epochs: 10, callbacks: { onEpochEnd: (r, control) => { if (r.epoch === 3) control.stop(); } },
    });
    assert.equal(h.stopped, 'callback');
    assert.deepEqual(h.records.map((r) => r.epoch), [1, 2, 3]);
  });

  it('fitStream honours the flag too', async () => {
    const h = await fitStream(model(), memorySource(data), {
      batchSize: 10, epochs: 4, bufferRows: 50, callbacks: { onEpochEnd: (r, c) => { if (r.epoch === 2) c.stop(); } },
    });
    assert.equal(h.stopped, 'callback');
    assert.deepEqual(h.records.map((r) => r.epoch), [1, 2]);
  });

  it('a stopped run equals a run of that many epochs, bit for bit', async () => {
    const a = model(); const b = model();
    await fit(a, data, { batchSize: 16, epochs: 9, seed: 4, callbacks: { onEpochEnd: (r, c) => { if (r.epoch === 2) c.stop(); } } });
    await fit(b, data, { batchSize: 16, epochs: 2, seed: 4 });
    assert.deepEqual(a.params, b.params);
  });
});
