// convexOptimum: full-batch descent with line search reaches the least-squares and logistic optima.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convexOptimum } from '../../src/experiments/probes/optimum.js';
import { linearRegression, logisticRegression } from '../../src/nn/models.js';
import { blobs, linearData } from './helpers.js';

describe('convexOptimum', () => {
  it('finds the least-squares solution of a linear regression', () => {
    const data = linearData(200, 3, 5, 0.1);
    const model = linearRegression({ inputs: 3, seed: 2 });
    const before = Float32Array.from(model.params);
    const opt = convexOptimum(model, data)!;
    assert.ok(opt.converged, `gradient ${opt.gradNorm} from ${opt.startGradNorm}`);
    assert.deepEqual(model.params, before, 'the model is left untouched');
    // y = x . (1, -2, 0.5) + 0.5 + small noise: the optimum is close to the true coefficients.
    const w = Array.from(opt.params);
    [1, -2, 0.5, 0.5].forEach((v, i) => assert.ok(Math.abs(w[i]! - v) < 0.05, `weight ${i}: ${w[i]} vs ${v}`));
  });

  it('reaches a zero-gradient point of a logistic regression on overlapping classes', () => {
    const data = blobs(300, 4, 3, 0.8);
    const model = logisticRegression({ inputs: 4, seed: 1 });
    const opt = convexOptimum(model, data)!;
    assert.ok(opt.converged, `gradient ${opt.gradNorm} from ${opt.startGradNorm}`);
    assert.ok(opt.iterations > 0 && opt.iterations < 3000);
    // A second start from elsewhere lands on the same weights: the optimum is unique.
    const other = logisticRegression({ inputs: 4, seed: 9 });
    const opt2 = convexOptimum(other, data)!;
    const d = Math.hypot(...Array.from(opt.params, (v, i) => v - opt2.params[i]!)) / Math.hypot(...opt.params);
    assert.ok(d < 1e-2, `relative distance between the two optima ${d}`);
  });

  it('declines problems beyond its work limit', () => {
    const data = blobs(300, 4, 3, 0.8);
    assert.equal(convexOptimum(logisticRegression({ inputs: 4 }), data, { maxWork: 1000 }), undefined);
  });
});
