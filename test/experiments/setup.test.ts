// Tests of the sweep plumbing: evaluation intervals, batch sizes, seeds, budgets, optimizers from specs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkBudget, defaultEvalEvery, seedList, splitForSweep, uniqueBatchSizes } from '../../src/experiments/run/setup.js';
import { optimizerAt, optimizerFromSpec, rebaseSchedule, specOfChoice } from '../../src/experiments/run/optimizer-spec.js';
import { adam, adamw } from '../../src/optim/adam.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import { sgd } from '../../src/optim/sgd.js';
import { cosineDecay, linearWarmup, scheduleFromSpec } from '../../src/optim/schedule.js';
import { Optimizer, type OptimizerSpec } from '../../src/optim/optimizer.js';
import { MinibatchError } from '../../src/core/errors.js';
import { blobs } from './helpers.js';

describe('defaultEvalEvery', () => {
  it('aims at 20 to 40 points per run', () => {
    assert.equal(defaultEvalEvery({ epochs: 20 }, 1000), 1000);
    assert.equal(defaultEvalEvery({ epochs: 100 }, 1000), 3000);
    assert.equal(defaultEvalEvery({ epochs: 5 }, 1000), 167);
    assert.equal(defaultEvalEvery({ examples: 500 }, 1000), 17);
    assert.equal(defaultEvalEvery({ seconds: 3 }, 1000), 250);
    for (const epochs of [1, 2, 3, 7, 13, 19, 20, 33, 41, 80, 200]) {
      const points = Math.floor((epochs * 1000) / defaultEvalEvery({ epochs }, 1000));
      assert.ok(points >= 20 && points <= 40, `${points} points for ${epochs} epochs`);
    }
  });
});

describe('sweep options', () => {
  it('resolves batch sizes, keeping the first of those with the same rows', () => {
    assert.deepEqual(uniqueBatchSizes(undefined, 100).map((b) => b.batchSize), [1, 8, 32, 100]);
    assert.deepEqual(uniqueBatchSizes([64, 'full', 200, 4], 100), [{ requested: 64, batchSize: 64 }, { requested: 'full', batchSize: 100 }, { requested: 4, batchSize: 4 }]);
    assert.throws(() => uniqueBatchSizes([], 100), MinibatchError);
    assert.throws(() => uniqueBatchSizes([2.5], 100), /batch size must be an integer/);
  });

  it('turns a seed count into seeds 1..n and checks lists', () => {
    assert.deepEqual(seedList(undefined, 3), [1, 2, 3]);
    assert.deepEqual(seedList([7, 9], 3), [7, 9]);
    assert.throws(() => seedList(0, 3), MinibatchError);
    assert.throws(() => seedList([], 3), MinibatchError);
  });

  it('checks budgets', () => {
    assert.deepEqual(checkBudget({ examples: 10 }), { examples: 10 });
    assert.throws(() => checkBudget({ seconds: 0 }), MinibatchError);
    assert.throws(() => checkBudget({ minutes: 3 }), /budget must be/);
  });

  it('splits once, with the same rows for the same splitSeed, and refuses two validation sources', () => {
    const d = blobs(100);
    const a = splitForSweep(d, {}); const b = splitForSweep(d, {});
    assert.deepEqual([a.train.length, a.val.length], [80, 20]);
    assert.deepEqual(a.val.x, b.val.x);
    assert.notDeepEqual(splitForSweep(d, { splitSeed: 2 }).val.x, a.val.x);
    assert.throws(() => splitForSweep(d, { validationSplit: 0.2, validationData: d }), /either validationSplit or validationData/);
  });
});

describe('optimizers from specs', () => {
  const specs: OptimizerSpec[] = [
    sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }).spec,
    rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }).spec,
    adam({ learningRate: 1e-3, beta1: 0.8 }).spec,
    adamw({ learningRate: 1e-3 }).spec,
  ];

  it('rebuilds each optimizer exactly: same spec, same updates', () => {
    for (const spec of specs) {
      const a = optimizerFromSpec(spec); const b = optimizerFromSpec(spec);
      assert.deepEqual(a.spec, spec);
      const p1 = Float32Array.from([1, -2, 3]); const p2 = p1.slice(); const g = Float32Array.from([0.5, 0.1, -0.3]);
      for (let i = 0; i < 3; i++) { a.step(p1, g); b.step(p2, g); }
      assert.deepEqual(p1, p2);
    }
  });

  it("re-bases a schedule on the trial's rate, keeping its shape", () => {
    const sched = linearWarmup(cosineDecay({ initial: 0.2, decaySteps: 100, minValue: 0.02 }), { warmupSteps: 10 });
    const re = scheduleFromSpec(rebaseSchedule(sched.spec, 0.05));
    for (const t of [0, 5, 10, 50, 200]) assert.ok(Math.abs(re.at(t) - sched.at(t) / 4) < 1e-12);
    assert.equal(optimizerAt(sgd({ learningRate: 0.3 }).spec, 0.07).learningRate(), 0.07);
  });

  it('describes factories by their spec when the spec rebuilds them', () => {
    assert.deepEqual(specOfChoice((lr) => sgd({ learningRate: lr, momentum: 0.9 })), sgd({ learningRate: 0.01, momentum: 0.9 }).spec);
    class Custom extends Optimizer {
      readonly spec = sgd({ learningRate: 0.01 }).spec;
      buffers(): Float32Array[] { return []; }
      protected allocateBuffers(): void {}
      protected update(): void {}
    }
    assert.equal(specOfChoice(() => new Custom(0.01)), undefined);
  });
});
