// Tests of the learning-rate scaling fit: it recovers known exponents and names the rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitScaling } from '../../src/experiments/analysis/scaling.js';
import { Rng } from '../../src/core/rng.js';

const sizes = [1, 8, 32, 128, 512];

describe('fitScaling', () => {
  it('recovers exponent 1 (the linear scaling rule) from lr = 0.003 B', () => {
    const fit = fitScaling(sizes.map((b) => ({ batchSize: b, learningRate: 0.003 * b })));
    assert.ok(Math.abs(fit.exponent - 1) < 1e-9, `exponent ${fit.exponent}`);
    assert.ok(Math.abs(fit.intercept - Math.log(0.003)) < 1e-9);
    assert.equal(fit.rule, 'linear');
    assert.match(fit.note, /linear scaling rule/);
    assert.ok(fit.stderr < 1e-6);
  });

  it('recovers exponent 1 within its standard error from noisy, grid-quantised best rates', () => {
    const rng = new Rng(3);
    const grid = (v: number): number => 10 ** (Math.round(2 * Math.log10(v)) / 2);
    const fit = fitScaling([1, 2, 4, 8, 16, 32, 64, 128, 256].map((b) => ({ batchSize: b, learningRate: grid(0.002 * b * Math.exp(0.2 * rng.normal())) })));
    assert.ok(Math.abs(fit.exponent - 1) < 0.1, `exponent ${fit.exponent}`);
    assert.equal(fit.rule, 'linear');
  });

  it('names the square-root rule for lr = 0.05 sqrt(B)', () => {
    const fit = fitScaling(sizes.map((b) => ({ batchSize: b, learningRate: 0.05 * Math.sqrt(b) })));
    assert.ok(Math.abs(fit.exponent - 0.5) < 1e-9);
    assert.equal(fit.rule, 'square-root');
  });

  it("says 'neither' for a flat best rate and explains it", () => {
    const fit = fitScaling(sizes.map((b) => ({ batchSize: b, learningRate: 0.1 })));
    assert.ok(Math.abs(fit.exponent) < 1e-12);
    assert.equal(fit.rule, 'neither');
    assert.match(fit.note, /critical batch size/);
  });

  it('needs two batch sizes and warns about rates at the grid edge', () => {
    const one = fitScaling([{ batchSize: 8, learningRate: 0.1 }]);
    assert.ok(Number.isNaN(one.exponent));
    assert.equal(one.rule, 'neither');
    const edge = fitScaling(sizes.map((b) => ({ batchSize: b, learningRate: 0.003 * b })), [512]);
    assert.match(edge.note, /edge of the learning-rate grid/);
  });
});
