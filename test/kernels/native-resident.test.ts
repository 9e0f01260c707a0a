// Native layers in the resident runner: chosen for large layers by the modelled costs, within float32 rounding of WASM through whole fits, the same bits on any thread count.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, native loader) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/kernels/backend.js';
import { nativeKernels } from '../../src/kernels/native/native-status.js';
import { createBackend, MODELLED_COSTS, MODELLED_NATIVE_COSTS } from '../../src/kernels/select.js';
import { nativeWins } from '../../src/kernels/wasm/cost-model.js';
import type { DenseRunner } from '../../src/kernels/wasm/dense-runner.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import type { Model } from '../../src/nn/model.js';
import { sgd } from '../../src/optim/sgd.js';
import { adam } from '../../src/optim/adam.js';
import { fit } from '../../src/train/fit.js';
import { bitEqual } from '../helpers/assert-close.js';
import { multiclassProblem } from '../helpers/problems.js';

const nk = nativeKernels();
const runner = (m: Model): DenseRunner => (m as unknown as { engine: DenseRunner }).engine;

/** Largest |a - b| / (1 + |b|) over the parameters. */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

describe('native layers in the resident runner', { skip: nk ? false : 'native addon not built or switched off' }, () => {
  const data = multiclassProblem(300, 37, 5, 4);

  it('the modelled costs send large layers native and keep small ones on WASM/JS', () => {
    assert.ok(nativeWins(MODELLED_COSTS, MODELLED_NATIVE_COSTS, 32, 784, 10, true), '784-10 softmax regression');
    assert.ok(nativeWins(MODELLED_COSTS, MODELLED_NATIVE_COSTS, 32, 784, 128, true), '784-128 hidden layer');
    assert.ok(!nativeWins(MODELLED_COSTS, MODELLED_NATIVE_COSTS, 32, 10, 64, true), 'the golden 10-64-4 run stays off native');
    assert.ok(!nativeWins(MODELLED_COSTS, MODELLED_NATIVE_COSTS, 32, 128, 3, false), 'fewer than four outputs');
    const off = mlp({ layers: [37, 131, 67, 5], output: 'softmax', seed: 3, backend: createBackend('auto', { native: false }) });
    assert.ok(!runner(off).layerOnNative(0), 'native: false keeps every layer off native');
  });

  for (const [activation, optimizer] of [['relu', 'momentum'], ['tanh', 'adam']] as const) {
    it(`a whole fit of an odd 37-131-67-5 ${activation} MLP (${optimizer}, batch 17) agrees with the WASM path to float32 rounding`, async () => {
      const run = async (backend: Backend): Promise<Model> => {
        const model = mlp({ layers: [37, 131, 67, 5], activation, output: 'softmax', seed: 3, backend });
        const opt = optimizer === 'adam' ? adam({ learningRate: 0.001 }) : sgd({ learningRate: 0.05, momentum: 0.9 });
        await fit(model, data, { batchSize: 17, epochs: 3, optimizer: opt, validationSplit: 0.2, seed: 8 });
        return model;
      };
      const nat = await run(createBackend('auto'));
      const wasm = await run(createBackend('auto', { native: false }));
      assert.ok(runner(nat).layerOnNative(0) && runner(nat).layerOnNative(1), 'the 37-131 and 131-67 layers run native');
      assert.ok(!runner(nat).layerOnNative(2), 'the 67-5 layer stays on WASM');
      assert.ok(!runner(wasm).layerOnNative(0));
      const d = maxRelDiff(nat.params, wasm.params);
      assert.ok(d < 2e-4, `native and WASM weights differ by ${d} after 3 epochs`);
      assert.ok(!bitEqual(nat.params, wasm.params), 'the native path really ran (float32 rounding differs)');
    });
  }

  it('a softmax regression on native gives the same bits on 1, 2 and 3 native threads', async () => {
    const big = multiclassProblem(600, 301, 7, 9);
    const before = nk!.info().threads;
    const bits: Float32Array[] = [];
    try {
      for (const t of [1, 2, 3]) {
        nk!.setThreads(t);
        const model = softmaxRegression({ inputs: 301, classes: 7, seed: 5, backend: createBackend('auto') });
        assert.ok(runner(model).layerOnNative(0));
        await fit(model, big, { batchSize: 600, epochs: 4, optimizer: sgd({ learningRate: 0.1 }), seed: 2 });
        bits.push(Float32Array.from(model.params));
      }
    } finally { nk!.setThreads(before); }
    assert.ok(bitEqual(bits[0]!, bits[1]!) && bitEqual(bits[0]!, bits[2]!), 'thread counts gave different bits');
  });
});
