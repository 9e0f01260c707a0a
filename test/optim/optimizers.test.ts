// Optimizer update rules against hand-computed float64 values of PyTorch's documented rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { sgd } from '../../src/optim/sgd.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import { adam, adamw } from '../../src/optim/adam.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { stepDecay } from '../../src/optim/schedule.js';
import { assertAllClose } from '../helpers/assert-close.js';

const P0 = [0.5, -1.0, 2.0];
const G = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.2, -0.1]];
const F32 = { rtol: 1e-6, atol: 1e-7 };

/** Runs the optimizer for G.length steps from P0 and returns the parameters after each step. */
function run(opt: Optimizer): number[][] {
  const p = Float32Array.from(P0); const out: number[][] = [];
  for (const g of G) { opt.step(p, Float32Array.from(g)); out.push(Array.from(p)); }
  return out;
}

/** A float64 simulation: `rule(p, g, t, state)` updates p in place for step t = 1, 2, ... */
function simulate(rule: (p: number[], g: number[], t: number, s: Record<string, number[]>) => void): number[][] {
  const p = [...P0]; const s: Record<string, number[]> = {}; const out: number[][] = [];
  G.forEach((g, i) => { rule(p, g, i + 1, s); out.push([...p]); });
  return out;
}

function compare(actual: number[][], expected: number[][], what: string): void {
  actual.forEach((p, i) => assertAllClose(p, expected[i]!, F32, `${what}, step ${i + 1}`));
}

const zeros = (): number[] => P0.map(() => 0);

describe('SGD', () => {
  it('plain: p <- p - lr g', () => {
    const got = run(sgd({ learningRate: 0.1 }));
    assertAllClose(got[0]!, [0.49, -0.98, 1.97], F32, 'step 1 by hand');
    compare(got, simulate((p, g) => { p.forEach((v, i) => { p[i] = v - 0.1 * g[i]!; }); }), 'plain sgd');
  });

  it('momentum: the buffer starts at the first gradient, then b <- mu b + (1 - tau) g', () => {
    const got = run(sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.2 }));
    assertAllClose(got[0]!, [0.49, -0.98, 1.97], F32, 'step 1 uses b = g undamped');
    compare(got, simulate((p, g, t, s) => {
      const b = (s.b ??= zeros());
      p.forEach((v, i) => { b[i] = t === 1 ? g[i]! : 0.9 * b[i]! + 0.8 * g[i]!; p[i] = v - 0.1 * b[i]!; });
    }), 'momentum with dampening');
  });

  it('nesterov: p <- p - lr (g + mu b)', () => {
    const got = run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
    assertAllClose(got[0]!, [0.5 - 0.1 * 0.19, -1 + 0.1 * 0.38, 2 - 0.1 * 0.57], F32, 'step 1 by hand: g + 0.9 g');
    compare(got, simulate((p, g, t, s) => {
      const b = (s.b ??= zeros());
      p.forEach((v, i) => { b[i] = t === 1 ? g[i]! : 0.9 * b[i]! + g[i]!; p[i] = v - 0.1 * (g[i]! + 0.9 * b[i]!); });
    }), 'nesterov');
  });

  it('weight decay adds lambda p to the gradient (with and without momentum)', () => {
    const got = run(sgd({ learningRate: 0.1, weightDecay: 0.5 }));
    assertAllClose(got[0]!, [0.5 - 0.1 * (0.1 + 0.25), -1 - 0.1 * (-0.2 - 0.5), 2 - 0.1 * (0.3 + 1)], F32, 'step 1 by hand');
    compare(got, simulate((p, g) => { p.forEach((v, i) => { p[i] = v - 0.1 * (g[i]! + 0.5 * v); }); }), 'sgd + weight decay');
    compare(run(sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 0.5 })), simulate((p, g, t, s) => {
      const b = (s.b ??= zeros());
      p.forEach((v, i) => { const gi = g[i]! + 0.5 * v; b[i] = t === 1 ? gi : 0.5 * b[i]! + gi; p[i] = v - 0.1 * b[i]!; });
    }), 'momentum + weight decay');
  });

  it('uses the schedule value of each update in turn', () => {
    const opt = sgd({ learningRate: stepDecay({ initial: 0.1, stepSize: 1, gamma: 0.5 }) });
    compare(run(opt), simulate((p, g, t) => { p.forEach((v, i) => { p[i] = v - 0.1 * 0.5 ** (t - 1) * g[i]!; }); }), 'scheduled sgd');
    assert.equal(opt.iterations, 3);
    assert.equal(opt.lastLearningRate, 0.025);
  });

  it('rejects nesterov without momentum and a bad momentum', () => {
    assert.throws(() => sgd({ learningRate: 0.1, nesterov: true }), (e: unknown) => e instanceof MinibatchError && /nesterov needs momentum > 0/.test(e.message));
    assert.throws(() => sgd({ learningRate: 0.1, momentum: 1.5 }), (e: unknown) => e instanceof MinibatchError && /momentum must be .* got 1\.5/.test(e.message));
  });
});

describe('RMSprop', () => {
  const rule = (alpha: number, eps: number, mu: number, centered: boolean, wd: number) =>
    (p: number[], g: number[], _t: number, s: Record<string, number[]>): void => {
      const v = (s.v ??= zeros()); const ga = (s.ga ??= zeros()); const b = (s.b ??= zeros());
      p.forEach((pv, i) => {
        const gi = g[i]! + wd * pv;
        v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
        let d = Math.sqrt(v[i]!) + eps;
        if (centered) { ga[i] = alpha * ga[i]! + (1 - alpha) * gi; d = Math.sqrt(v[i]! - ga[i]! ** 2) + eps; }
        if (mu > 0) { b[i] = mu * b[i]! + gi / d; p[i] = pv - 0.01 * b[i]!; } else p[i] = pv - (0.01 * gi) / d;
      });
    };

  it('plain: v <- alpha v + (1 - alpha) g^2, p <- p - lr g / (sqrt(v) + eps)', () => {
    const got = run(rmsprop({ learningRate: 0.01 }));
    // Step 1: sqrt(v) = sqrt(0.01) |g| = 0.1 |g|, so p moves by lr / 0.1 = 0.1 against sign(g).
    assertAllClose(got[0]!, [0.4, -0.9, 1.9], { rtol: 1e-5 }, 'step 1 by hand');
    compare(got, simulate(rule(0.99, 1e-8, 0, false, 0)), 'rmsprop');
  });

  it('with momentum: b <- mu b + g / d, p <- p - lr b', () => {
    compare(run(rmsprop({ learningRate: 0.01, momentum: 0.9, alpha: 0.9 })), simulate(rule(0.9, 1e-8, 0.9, false, 0)), 'rmsprop momentum');
  });

  it('centered: divides by sqrt(v - mean(g)^2) + eps', () => {
    compare(run(rmsprop({ learningRate: 0.01, centered: true, alpha: 0.9, epsilon: 1e-3 })), simulate(rule(0.9, 1e-3, 0, true, 0)), 'centered rmsprop');
    compare(run(rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1, alpha: 0.8, epsilon: 1e-3 })),
      simulate(rule(0.8, 1e-3, 0.5, true, 0.1)), 'centered rmsprop with momentum and weight decay');
  });
});

describe('Adam and AdamW', () => {
  const rule = (lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean) =>
    (p: number[], g: number[], t: number, s: Record<string, number[]>): void => {
      const m = (s.m ??= zeros()); const v = (s.v ??= zeros());
      p.forEach((pv, i) => {
        let q = pv; let gi = g[i]!;
        if (decoupled) q = pv * (1 - lr * wd); else gi += wd * pv;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        const mHat = m[i]! / (1 - b1 ** t); const vHat = v[i]! / (1 - b2 ** t);
        p[i] = q - (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
    };

  it('bias correction makes the first step lr x sign(g)', () => {
    const got = run(adam({ learningRate: 0.01 }));
    assertAllClose(got[0]!, [0.49, -0.99, 1.99], { rtol: 1e-6 }, 'step 1 by hand');
    compare(got, simulate(rule(0.01, 0.9, 0.999, 1e-8, 0, false)), 'adam');
  });

  it('adds epsilon after the square root', () => {
    const got = run(adam({ learningRate: 0.01, epsilon: 0.1 }));
    // Step 1: m_hat = g, sqrt(v_hat) = |g|: p <- p - lr g / (|g| + eps), not g / sqrt(g^2 + eps).
    assertAllClose(got[0]!, P0.map((p, i) => p - (0.01 * G[0]![i]!) / (Math.abs(G[0]![i]!) + 0.1)), F32, 'step 1 by hand');
    compare(got, simulate(rule(0.01, 0.9, 0.999, 0.1, 0, false)), 'adam with a large epsilon');
  });

  it('with weight decay adds lambda p to the gradient (L2)', () => {
    compare(run(adam({ learningRate: 0.01, weightDecay: 0.3, beta1: 0.8, beta2: 0.9 })), simulate(rule(0.01, 0.8, 0.9, 1e-8, 0.3, false)), 'adam + L2');
  });

  it('AdamW decays the weights directly: p <- p (1 - lr lambda) before the Adam step', () => {
    const got = run(adamw({ learningRate: 0.01, weightDecay: 0.3 }));
    assertAllClose(got[0]!, P0.map((p, i) => p * (1 - 0.003) - 0.01 * Math.sign(G[0]![i]!)), F32, 'step 1 by hand');
    compare(got, simulate(rule(0.01, 0.9, 0.999, 1e-8, 0.3, true)), 'adamw');
    assert.equal(adamw({}).spec.weightDecay, 0.01, 'PyTorch default weight decay');
  });

  it('rejects a beta of 1 or more, where the bias correction divides by zero', () => {
    for (const o of [{ beta1: 1 }, { beta2: 1 }, { beta1: 1.2 }, { beta2: -0.1 }]) {
      const [name, value] = Object.entries(o)[0]!;
      assert.throws(() => adam(o), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_ARGUMENT' &&
        e.message.includes(`${name} must be`) && e.message.includes(`got ${value}`) && e.message.includes('[0, 1)'), JSON.stringify(o));
    }
    assert.equal(adam({ beta1: 0, beta2: 0 }).spec.beta1, 0, 'beta 0 is allowed');
  });
});

describe('optimizer bookkeeping', () => {
  it('reset forgets the moments and the step count', () => {
    const opt = adam({ learningRate: 0.01 });
    run(opt);
    opt.reset();
    assert.equal(opt.iterations, 0);
    assert.ok(Number.isNaN(opt.lastLearningRate));
    compare(run(opt), simulate(rule0()), 'adam after reset');
    function rule0() {
      return (p: number[], g: number[], t: number, s: Record<string, number[]>): void => {
        const m = (s.m ??= zeros()); const v = (s.v ??= zeros());
        p.forEach((pv, i) => {
          m[i] = 0.9 * m[i]! + 0.1 * g[i]!; v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
          p[i] = pv - (0.01 * m[i]! / (1 - 0.9 ** t)) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
        });
      };
    }
  });

  it('rejects a gradient of the wrong length', () => {
    assert.throws(() => sgd({ learningRate: 0.1 }).step(new Float32Array(3), new Float32Array(2)),
      (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
  });

  it('rejects a learning rate that is zero, negative or NaN, naming the value and the fix', () => {
    for (const bad of [0, -0.1, NaN, Infinity]) {
      for (const make of [() => sgd({ learningRate: bad }), () => adam({ learningRate: bad }), () => rmsprop({ learningRate: bad })]) {
        assert.throws(make, (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_LEARNING_RATE' &&
          e.message.includes(`got ${bad}`) && e.message.includes('> 0') && /such as 0\.01/.test(e.message), `learning rate ${bad}`);
      }
    }
  });
});
