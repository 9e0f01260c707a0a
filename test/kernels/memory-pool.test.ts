// WASM memory reuse: a disposed model's memory (and its resident feature block) goes to the next model on the thread, with the same bits as a fresh memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { optimizerKernels } from '../../src/kernels/backend.js';
import { createBackend } from '../../src/kernels/select.js';
import { homeOf } from '../../src/kernels/wasm/wasm-arena.js';
import { givePooled, takePooled, type PooledMemory } from '../../src/kernels/wasm/memory-pool.js';
import { loadKernels, type WasmKernels } from '../../src/kernels/wasm/wasm-module.js';
import { mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { fit } from '../../src/train/fit.js';
import { Evaluator } from '../../src/train/evaluate.js';
import { STAT, STAT_SIZE } from '../../src/nn/losses.js';
import { bitEqual } from '../helpers/assert-close.js';
import { multiclassProblem } from '../helpers/problems.js';

const kernels = loadKernels();
const wasm = kernels ? createBackend('wasm', { threads: 1 }) : null;
const build = (seed: number) => mlp({ layers: [12, 16, 3], output: 'softmax', seed, backend: wasm! });
const train = async (seed: number, data = multiclassProblem(300, 12, 3, 5)) => {
  const model = build(seed);
  await fit(model, data, { batchSize: 16, epochs: 2, optimizer: adam({ learningRate: 0.01 }), seed: 3 });
  return model;
};

describe('WASM memory reuse', { skip: kernels ? false : 'WASM kernels not built' }, () => {
  it('the next model reuses a disposed model\'s memory and trains to the same bits as on a fresh memory', async () => {
    const dirty = await train(9, multiclassProblem(200, 12, 3, 8)); // leaves other values all over its memory
    const fresh = await train(1); // built while `dirty` is alive: a memory of its own
    const freshWeights = fresh.params.slice(); fresh.dispose();
    const mem = homeOf(dirty.params)!.memory;
    dirty.dispose();
    const again = await train(1);
    assert.equal(homeOf(again.params)!.memory, mem, 'the disposed memory was reused');
    assert.ok(bitEqual(again.params, freshWeights), 'same weights on a reused memory as on a fresh one');
    again.dispose();
  });

  it('trials on the same data reuse one resident feature block, so the memory stops growing', async () => {
    const data = multiclassProblem(2000, 12, 3, 6);
    const sizes: number[] = []; const blocks: number[] = [];
    for (let t = 0; t < 5; t++) {
      const model = build(t + 1);
      const g = model.rowGatherer(data, 64);
      assert.ok(g, 'every layer on WASM: batches are gathered in WASM memory');
      await fit(model, data, { batchSize: 64, epochs: 1, optimizer: adam({ learningRate: 0.01 }), seed: t });
      sizes.push(homeOf(model.params)!.memory.buffer.byteLength);
      blocks.push(model.rowGatherer(data, 64)!.x.byteOffset);
      model.dispose();
    }
    assert.equal(new Set(sizes.slice(1)).size, 1, `memory sizes over trials: ${sizes.join(', ')}`);
    assert.equal(new Set(blocks.slice(1)).size, 1, `after the first trial the layout repeats (batch blocks at ${blocks.join(', ')})`);
  });

  it('training and validation features both stay resident across trials: the memory stops growing', async () => {
    const data = multiclassProblem(2000, 12, 3, 6); const val = multiclassProblem(500, 12, 3, 11);
    const sizes: number[] = []; const blocks: string[] = [];
    for (let t = 0; t < 5; t++) {
      const model = build(t + 1);
      await fit(model, data, { batchSize: 64, epochs: 1, optimizer: adam({ learningRate: 0.01 }), seed: t, validationData: val });
      const ev = new Evaluator(model, val, 128).run(model.params);
      assert.ok(Number.isFinite(ev.loss));
      sizes.push(homeOf(model.params)!.memory.buffer.byteLength);
      blocks.push(`${model.residentRows(data)!.byteOffset}/${model.residentRows(val)!.byteOffset}`);
      model.dispose();
    }
    assert.equal(new Set(sizes.slice(1)).size, 1, `memory sizes over trials: ${sizes.join(', ')}`);
    assert.equal(new Set(blocks.slice(1)).size, 1, `the two feature blocks are reused (at ${blocks.join(', ')})`);
  });

  it('evaluation from the resident copy gives the bits of batches staged from the data itself', () => {
    const val = multiclassProblem(700, 12, 3, 12);
    const model = build(4);
    assert.ok(model.residentRows(val), 'every layer on WASM: the features are copied in');
    const resident = new Evaluator(model, val, 256).run(model.params);
    const stats = new Float64Array(STAT_SIZE);
    for (let start = 0; start < val.length; start += 256) {
      const size = Math.min(256, val.length - start);
      const x = val.x.slice(start * 12, (start + size) * 12); // on the JS heap: staged into the memory by forward
      model.lossOnly(model.params, { x, y: val.y.slice(start, start + size), size }, stats);
    }
    assert.equal(resident.loss, stats[STAT.loss]! / val.length);
    model.dispose();
  });

  it('a disposed model refuses to train, and so does an optimizer whose state lived there', async () => {
    const data = multiclassProblem(100, 12, 3, 7);
    const a = build(1); const opt = adam({ learningRate: 0.01 });
    await fit(a, data, { batchSize: 10, epochs: 1, optimizer: opt, seed: 1 });
    assert.ok(optimizerKernels(a.params), 'params live in memory with fused updates');
    a.dispose(); a.dispose(); // idempotent
    assert.throws(() => a.predict(data.x.subarray(0, 12)), (e: unknown) => e instanceof MinibatchError && /disposed/.test(e.message));
    const b = build(2);
    assert.throws(() => opt.step(b.params, b.gradientBuffer()), (e: unknown) => e instanceof MinibatchError && /disposed/.test(e.message));
    opt.reset();
    opt.step(b.params, b.gradientBuffer()); // a reset optimizer starts afresh on the new model
    b.dispose();
  });

  it('dispose on the JS backend is harmless', async () => {
    const model = mlp({ layers: [12, 4, 3], output: 'softmax', seed: 1, backend: createBackend('js') });
    model.dispose();
    assert.equal(optimizerKernels(model.params), null);
    await fit(model, multiclassProblem(50, 12, 3, 2), { batchSize: 10, epochs: 1, seed: 1 });
    assert.ok(model.params.every(Number.isFinite));
  });
});

describe('the thread pool of memories', () => {
  it('hands out the most recent memory that holds resident rows, else the most recent', () => {
    const own = {} as WasmKernels; // a module of its own: no other test's memories
    const memory = (used: number, rows: boolean): PooledMemory => ({ memory: {} as WebAssembly.Memory, exports: {} as PooledMemory['exports'], used, features: rows ? [{ ptr: 65536, floats: 8 }] : [] });
    const withRows = memory(1, true); const plain = memory(2, false);
    givePooled(own, withRows); givePooled(own, plain);
    assert.equal(takePooled(own), withRows, 'the one with rows, though given back first');
    assert.equal(takePooled(own), plain);
    assert.equal(takePooled(own), null);
    const a = memory(3, false); const b = memory(4, false);
    givePooled(own, a); givePooled(own, b);
    assert.equal(takePooled(own), b, 'none with rows: the most recent');
    assert.equal(takePooled(own), a);
  });
});
