// Tests of the trial run loop with an injected clock: evaluation time excluded, budgets, slicing, and its fused batch-1 path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.js';
import type { RunRecord } from '../../src/experiments/records.js';
import { TrialRunner, type TrialSettings } from '../../src/experiments/run/trial.js';
import { splitForSweep } from '../../src/experiments/run/setup.js';
import { logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import type { Model } from '../../src/nn/model.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { sgd } from '../../src/optim/sgd.js';
import { fusedEpochs } from '../../src/train/fused-epoch.js';
import { multiclassProblem } from '../helpers/problems.js';
import { blobs, withoutTiming } from './helpers.js';

const { train, val } = splitForSweep(blobs(250), {}); // 200 training rows

/** A model whose training steps advance a fake clock by 1 ms and whose evaluations by 1000 ms. */
function clocked(): { model: Model; clock: () => number } {
  const model = logisticRegression({ inputs: 4 });
  let ms = 0;
  const accumulateGrad = model.accumulateGrad.bind(model); const lossOnly = model.lossOnly.bind(model);
  model.accumulateGrad = (...a: Parameters<Model['accumulateGrad']>) => { ms += 1; accumulateGrad(...a); };
  model.lossOnly = (...a: Parameters<Model['lossOnly']>) => { ms += 1000; return lossOnly(...a); };
  return { model, clock: () => ms };
}

const settings = (o: Partial<TrialSettings>): TrialSettings => ({
  requested: 10, learningRate: 0.1, seed: 1, budget: { epochs: 3 }, evalEvery: 50, divergenceFactor: 1000, keepParams: false, ...o,
});

describe('TrialRunner', () => {
  it('counts only training batches in trainSeconds, never evaluation', () => {
    const { model, clock } = clocked();
    const r = new TrialRunner(model, sgd({ learningRate: 0.1 }), train, val, settings({}), clock);
    assert.equal(r.advance(Infinity), true);
    const pts = r.result().points;
    assert.equal(pts.length, 13);
    for (const p of pts) assert.ok(Math.abs(p.trainSeconds - p.updates / 1000) < 1e-9, `${p.trainSeconds} s after ${p.updates} updates`);
  });

  it('stops a seconds budget after the batch that spends it', () => {
    const { model, clock } = clocked();
    const r = new TrialRunner(model, sgd({ learningRate: 0.1 }), train, val, settings({ budget: { seconds: 0.05 }, evalEvery: 1000 }), clock);
    r.advance(Infinity);
    const last = r.result().points.at(-1)!;
    assert.equal(last.updates, 50);
    assert.equal(last.examplesSeen, 500);
  });

  it('gives the same run when advanced in slices as in one go', () => {
    const once = new TrialRunner(logisticRegression({ inputs: 4 }), sgd({ learningRate: 0.1 }), train, val, settings({ requested: 3 }));
    once.advance(Infinity);
    const { model, clock } = clocked();
    const sliced = new TrialRunner(model, sgd({ learningRate: 0.1 }), train, val, settings({ requested: 3 }), clock);
    let slices = 0;
    while (!sliced.advance(clock() + 20)) slices++;
    assert.ok(slices > 5, `${slices} slices`);
    assert.deepEqual(withoutTiming(sliced.result()), withoutTiming(once.result()));
  });

  it('marks a NaN loss as divergence and ends the points before it', () => {
    const model = logisticRegression({ inputs: 4 });
    const r = new TrialRunner(model, sgd({ learningRate: 0.1 }), train, val, settings({}));
    model.params[0] = NaN;
    r.advance(Infinity);
    assert.equal(r.done, true);
    assert.deepEqual(r.result().diverged?.epoch, 1);
    assert.equal(r.result().points.length, 1, 'only the start point');
  });

  it('marks a blow-up inside epoch 1 as divergence (a batch loss above divergenceFactor x the initial loss)', () => {
    const r = new TrialRunner(logisticRegression({ inputs: 4 }), sgd({ learningRate: 1e7 }), train, val, settings({ requested: 5, evalEvery: 1000 }));
    r.advance(Infinity);
    const res = r.result();
    assert.equal(res.diverged?.epoch, 1);
    assert.ok(res.diverged!.loss > 1000 * res.points[0]!.trainLoss, `loss ${res.diverged!.loss}`);
    assert.equal(res.points.length, 1, 'only the start point: epoch 1 never finished');
  });

  it('snapshot() mid-run restored into a fresh runner ends with the same bits and points', () => {
    const job = (): TrialRunner => new TrialRunner(mlp({ layers: [4, 5, 1], output: 'sigmoid', seed: 3 }), adam({ learningRate: 0.02 }), train, val,
      settings({ requested: 7, evalEvery: 45, budget: { epochs: 3 }, keepParams: true }), () => 0);
    const whole = job();
    whole.advance(Infinity);
    const first = job();
    assert.equal(first.advance(-1), false, 'a passed deadline stops after 16 batches');
    const snap = structuredClone(first.snapshot()); // plain data: survives a structured clone (a worker message)
    assert.ok(snap.seen > 0 && snap.seen < 600 && snap.run.points.length > 1, `snapshot after ${snap.seen} examples`);
    first.advance(Infinity); // the original runs on: the snapshot is a copy
    const resumed = job();
    resumed.restore(snap);
    assert.equal(resumed.advance(Infinity), true);
    assert.deepEqual(resumed.result(), whole.result());
    assert.deepEqual(first.result(), whole.result());
    assert.deepEqual(resumed.result().finalParams, whole.result().finalParams);
  });

  it('restore() refuses a snapshot of another run', () => {
    const a = new TrialRunner(logisticRegression({ inputs: 4 }), sgd({ learningRate: 0.1 }), train, val, settings({ requested: 10 }));
    const b = new TrialRunner(logisticRegression({ inputs: 4 }), sgd({ learningRate: 0.1 }), train, val, settings({ requested: 20 }));
    assert.throws(() => b.restore(a.snapshot()), /batch size 10.*batch size 20/);
  });
});

describe('TrialRunner on the fused batch-1 path (one kernel call per run of rows)', () => {
  const classes = splitForSweep(sparseClasses(240, 37, 6), {}); // 192 training rows, about 1 input in 3 zero
  const models: Array<[string, () => Model, Dataset, Dataset]> = [
    ['logistic 4-1', () => logisticRegression({ inputs: 4, seed: 2 }), train, val],
    ['softmax 37-6 on sparse rows', () => softmaxRegression({ inputs: 37, classes: 6, seed: 2 }), classes.train, classes.val],
  ];
  /** The run with the fused path on or off, and the kernel calls it made. */
  const trial = (make: () => Model, tr: Dataset, va: Dataset, o: Partial<TrialSettings>, fast: boolean, slice = Infinity,
    opt = (): Optimizer => sgd({ learningRate: 0.1 })): { run: RunRecord; calls: number } => {
    const before = fusedEpochs.calls; fusedEpochs.enabled = fast;
    let ms = 0; const clock = (): number => (ms += 1);
    try {
      const r = new TrialRunner(make(), opt(), tr, va, settings({ requested: 1, evalEvery: 45, keepParams: true, ...o }), clock);
      while (!r.advance(clock() + slice)) { /* slices of `slice` clock reads */ }
      return { run: r.result(), calls: fusedEpochs.calls - before };
    } finally { fusedEpochs.enabled = true; }
  };

  for (const [name, make, tr, va] of models) {
    it(`${name}: the same points and final weights as the general steps, stopping at every evaluation point`, () => {
      const fast = trial(make, tr, va, {}, true); const general = trial(make, tr, va, {}, false);
      assert.equal(general.calls, 0);
      // Evaluations every 45 rows cut each epoch into runs of rows: more calls than epochs.
      assert.ok(fast.calls > 3 * Math.floor(tr.length / 45), `${fast.calls} kernel calls`);
      assert.deepEqual(withoutTiming(fast.run), withoutTiming(general.run));
      assert.ok(fast.run.points.length > 3 * Math.floor(tr.length / 45));
    });

    it(`${name}: with momentum, an example budget and a deadline that slices the run`, () => {
      const o: Partial<TrialSettings> = { budget: { examples: 333 } };
      const mom = (): Optimizer => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true });
      const fast = trial(make, tr, va, o, true, 3, mom); const general = trial(make, tr, va, o, false, Infinity, mom);
      assert.ok(fast.calls > 0);
      assert.equal(fast.run.points.at(-1)!.examplesSeen, 333);
      assert.deepEqual(withoutTiming(fast.run), withoutTiming(general.run));
    });
  }

  it('diverges at the same update with the same loss as the general steps', () => {
    const make = (): Model => softmaxRegression({ inputs: 37, classes: 6, seed: 2 });
    const huge = (): Optimizer => sgd({ learningRate: 1e6 });
    const fast = trial(make, classes.train, classes.val, { evalEvery: 1000 }, true, Infinity, huge);
    const general = trial(make, classes.train, classes.val, { evalEvery: 1000 }, false, Infinity, huge);
    assert.ok(fast.calls > 0 && fast.run.diverged !== undefined, 'diverged on the fused path');
    assert.deepEqual(withoutTiming(fast.run), withoutTiming(general.run));
  });

  it('a seconds budget takes the general steps (its clock is read after every batch)', () => {
    assert.equal(trial(models[0]![1], train, val, { budget: { seconds: 0.05 } }, true).calls, 0);
  });
});

/** A multiclass problem whose inputs are 0 where (row + column) % 3 is 0 (as the blank pixels of a digit). */
function sparseClasses(n: number, f: number, classes: number): Dataset {
  const d = multiclassProblem(n, f, classes, 5);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) if ((i + j) % 3 === 0) d.x[i * f + j] = 0;
  return d;
}
