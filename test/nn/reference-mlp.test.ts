// Differential test: model.lossAndGrad and predict against a naive float64 reference MLP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { Activation } from '../../src/nn/model.js';
import type { OutputKind } from '../../src/nn/losses.js';
import { mlp } from '../../src/nn/models.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { referenceForward, referenceLossAndGrad } from '../helpers/reference-mlp.js';
import { normalRows } from '../helpers/problems.js';

function labels(output: OutputKind, rows: number, outputs: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, () => (output === 'softmax'
    ? [rng.int(outputs)]
    : Array.from({ length: outputs }, () => (output === 'sigmoid' ? rng.int(2) : rng.normal()))));
}

const activations: Activation[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid', 'linear'];
const outputs: [OutputKind, number][] = [['linear', 2], ['sigmoid', 1], ['softmax', 4]];

describe('2-layer mlp agrees with the float64 reference implementation', () => {
  for (const activation of activations) {
    for (const [output, width] of outputs) {
      it(`${activation} hidden layer, ${output} output: loss, gradient and predictions`, () => {
        const model = mlp({ layers: [4, 6, width], activation, output, seed: 13, leakySlope: 0.2 });
        const spec = { ...model.spec };
        // A large batch then a small one: buffers sized for 37 rows must not leak into 5.
        for (const rows of [37, 5]) {
          const x = normalRows(rows, 4, rows);
          const y = labels(output, rows, width, rows + 1);
          const batch = { x: Float32Array.from(x.flat()), y: Float32Array.from(y.flat()), size: rows };
          const grad = new Float32Array(model.params.length);
          const loss = model.lossAndGrad(model.params, batch, grad, 1);
          const ref = referenceLossAndGrad(spec, model.params, x, y);
          assertClose(loss, ref.loss, { rtol: 1e-5, atol: 1e-6 }, `loss over ${rows} rows`);
          const scale = Math.max(...Array.from(ref.grad, Math.abs));
          assertAllClose(grad, ref.grad, { rtol: 1e-4, atol: 1e-5 * scale }, `gradient over ${rows} rows`);
          const { z } = referenceForward(spec, model.params, x);
          const logits = z[z.length - 1]!;
          const expected = logits.flatMap((row) => {
            if (output === 'sigmoid') return row.map((v) => 1 / (1 + Math.exp(-v)));
            if (output === 'softmax') { const e = row.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); }
            return row;
          });
          assertAllClose(model.predict(x), expected, { rtol: 1e-5, atol: 1e-6 }, `predictions over ${rows} rows`);
        }
      });
    }
  }

  it('leaky-relu with slope 0 has the gradient of relu', () => {
    const model = mlp({ layers: [3, 8, 1], activation: 'leaky-relu', output: 'linear', seed: 2, leakySlope: 0 });
    const x = normalRows(20, 3, 4); const y = labels('linear', 20, 1, 5);
    const grad = new Float32Array(model.params.length);
    model.lossAndGrad(model.params, { x: Float32Array.from(x.flat()), y: Float32Array.from(y.flat()), size: 20 }, grad, 1);
    const ref = referenceLossAndGrad({ ...model.spec, activation: 'relu' }, model.params, x, y);
    assertAllClose(grad, ref.grad, { rtol: 1e-4, atol: 1e-5 }, 'gradient');
  });

  it('predict works in chunks for more than 256 rows and matches a row-by-row forward', () => {
    const model = mlp({ layers: [2, 3, 2], activation: 'tanh', output: 'softmax', seed: 1 });
    const x = normalRows(600, 2, 9);
    const all = model.predict(x);
    assert.equal(all.length, 1200);
    const some = [0, 255, 256, 511, 599].flatMap((r) => Array.from(model.predict([x[r]!])));
    assert.deepEqual(Array.from(some), [0, 255, 256, 511, 599].flatMap((r) => [all[2 * r]!, all[2 * r + 1]!]));
  });
});
