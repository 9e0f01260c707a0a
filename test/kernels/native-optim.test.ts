// The native fused SGD update gives the same bits as the library's SGD optimizer, for every mode, on 1 and 2 threads.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { loadNative } from '../../src/platform/node/native-loader.js';
import { sgd, type SgdOptions } from '../../src/optim/sgd.js';
import { createBackend } from '../../src/kernels/select.js';
import { NativeSgdUpdates } from '../../src/kernels/wasm/fused-updates.js';
import { homeOf } from '../../src/kernels/wasm/wasm-arena.js';
import { softmaxRegression } from '../../src/nn/models.js';
import { fit } from '../../src/train/fit.js';
import { multiclassProblem } from '../helpers/problems.js';

const status = loadNative({ env: {} });
const skip = status.ok ? false : `native addon not built: ${status.reason}`;
if (skip) console.log(`# native optimizer tests skipped: ${skip}`);

function rand(len: number, rng: Rng, scale = 1): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = (rng.next() * 2 - 1) * scale;
  return a;
}

describe('native fused SGD update', { skip }, () => {
  const kr = status.ok ? status.kernels : null;
  const threads0 = kr?.info().threads ?? 1;
  after(() => { kr?.setThreads(threads0); });

  const cases: SgdOptions[] = [
    { learningRate: 0.1 },
    { learningRate: 0.05, weightDecay: 1e-3 },
    { learningRate: 0.01, momentum: 0.9 },
    { learningRate: 0.01, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4 },
    { learningRate: 0.02, momentum: 0.8, nesterov: true, weightDecay: 1e-2 },
  ];
  for (const o of cases) {
    it(`matches sgd(${JSON.stringify(o)}) bit for bit over 4 steps, on 1 and 2 threads`, () => {
      const n = 200_003; const rng = new Rng(9);
      const p0 = rand(n, rng); const grads = [0, 1, 2, 3].map(() => rand(n, rng, 0.5));
      const ref = p0.slice(); const opt = sgd(o);
      for (const g of grads) opt.step(ref, g);
      for (const threads of [1, 2]) {
        kr!.setThreads(threads);
        const p = p0.slice(); const b = new Float32Array(n);
        const mu = o.momentum ?? 0; const wd = o.weightDecay ?? 0; const keep = 1 - (o.dampening ?? 0);
        grads.forEach((g, s) => {
          const mode = mu === 0 ? (wd === 0 ? 0 : 1) : s === 0 ? (o.nesterov ? 3 : 2) : o.nesterov ? 4 : 5;
          kr!.sgdUpdate(n, p, 0, g, 0, mu === 0 ? null : b, 0, o.learningRate as number, mu, keep, wd, mode);
        });
        assert.deepEqual(p, ref, `threads ${threads}`);
      }
    });
  }

  it('a model whose large layer is native trains with native SGD on its memory to the bits of the WASM update', async () => {
    const data = multiclassProblem(300, 700, 7, 3);
    const bits: Float32Array[] = [];
    for (const nativeSgd of [true, false]) {
      const model = softmaxRegression({ inputs: 700, classes: 7, seed: 5, backend: createBackend('auto', { threads: 1 }) });
      const arena = homeOf(model.params)!;
      assert.ok(arena.updates(model.params.length) instanceof NativeSgdUpdates, 'a native layer brings native SGD');
      if (!nativeSgd) (arena as unknown as { nativeUpdates: null }).nativeUpdates = null;
      await fit(model, data, { batchSize: 32, epochs: 2, optimizer: sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), seed: 2 });
      bits.push(model.params.slice());
      model.dispose();
    }
    assert.deepEqual(bits[0], bits[1]);
  });

  it('refuses a momentum mode without a buffer, and a buffer that is too short', () => {
    const p = new Float32Array(8); const g = new Float32Array(8);
    assert.throws(() => kr!.sgdUpdate(8, p, 0, g, 0, null, 0, 0.1, 0.9, 1, 0, 5), /need the momentum buffer/);
    assert.throws(() => kr!.sgdUpdate(8, p, 0, g, 0, new Float32Array(4), 0, 0.1, 0.9, 1, 0, 5), RangeError);
  });
});
