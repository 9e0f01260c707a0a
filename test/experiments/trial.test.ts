// Tests of the trial run loop with an injected clock: evaluation time excluded, budgets, slicing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrialRunner, type TrialSettings } from '../../src/experiments/trial.js';
import { splitForSweep } from '../../src/experiments/setup.js';
import { logisticRegression } from '../../src/nn/models.js';
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
});
