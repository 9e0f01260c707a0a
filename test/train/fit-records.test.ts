// fit's records: validation split, example-weighted epoch loss, training time, callbacks, schedules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset } from '../../src/data/dataset.js';
import type { Batch } from '../../src/data/batch.js';
import { Model } from '../../src/nn/model.js';
import { linearRegression, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { stepDecay } from '../../src/optim/schedule.js';
import { fit, type EpochRecord } from '../../src/train/fit.js';
import type { YieldEvery } from '../../src/train/fit-options.js';
import { evaluate } from '../../src/train/evaluate.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { leastSquares, multiclassProblem, regressionProblem, rowsOf, SpyModel } from '../helpers/problems.js';

/** 100 rows, x = row index, sorted labels: 60 of class 0, 30 of class 1, 10 of class 2. */
function sortedClasses(): Dataset {
  const y = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  return Dataset.fromArrays(y.map((_, i) => [i]), y);
}

describe('fit validation split', () => {
  it('holds out a seeded random, stratified subset that is not the last rows', async () => {
    const heldOut = async (seed: number): Promise<number[]> => {
      const spy = new SpyModel();
      const h = await fit(spy, sortedClasses(), { batchSize: 'full', epochs: 1, validationSplit: 0.2, seed, optimizer: sgd({ learningRate: 1e-9 }) });
      assert.equal(h.trainExamples, 80);
      assert.equal(h.validationExamples, 20);
      const trained = new Set(spy.batches[0]);
      return Array.from({ length: 100 }, (_, i) => i).filter((i) => !trained.has(i));
    };
    const val = await heldOut(1);
    assert.equal(val.length, 20);
    const perClass = [0, 0, 0];
    for (const i of val) perClass[i < 60 ? 0 : i < 90 ? 1 : 2]!++;
    assert.deepEqual(perClass, [12, 6, 2], 'class proportions 60:30:10 kept');
    assert.notDeepEqual(val, Array.from({ length: 20 }, (_, i) => 80 + i), 'not the tail');
    assert.ok(val.some((i) => i < 60), 'held-out rows come from the start too');
    assert.deepEqual(await heldOut(1), val, 'same seed, same split');
    assert.notDeepEqual(await heldOut(2), val, 'another seed, another split');
  });

  it('reports validation loss and accuracy each epoch for a classifier', async () => {
    const model = softmaxRegression({ inputs: 3, classes: 3, seed: 2 });
    const h = await fit(model, multiclassProblem(90, 3, 3, 4), { epochs: 3, batchSize: 10, validationSplit: 0.3, optimizer: sgd({ learningRate: 0.3 }) });
    assert.equal(h.validationExamples, 27);
    for (const r of h.records) {
      assert.ok(Number.isFinite(r.valLoss) && r.valMetrics?.accuracy !== undefined, `record ${JSON.stringify(r)}`);
    }
    assert.ok(h.records[2]!.valLoss! < h.records[0]!.valLoss!, 'validation loss falls while learning');
  });
});

describe('fit epoch loss and metrics are weighted by examples', () => {
  it('trainLoss is the per-example mean, not the mean of batch means', async () => {
    // Rows 0..7 have target 0, rows 8 and 9 target 10; with zero weights the loss is 0 or 100.
    // Batches of 4 in row order: [0..3], [4..7], [8, 9] -> batch means 0, 0, 100.
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 10, 10];
    const data = Dataset.fromArrays(y.map((_, i) => [i / 10]), y);
    const model = linearRegression({ inputs: 1, init: 'zeros' });
    const before = evaluate(model, data);
    assert.equal(before.loss, 20, '2 x 100 / 10 rows');
    const unweighted = (0 + 0 + 100) / 3;
    const h = await fit(model, data, { batchSize: 4, shuffle: false, epochs: 1, optimizer: sgd({ learningRate: 1e-9 }) });
    const r = h.records[0]!;
    assertClose(r.trainLoss, before.loss, { rtol: 1e-6 }, 'trainLoss');
    assert.ok(Math.abs(r.trainLoss - unweighted) > 10, 'differs from the unweighted mean of batch means');
    assertClose(r.metrics.mse!, before.metrics.mse!, { rtol: 1e-6 }, 'mse');
    assertClose(r.metrics.mae!, before.metrics.mae!, { rtol: 1e-6 }, 'mae');
  });

  it('accuracy is weighted by examples too', async () => {
    // Bias (1, 0) makes softmax predict class 0 everywhere with a margin of 1, so the rows with
    // label 0 are right: 6 of 10, while batches [4 right], [0 right], [2 right] average 2/3.
    const y = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0];
    const data = Dataset.fromArrays(y.map((_, i) => [i / 10]), y);
    const model = softmaxRegression({ inputs: 1, classes: 2 });
    model.setWeights([[0, 0], [1, 0]]);
    const h = await fit(model, data, { batchSize: 4, shuffle: false, optimizer: sgd({ learningRate: 1e-9 }) });
    assertClose(h.records[0]!.metrics.accuracy!, 0.6, { rtol: 1e-12 }, 'accuracy 6/10 (batch means would give 2/3)');
  });
});

/** A linear model whose training step advances a fake clock by 10 ms and evaluation by 1000 s. */
class ClockedModel extends Model {
  now = 0;
  evaluations = 0;
  constructor() { super(linearRegression({ inputs: 1, init: 'zeros' }).spec); }
  override accumulateGrad(params: Float32Array, batch: Batch, grad: Float32Array, sum: boolean, stats: Float64Array): void {
    this.now += 10;
    super.accumulateGrad(params, batch, grad, sum, stats);
  }
  override lossOnly(params: Float32Array, batch: Batch, stats: Float64Array): number {
    this.now += 1e6; this.evaluations++;
    return super.lossOnly(params, batch, stats);
  }
}

describe('fit timing and callbacks', () => {
  it('trainSeconds counts training only, never validation', async () => {
    const model = new ClockedModel();
    const data = Dataset.fromArrays(Array.from({ length: 20 }, (_, i) => [i / 20]), new Array<number>(20).fill(1));
    const h = await fit(model, data, { batchSize: 4, epochs: 3, validationSplit: 0.5, optimizer: sgd({ learningRate: 0.01 }), clock: () => model.now });
    assert.ok(model.evaluations >= 3, 'validation ran every epoch');
    // 10 training rows in batches of 4: 3 batches of 10 ms per epoch.
    assertAllClose(h.records.map((r) => r.trainSeconds), [0.03, 0.06, 0.09], { rtol: 1e-12 }, 'cumulative trainSeconds');
  });

  it('awaits an async onEpochEnd before the next epoch starts', async () => {
    let finished = 0; const startedAfter: number[] = [];
    await fit(linearRegression({ inputs: 1 }), regressionProblem(8, 1, 1, 1), {
      batchSize: 4, epochs: 3,
      callbacks: {
        onBatchEnd: (b) => { if (b.batch === 0) startedAfter.push(finished); },
        onEpochEnd: async (r) => { await new Promise((res) => setTimeout(res, 2)); finished = r.epoch; },
      },
    });
    assert.deepEqual(startedAfter, [0, 1, 2]);
    assert.equal(finished, 3);
  });

  it('calls onBatchEnd once per update when given, looking the callbacks up once, not per batch', async () => {
    let reads = 0; let calls = 0;
    const callbacks = { get onBatchEnd() { reads++; return (): void => { calls++; }; } };
    const h = await fit(linearRegression({ inputs: 2 }), regressionProblem(40, 2, 1, 3), { batchSize: 3, epochs: 2, callbacks });
    assert.equal(calls, 2 * 14);
    assert.equal(h.records[1]!.updates, calls);
    assert.equal(reads, 1);
  });

  it('never yields between batches of an epoch (no await per batch)', async () => {
    let microtasks = 0; const perEpoch = new Map<number, Set<number>>();
    await fit(linearRegression({ inputs: 2 }), regressionProblem(40, 2, 1, 3), {
      batchSize: 1, epochs: 3,
      callbacks: {
        onBatchEnd: (b) => {
          // A microtask queued here runs before the next batch only if fit awaits in between.
          queueMicrotask(() => { microtasks++; });
          const set = perEpoch.get(b.epoch) ?? new Set<number>(); set.add(microtasks); perEpoch.set(b.epoch, set);
        },
      },
    });
    assert.equal(perEpoch.size, 3);
    for (const [epoch, counts] of perEpoch) assert.equal(counts.size, 1, `epoch ${epoch} saw microtask counts ${[...counts]}`);
  });

  /** Event-loop turns taken during one fit (a setImmediate chain counts them), with `clock` advanced by `msPerEpoch` each epoch. */
  async function turnsDuring(epochs: number, msPerEpoch: number, yieldEvery?: YieldEvery): Promise<number> {
    let turns = 0; let running = true; let now = 0;
    const tick = (): void => { turns++; if (running) setImmediate(tick); };
    setImmediate(tick);
    await fit(linearRegression({ inputs: 2 }), regressionProblem(50, 2, 1, 3), {
      batchSize: 1, epochs, clock: () => now, yieldEvery, callbacks: { onEpochEnd: () => { now += msPerEpoch; } },
    });
    running = false;
    return turns;
  }

  it("yieldEvery 'epoch' yields to the event loop about once per epoch, not once per batch", async () => {
    const turns = await turnsDuring(4, 0, 'epoch');
    assert.ok(turns >= 3 && turns <= 6, `${turns} event-loop turns for 4 epochs of 50 batches`);
  });

  it("yieldEvery 'auto' yields once 16 ms have passed since the last turn: every epoch when epochs are slow, every 16th when they take 1 ms", async () => {
    const slow = await turnsDuring(4, 20);
    assert.ok(slow >= 3 && slow <= 6, `${slow} turns for 4 epochs of 20 ms`);
    const fast = await turnsDuring(64, 1);
    assert.ok(fast >= 3 && fast <= 6, `${fast} turns for 64 epochs of 1 ms (every 16th epoch)`);
    const ms = await turnsDuring(64, 1, 8);
    assert.ok(ms >= 7 && ms <= 10, `${ms} turns for 64 epochs of 1 ms at yieldEvery 8`);
    assert.ok(await turnsDuring(64, 100, 'never') <= 1, "'never' does not yield between epochs");
  });

  it('refuses a yieldEvery that is not a mode or a number of milliseconds', async () => {
    const data = regressionProblem(10, 2, 1, 3);
    await assert.rejects(fit(linearRegression({ inputs: 2 }), data, { yieldEvery: 'batch' as YieldEvery }), /yieldEvery must be 'auto', 'epoch', 'never' or a number of milliseconds, got "batch"/);
    await assert.rejects(fit(linearRegression({ inputs: 2 }), data, { yieldEvery: -1 }), /yieldEvery must be a finite number >= 0, got -1/);
  });

  it('uses the schedule per update: record.learningRate is the rate of the last update', async () => {
    const records: EpochRecord[] = [];
    const lr = stepDecay({ initial: 0.1, stepSize: 1, gamma: 0.5 });
    await fit(linearRegression({ inputs: 1 }), regressionProblem(10, 1, 1, 2), {
      batchSize: 5, epochs: 3, optimizer: sgd({ learningRate: lr }), callbacks: { onEpochEnd: (r) => { records.push(r); } },
    });
    // Two updates per epoch: the last ones are updates t = 1, 3, 5 (0-based).
    assertAllClose(records.map((r) => r.learningRate), [0.05, 0.0125, 0.003125], { rtol: 1e-12 });
  });

  it('stops at the next batch when the signal is aborted and returns the history so far', async () => {
    const ac = new AbortController();
    const h = await fit(linearRegression({ inputs: 1 }), regressionProblem(20, 1, 1, 2), {
      batchSize: 2, epochs: 5, signal: ac.signal,
      callbacks: { onBatchEnd: (b) => { if (b.epoch === 2 && b.batch === 3) ac.abort(); } },
    });
    assert.equal(h.stopped, 'aborted');
    assert.equal(h.records.length, 2);
    assert.equal(h.records[1]!.updates, 14, 'epoch 2 ends after its 4th batch');
  });
});

describe('fit reaches known solutions', () => {
  it('full-batch gradient descent on linear regression reaches the least-squares solution', async () => {
    const data = regressionProblem(64, 3, 1, 5, 0.5);
    const { x, y } = rowsOf(data);
    const beta = leastSquares(x, y.map((r) => r[0]!));
    const model = linearRegression({ inputs: 3, seed: 1 });
    await fit(model, data, { batchSize: 'full', epochs: 400, optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }) });
    assertAllClose(model.params, beta, { rtol: 1e-4, atol: 1e-4 }, 'weights and bias vs normal equations');
  });
});
