// Learning-rate schedules: values at chosen steps, composition, specs, and argument checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import {
  constant, cosineDecay, exponentialDecay, linearWarmup, scheduleFromSpec, stepDecay, type Schedule,
} from '../../src/optim/schedule.js';
import { assertAllClose } from '../helpers/assert-close.js';

const at = (s: Schedule, steps: number[]): number[] => steps.map((t) => s.at(t));
const TOL = { rtol: 1e-12, atol: 1e-15 };

describe('schedules', () => {
  it('constant returns its value at every step', () => {
    assert.deepEqual(at(constant(0.05), [0, 1, 1000]), [0.05, 0.05, 0.05]);
  });

  it('step decay multiplies by gamma every stepSize updates', () => {
    const s = stepDecay({ initial: 0.1, stepSize: 10, gamma: 0.5 });
    assertAllClose(at(s, [0, 9, 10, 19, 20, 35]), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], TOL);
  });

  it('exponential decay is initial x rate^(t / decaySteps), smooth between', () => {
    const s = exponentialDecay({ initial: 0.2, decaySteps: 100, decayRate: 0.5 });
    assertAllClose(at(s, [0, 50, 100, 200]), [0.2, 0.2 * Math.SQRT1_2, 0.1, 0.05], TOL);
  });

  it('cosine decay goes from initial to minValue over decaySteps, then stays', () => {
    const s = cosineDecay({ initial: 1, decaySteps: 100, minValue: 0.1 });
    assertAllClose(at(s, [0, 50, 100, 150]), [1, 0.55, 0.1, 0.1], TOL);
    assertAllClose([s.at(25)], [0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2], TOL);
  });

  it('linear warmup ramps from startFactor x base to base over warmupSteps', () => {
    const s = linearWarmup(0.1, { warmupSteps: 4, startFactor: 0.2 });
    assertAllClose(at(s, [0, 1, 2, 3, 4, 100]), [0.02, 0.04, 0.06, 0.08, 0.1, 0.1], TOL);
  });

  it('warmup in front of cosine: the cosine starts after the warmup', () => {
    const s = linearWarmup(cosineDecay({ initial: 0.4, decaySteps: 10 }), { warmupSteps: 5, startFactor: 0 });
    assertAllClose(at(s, [0, 1, 4, 5, 10, 15, 20]), [0, 0.08, 0.32, 0.4, 0.2, 0, 0], TOL);
  });

  it('warmupSteps 0 is the inner schedule unchanged', () => {
    const inner = stepDecay({ initial: 1, stepSize: 2 });
    const s = linearWarmup(inner, { warmupSteps: 0 });
    assert.deepEqual(at(s, [0, 1, 2, 5]), at(inner, [0, 1, 2, 5]));
  });

  it('scheduleFromSpec rebuilds a schedule that gives the same values', () => {
    const s = linearWarmup(exponentialDecay({ initial: 0.3, decaySteps: 7, decayRate: 0.9 }), { warmupSteps: 3 });
    const copy = scheduleFromSpec(JSON.parse(JSON.stringify(s.spec)));
    const steps = [0, 1, 2, 3, 4, 10, 50];
    assert.deepEqual(at(copy, steps), at(s, steps));
    assert.deepEqual(copy.spec, s.spec);
  });

  it('rejects bad arguments with a MinibatchError naming the value', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => constant(0), /learningRate must be a finite number > 0, got 0/],
      [() => stepDecay({ initial: 0.1, stepSize: 0 }), /stepSize must be an integer >= 1, got 0/],
      [() => stepDecay({ initial: 0.1, stepSize: 5, gamma: 0 }), /gamma .* got 0/],
      [() => exponentialDecay({ initial: 0.1, decaySteps: 10, decayRate: 1.5 }), /decayRate .* got 1\.5/],
      [() => cosineDecay({ initial: 0.1, decaySteps: 10, minValue: 0.5 }), /minValue .* got 0\.5/],
      [() => linearWarmup(0.1, { warmupSteps: -1 }), /warmupSteps .* got -1/],
    ];
    for (const [make, message] of cases) {
      assert.throws(make, (e: unknown) => e instanceof MinibatchError && message.test(e.message), String(message));
    }
  });
});
