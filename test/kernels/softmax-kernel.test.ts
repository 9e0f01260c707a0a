// The WASM softmax cross-entropy kernel against the float64 JavaScript loss: odd widths, extreme logits, NaN, and a model's two loss paths agreeing.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { BatchBuffer } from '../../src/data/batch.js';
import { createBackend } from '../../src/kernels/select.js';
import { WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { accumulateLoss, STAT, STAT_SIZE } from '../../src/nn/losses.js';
import { mlp } from '../../src/nn/models.js';
import { multiclassProblem } from '../helpers/problems.js';

const kernels = loadKernels();

function run(arena: WasmArena, m: number, n: number, z: Float32Array, y: Float32Array, scale: number): { loss: number; correct: number; d: Float32Array } {
  const Z = arena.allocView(m * n); Z.set(z); const Y = arena.allocView(m); Y.set(y);
  const D = arena.allocView(m * n); const W = arena.allocView(n); const O = arena.allocView(4);
  const out = new Float64Array(O.buffer, O.byteOffset, 2);
  arena.raw.softmaxXent(m, n, Z.byteOffset, Y.byteOffset, D.byteOffset, scale, W.byteOffset, O.byteOffset);
  return { loss: out[0]!, correct: out[1]!, d: D };
}

describe('softmaxXent kernel', { skip: kernels ? false : 'WASM kernels not built' }, () => {
  it('matches the float64 loss, accuracy and gradient on widths 1..17 and 1023, logits up to +-80', () => {
    const arena = new WasmArena(kernels!); const rng = new Rng(21);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 1023]) {
      for (const spread of [1, 10, 80]) {
        const m = 7; const z = new Float32Array(m * n); const y = new Float32Array(m);
        for (let i = 0; i < z.length; i++) z[i] = (rng.next() * 2 - 1) * spread;
        for (let i = 0; i < m; i++) y[i] = rng.int(n);
        const got = run(arena, m, n, z, y, 1 / m);
        const st = new Float64Array(STAT_SIZE); const d = new Float32Array(m * n);
        accumulateLoss('softmax', m, n, z, y, d, false, st);
        const tol = 2e-6 * (1 + Math.abs(st[STAT.loss]!)) + 1e-6 * spread;
        assert.ok(Math.abs(got.loss - st[STAT.loss]!) <= tol, `n=${n} spread ${spread}: loss ${got.loss} vs ${st[STAT.loss]}`);
        assert.equal(got.correct, st[STAT.correct], `n=${n}: correct count`);
        for (let i = 0; i < m * n; i++) {
          if (!(Math.abs(got.d[i]! - d[i]!) <= 1e-6 * (1 + Math.abs(d[i]!)))) assert.fail(`n=${n} spread ${spread}: gradient ${i} is ${got.d[i]}, reference ${d[i]}`);
        }
      }
    }
  });

  it('a NaN or infinite logit makes the loss NaN (so divergence is detected)', () => {
    const arena = new WasmArena(kernels!);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 3, 6]) {
        const z = new Float32Array([0.5, -1, 2, 0.1, 0, 1, -2]); z[at] = bad;
        const { loss } = run(arena, 1, 7, z, new Float32Array([1]), 1);
        if (bad === -Infinity && at !== 1) { assert.ok(Number.isFinite(loss), `-inf at ${at} is only a zero probability`); continue; }
        assert.ok(!Number.isFinite(loss), `${bad} at ${at} gives ${loss}`);
      }
    }
  });

  it("a WASM model's training loss and evaluation loss are the same computation", () => {
    const data = multiclassProblem(90, 12, 5, 8);
    const model = mlp({ layers: [12, 16, 5], output: 'softmax', seed: 6, backend: createBackend('wasm') });
    const batch = new BatchBuffer(data, 90).gather(Uint32Array.from({ length: 90 }, (_, i) => i), 0, 90);
    const train = new Float64Array(STAT_SIZE); const evalStats = new Float64Array(STAT_SIZE);
    model.accumulateGrad(model.params, batch, model.gradientBuffer(), true, train);
    const loss = model.lossOnly(model.params, batch, evalStats);
    assert.equal(loss, train[STAT.loss]);
    assert.deepEqual(Array.from(evalStats), Array.from(train));
  });
});
