// Resident training state: parameters, gradients and batches in a model's shared WASM memory, and the same bits as the copying paths.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { BatchBuffer } from '../../src/data/batch.js';
import { createBackend } from '../../src/kernels/select.js';
import { homeOf, WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { mlp } from '../../src/nn/models.js';
import { STAT_SIZE } from '../../src/nn/losses.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { bitEqual } from '../helpers/assert-close.js';
import { multiclassProblem } from '../helpers/problems.js';

const kernels = loadKernels();

describe('resident training state', { skip: kernels ? false : 'WASM kernels not built' }, () => {
  it('views made before the memory grows keep their values and stay writable', () => {
    const arena = new WasmArena(kernels!);
    const a = arena.allocView(1000); a.fill(3);
    const big = arena.allocView(5_000_000); big[4_999_999] = 1;
    assert.ok(arena.memory.buffer.byteLength > 20_000_000);
    assert.equal(a[999], 3); a[0] = 4;
    assert.equal(arena.heap[a.byteOffset >> 2], 4, 'the old view and the grown memory are the same bytes');
  });

  it('a released block is handed out again, zeroed', () => {
    const arena = new WasmArena(kernels!);
    const a = arena.allocView(77); a.fill(9);
    arena.release(a.byteOffset, 77);
    const b = arena.allocView(77);
    assert.equal(b.byteOffset, a.byteOffset);
    assert.ok(b.every((v) => v === 0));
  });

  it('a model on the WASM backend keeps params and gradient in its memory; one gradient buffer per model', () => {
    const model = mlp({ layers: [20, 16, 3], output: 'softmax', seed: 1, backend: createBackend('auto') });
    const home = homeOf(model.params);
    assert.ok(home, 'params are a view of WASM memory');
    assert.equal(homeOf(model.gradientBuffer()), home);
    assert.equal(model.gradientBuffer(), model.gradientBuffer());
    const jsModel = mlp({ layers: [20, 16, 3], output: 'softmax', seed: 1, backend: createBackend('js') });
    assert.equal(homeOf(jsModel.params), undefined);
    assert.ok(bitEqual(jsModel.params, model.params), 'the same initial weights on either backend');
  });

  it('gathering rows inside WASM memory gives the same batch as the JavaScript copy (odd widths, repeated rows)', () => {
    for (const width of [1, 3, 5, 17, 64, 199]) { // 4-byte words only, one v128 + a word, 64-byte blocks + a word, blocks only, all three
      const data = multiclassProblem(101, width, 3, width);
      const model = mlp({ layers: [width, 32, 3], output: 'softmax', seed: 2, backend: createBackend('wasm') });
      const rows = model.rowGatherer(data, 40);
      assert.ok(rows, 'the first layer is on WASM, so the model gathers');
      const fast = new BatchBuffer(data, 40, rows); const plain = new BatchBuffer(data, 40);
      const rng = new Rng(width); const order = new Uint32Array(200);
      for (let i = 0; i < order.length; i++) order[i] = rng.int(101);
      for (const [start, count] of [[0, 40], [13, 1], [160, 40], [7, 33]] as const) {
        const a = fast.gather(order, start, count); const b = plain.gather(order, start, count);
        assert.ok(bitEqual(a.x.subarray(0, count * width), b.x.subarray(0, count * width)), `width ${width}: rows differ`);
        assert.ok(bitEqual(a.y.subarray(0, count), b.y.subarray(0, count)));
      }
    }
  });

  it('fitting the same model on the same data again and again does not grow its memory', async () => {
    const data = multiclassProblem(300, 50, 4, 9);
    const model = mlp({ layers: [50, 32, 4], output: 'softmax', seed: 5, backend: createBackend('wasm', { threads: 1 }) });
    const optimizer = sgd({ learningRate: 0.05, momentum: 0.9 });
    const bytes: number[] = [];
    for (let r = 0; r < 6; r++) {
      await fit(model, data, { batchSize: 32, epochs: 1, optimizer, seed: r });
      bytes.push(homeOf(model.params)!.memory.buffer.byteLength);
    }
    assert.equal(bytes[5], bytes[1], `memory grew across calls: ${bytes.join(', ')}`);
  });

  it('a step from resident buffers equals one from plain arrays (copied in and out), bit for bit', () => {
    const data = multiclassProblem(64, 40, 5, 4);
    const model = mlp({ layers: [40, 24, 5], output: 'softmax', seed: 3, backend: createBackend('wasm') });
    const order = Uint32Array.from({ length: 64 }, (_, i) => (i * 37) % 64);
    const resident = new BatchBuffer(data, 64, model.rowGatherer(data, 64)).gather(order, 0, 64);
    const plain = new BatchBuffer(data, 64).gather(order, 0, 64);
    const g1 = model.gradientBuffer(); const s1 = new Float64Array(STAT_SIZE);
    model.accumulateGrad(model.params, resident, g1, false, s1);
    const g2 = new Float32Array(model.params.length); const s2 = new Float64Array(STAT_SIZE);
    model.accumulateGrad(model.params.slice(), plain, g2, false, s2);
    assert.ok(bitEqual(g1, g2), 'gradients differ');
    assert.deepEqual(Array.from(s1), Array.from(s2));
  });
});
