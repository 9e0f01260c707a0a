// Kernel calls split over two threads: the same bits as one call, on odd shapes, and a model trained on two threads equals one trained on one.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { createBackend } from '../../src/kernels/select.js';
import { KernelThreads } from '../../src/kernels/wasm/kernel-threads.js';
import { SplitKernels } from '../../src/kernels/wasm/split-kernels.js';
import { WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { bitEqual } from '../helpers/assert-close.js';
import { multiclassProblem } from '../helpers/problems.js';

const kernels = loadKernels();

/** A block of n random floats in [-1, 1) in the arena; returns its byte offset. */
function block(arena: WasmArena, n: number, rng: Rng): number {
  const v = arena.allocView(n);
  for (let i = 0; i < n; i++) v[i] = rng.next() * 2 - 1;
  return v.byteOffset;
}

describe('SplitKernels (two threads)', { skip: kernels ? false : 'WASM kernels not built' }, () => {
  let pool: KernelThreads;
  before(async () => {
    pool = KernelThreads.shared(2);
    assert.ok(await pool.whenReady(), 'the kernel worker starts');
  });

  it('gemm equals the single-thread call bit for bit, split by columns and by rows, odd shapes', () => {
    const arena = new WasmArena(kernels!, 2); const raw = arena.raw; const split = arena.kernels;
    assert.ok(split instanceof SplitKernels);
    const rng = new Rng(11);
    // [M, N, K]: wide (column cuts at multiples of 8, ragged tail), narrow (row cuts), N = 1 (dot-product path).
    for (const [M, N, K] of [[33, 139, 61], [17, 1023, 9], [1001, 10, 17], [1023, 1, 131], [5, 16, 4099], [130, 17, 67]] as const) {
      for (const [act, bias, pack] of [[0, false, false], [1, true, true], [2, true, false]] as const) {
        const A = block(arena, M * K, rng); const B = block(arena, K * N, rng); const bi = bias ? block(arena, N, rng) : 0;
        const C1 = arena.allocView(M * N); const C2 = arena.allocView(M * N);
        const p1 = pack ? arena.alloc(Math.max(M, K) * 8) : 0; const p2 = pack ? arena.alloc(Math.max(M, K) * 8) : 0;
        const before = pool.started;
        raw.gemm(M, N, K, A, K, 1, B, N, C1.byteOffset, N, bi, act, 0.1, p1);
        split.gemm(M, N, K, A, K, 1, B, N, C2.byteOffset, N, bi, act, 0.1, p2);
        assert.ok(pool.started > before, `${M}x${N}x${K} was split`);
        assert.ok(bitEqual(C1, C2), `gemm ${M}x${N}x${K} act ${act}: split result differs`);
        // The transposed-A form the weight gradient uses: C[K', N] = A^T B with A [M, K'].
        const T1 = arena.allocView(K * N); const T2 = arena.allocView(K * N); const D = block(arena, M * N, rng);
        raw.gemm(K, N, M, A, 1, K, D, N, T1.byteOffset, N, 0, 0, 0, p1);
        split.gemm(K, N, M, A, 1, K, D, N, T2.byteOffset, N, 0, 0, 0, p2);
        assert.ok(bitEqual(T1, T2), `gemm A^T ${K}x${N}x${M}: split result differs`);
      }
    }
  });

  it('gemmNT, actBackward and the optimizer updates equal the single-thread calls', () => {
    const arena = new WasmArena(kernels!, 2); const raw = arena.raw; const split = arena.kernels; const rng = new Rng(12);
    for (const [M, P, N] of [[301, 77, 33], [1023, 9, 17]] as const) {
      const A = block(arena, M * N, rng); const B = block(arena, P * N, rng);
      const C1 = arena.allocView(M * P); const C2 = arena.allocView(M * P);
      const before = pool.started;
      raw.gemmNT(M, P, N, A, B, C1.byteOffset); split.gemmNT(M, P, N, A, B, C2.byteOffset);
      assert.ok(pool.started > before, `gemmNT ${M}x${P}x${N} was split`);
      assert.ok(bitEqual(C1, C2), `gemmNT ${M}x${P}x${N}`);
    }
    const n = 100003;
    const A = block(arena, n, rng); const D1 = arena.allocView(n); const src = arena.allocView(n);
    for (let i = 0; i < n; i++) src[i] = rng.next() - 0.5;
    D1.set(src); const D2 = arena.allocView(n); D2.set(src);
    const beforeAct = pool.started;
    raw.actBackward(2, A, D1.byteOffset, n, 0.01); split.actBackward(2, A, D2.byteOffset, n, 0.01);
    assert.ok(pool.started > beforeAct, 'actBackward was split');
    assert.ok(bitEqual(D1, D2), 'actBackward');
    const state = (): Float32Array[] => [0, 1, 2, 3, 4].map(() => { const v = arena.allocView(n); v.set(src); return v; });
    const [p1, g1, m1, v1, b1] = state(); const [p2, g2, m2, v2, b2] = state();
    for (let i = 0; i < n; i++) { v1![i] = Math.abs(v1![i]!); v2![i] = v1![i]!; }
    const started = pool.started;
    raw.sgdUpdate(n, p1!.byteOffset, g1!.byteOffset, b1!.byteOffset, 0.1, 0.9, 1, 1e-4, 4);
    split.sgdUpdate(n, p2!.byteOffset, g2!.byteOffset, b2!.byteOffset, 0.1, 0.9, 1, 1e-4, 4);
    raw.adamUpdate(n, p1!.byteOffset, g1!.byteOffset, m1!.byteOffset, v1!.byteOffset, 0.9, 0.1, 0.999, 0.001, 0.01, 0.3, 1e-8, 0, 1);
    split.adamUpdate(n, p2!.byteOffset, g2!.byteOffset, m2!.byteOffset, v2!.byteOffset, 0.9, 0.1, 0.999, 0.001, 0.01, 0.3, 1e-8, 0, 1);
    raw.rmspropUpdate(n, p1!.byteOffset, g1!.byteOffset, v1!.byteOffset, m1!.byteOffset, b1!.byteOffset, 0.99, 0.01, 1e-8, 0.9, 0.01, 0, 1, 1);
    split.rmspropUpdate(n, p2!.byteOffset, g2!.byteOffset, v2!.byteOffset, m2!.byteOffset, b2!.byteOffset, 0.99, 0.01, 1e-8, 0.9, 0.01, 0, 1, 1);
    assert.ok(pool.started - started >= 3, 'each update was split over the two threads');
    for (const [x, y, what] of [[p1, p2, 'params'], [m1, m2, 'm'], [v1, v2, 'v'], [b1, b2, 'momentum']] as const) assert.ok(bitEqual(x!, y!), what);
  });

  for (const [name, opt] of [['SGD momentum', () => sgd({ learningRate: 0.05, momentum: 0.9 })], ['Adam', () => adam({ learningRate: 1e-3 })]] as const) {
    it(`a 300-96-10 MLP trained with ${name} on two threads has the same bits as on one, and used both`, async () => {
      const data = multiclassProblem(700, 300, 10, 3);
      const run = async (threads: number): Promise<{ params: Float32Array; loss: number }> => {
        const model = mlp({ layers: [300, 96, 10], output: 'softmax', seed: 4, backend: createBackend('auto', { threads, native: false }) });
        const h = await fit(model, data, { batchSize: 256, epochs: 2, optimizer: opt(), seed: 9 });
        return { params: model.params.slice(), loss: h.records[h.records.length - 1]!.trainLoss };
      };
      const one = await run(1);
      const before = pool.started;
      const two = await run(2);
      assert.ok(pool.started - before >= 6, `kernel calls went to the second thread (${pool.started - before} parts)`);
      assert.equal(two.loss, one.loss);
      assert.ok(bitEqual(two.params, one.params), 'parameters differ between one and two threads');
    });
  }
});
