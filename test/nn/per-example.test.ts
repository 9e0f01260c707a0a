// Per-example gradients: the batched squared norms equal the full per-row gradients, which equal finite differences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PerExample, perExampleGradient } from '../../src/nn/per-example.js';
import type { Model } from '../../src/nn/model.js';
import { linearRegression, logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import type { Dataset } from '../../src/data/dataset.js';
import { binaryProblem, multiclassProblem, regressionProblem } from '../helpers/problems.js';
import { numericGradient } from '../helpers/numeric-grad.js';

function rowBatch(d: Dataset, r: number): { x: Float32Array; y: Float32Array; size: number } {
  return { x: d.x.slice(r * d.numFeatures, (r + 1) * d.numFeatures), y: d.y.slice(r * d.targetWidth, (r + 1) * d.targetWidth), size: 1 };
}

const CASES: Array<{ name: string; model: Model; data: Dataset }> = [
  { name: 'linear regression, 2 outputs', model: linearRegression({ inputs: 4, outputs: 2, seed: 3 }), data: regressionProblem(40, 4, 2, 1) },
  { name: 'logistic regression', model: logisticRegression({ inputs: 5, seed: 2 }), data: binaryProblem(40, 5, 2) },
  { name: 'softmax regression', model: softmaxRegression({ inputs: 3, classes: 4, seed: 4 }), data: multiclassProblem(40, 3, 4, 3) },
  { name: 'tanh MLP, sigmoid output', model: mlp({ layers: [5, 6, 4, 1], activation: 'tanh', seed: 5 }), data: binaryProblem(40, 5, 4) },
  { name: 'relu MLP, softmax output', model: mlp({ layers: [3, 7, 3], activation: 'relu', seed: 6 }), data: multiclassProblem(40, 3, 3, 5) },
];

describe('per-example gradients', () => {
  for (const c of CASES) {
    it(`${c.name}: one row's gradient matches central finite differences`, () => {
      for (const r of [0, 17]) {
        const g = perExampleGradient(c.model, c.data, r, new Float32Array(c.model.params.length));
        const num = numericGradient(c.model, c.model.params, rowBatch(c.data, r));
        const scale = Math.max(1, ...Array.from(num, Math.abs));
        for (let j = 0; j < g.length; j++) assert.ok(Math.abs(g[j]! - num[j]!) <= 2e-3 * scale, `row ${r} param ${j}: ${g[j]} vs ${num[j]}`);
      }
    });

    it(`${c.name}: batched |g_i|^2 (outer-product identity) equals the norm of each row's full gradient`, () => {
      const pe = new PerExample(c.model, c.data, 16); // chunks of 16 exercise the chunking
      const sq = pe.sqNorms(new Float64Array(c.data.length));
      const g = new Float32Array(c.model.params.length);
      for (let r = 0; r < c.data.length; r++) {
        perExampleGradient(c.model, c.data, r, g);
        let ref = 0; for (const v of g) ref += v * v;
        assert.ok(Math.abs(sq[r]! - ref) <= 1e-4 * Math.max(ref, 1e-6), `row ${r}: ${sq[r]} vs ${ref}`);
      }
    });

    it(`${c.name}: the mean gradient and mean loss equal lossAndGrad over all rows`, () => {
      const m = new PerExample(c.model, c.data, 16).moments();
      const ref = new Float32Array(c.model.params.length);
      const loss = c.model.lossAndGrad(c.model.params, { x: c.data.x, y: c.data.y, size: c.data.length }, ref, 1 / c.data.length);
      for (let j = 0; j < ref.length; j++) assert.ok(Math.abs(m.meanGrad[j]! - ref[j]!) <= 1e-5 * (1 + Math.abs(ref[j]!)), `param ${j}`);
      assert.ok(Math.abs(m.meanLoss - loss / c.data.length) < 1e-5);
      assert.equal(m.rows, c.data.length);
    });
  }

  it('rows may repeat (sampling with replacement) and bad rows are refused', () => {
    const model = logisticRegression({ inputs: 5, seed: 2 }); const data = binaryProblem(10, 5, 2);
    const pe = new PerExample(model, data);
    const twice = pe.moments({ indices: [3, 3] }); const once = pe.moments({ indices: [3] });
    assert.deepEqual(Array.from(twice.meanGrad), Array.from(once.meanGrad));
    assert.throws(() => pe.moments({ indices: [10] }), /row index 10 is outside the data \(0 to 9\)/);
    assert.throws(() => perExampleGradient(model, data, -1, new Float32Array(6)), /row must be an integer from 0 to 9, got -1/);
    assert.throws(() => new PerExample(logisticRegression({ inputs: 3 }), data), /the data have 5 features but the model takes 3/);
  });

  it('a workspace reused as the weights change gives the bits of a fresh one (its cached row norms stay right), by index or in order', () => {
    for (const c of CASES) {
      const pe = new PerExample(c.model, c.data, 16);
      const idx = [5, 0, 5, 39, 12, 12, 7];
      for (let step = 0; step < 3; step++) {
        const params = c.model.params.map((v, j) => v + 0.05 * step * Math.sin(j + step));
        const fresh = new PerExample(c.model, c.data, 16);
        for (const o of [{ params }, { params, indices: idx }, { params, indices: idx, start: 2, count: 3 }]) {
          const a = pe.moments(o); const b = fresh.moments(o);
          assert.deepEqual(a, b, `${c.name}, step ${step}, ${JSON.stringify(Object.keys(o))}`);
        }
        assert.deepEqual(pe.sqNorms(new Float64Array(c.data.length), 0, params), fresh.sqNorms(new Float64Array(c.data.length), 0, params));
      }
    }
  });

  it("moments can fill a given buffer (the two-batch estimator's thousands of small batches) with the same values", () => {
    const c = CASES[2]!;
    const pe = new PerExample(c.model, c.data);
    const into = new Float64Array(c.model.params.length).fill(7);
    const got = pe.moments({ indices: [1, 2, 3], into });
    assert.equal(got.meanGrad, into, 'the buffer itself is the mean gradient');
    assert.deepEqual(Array.from(got.meanGrad), Array.from(new PerExample(c.model, c.data).moments({ indices: [1, 2, 3] }).meanGrad));
    const wrong = pe.moments({ indices: [1], into: new Float64Array(3) });
    assert.equal(wrong.meanGrad.length, c.model.params.length, 'a buffer of another length is not used');
  });
});
