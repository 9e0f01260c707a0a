// Tests of the trial run loop with an injected clock: evaluation time excluded, budgets, slicing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrialRunner, type TrialSettings } from '../../src/experiments/run/trial.js';
import { splitForSweep } from '../../src/experiments/run/setup.js';
import { logisticRegression, mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import type { Model } from '../../src/nn/model.js';
import { sgd } from '../../src/optim/sgd.js';
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
