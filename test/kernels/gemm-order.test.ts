// The WASM gemm's arithmetic, pinned bit for bit: every element is its bias, then one multiply-add per p in order, then the activation, whatever path of the kernel (4-row tiles, the last columns, single rows) computes it.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { instantiate, loadKernels } from '../../src/kernels/wasm/wasm-module.js';

const plain = loadKernels({ relaxed: false });
const f = Math.fround;
const SLOPE = f(0.1);

/**
 * C as the plain SIMD build must compute it: float32 products and sums in p order, then the
 * activation. One column with rows of A contiguous (`dotRow`) is the exception: two 4-lane sums
 * over blocks of 8, their lanes added pairwise onto the bias, then the tail in order.
 */
function reference(M: number, N: number, K: number, a: (i: number, p: number) => number, b: Float32Array, bias: Float32Array | null, act: number, dotRow: boolean): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = bias ? bias[j]! : 0;
      if (dotRow) {
        const lanes = [0, 0, 0, 0, 0, 0, 0, 0]; let p = 0;
        for (; p + 8 <= K; p += 8) for (let l = 0; l < 8; l++) lanes[l] = f(lanes[l]! + f(a(i, p + l) * b[p + l]!));
        const v = [0, 1, 2, 3].map((l) => f(lanes[l]! + lanes[l + 4]!));
        s = f(s + f(f(v[0]! + v[1]!) + f(v[2]! + v[3]!)));
        for (; p < K; p++) s = f(s + f(a(i, p) * b[p]!));
      } else {
        for (let p = 0; p < K; p++) s = f(s + f(a(i, p) * b[p * N + j]!));
      }
      c[i * N + j] = act === 1 ? Math.max(s, 0) : act === 2 && s < 0 ? f(s * SLOPE) : s;
    }
  }
  return c;
}

describe('WASM gemm: the order of its operations', { skip: plain ? false : 'WASM kernels not built' }, () => {
  it('every element of the plain SIMD build equals its bias plus products summed in order (rows 1-13, columns 1-37, A plain and transposed)', () => {
    const { memory, exports: k } = instantiate(plain!, 64);
    const heap = new Float32Array(memory.buffer);
    const rng = new Rng(11);
    const A = 65536; const B = A + 4 * 20000; const C = B + 4 * 20000; const BIAS = C + 4 * 20000; const PACK = BIAS + 4096;
    let shapes = 0;
    for (let M = 1; M <= 13; M++) {
      for (const N of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 20, 24, 31, 33, 37]) {
        for (const K of [1, 2, 7, 33]) {
          for (const transposed of [false, true]) {
            const act = (M + N + K) % 3; const withBias = (M + K) % 2 === 0;
            for (let i = A >> 2; i < PACK >> 2; i++) heap[i] = rng.next() * 4 - 2;
            const aRs = transposed ? 1 : K; const aCs = transposed ? M : 1;
            const aAt = (i: number, p: number): number => heap[(A >> 2) + i * aRs + p * aCs]!;
            const b = heap.slice(B >> 2, (B >> 2) + K * N); const bias = withBias ? heap.slice(BIAS >> 2, (BIAS >> 2) + N) : null;
            const after = heap[(C >> 2) + M * N]!;
            k.gemm(M, N, K, A, aRs, aCs, B, N, C, N, withBias ? BIAS : 0, act, SLOPE, PACK);
            const want = reference(M, N, K, aAt, b, bias, act, N === 1 && aCs === 1);
            const got = heap.subarray(C >> 2, (C >> 2) + M * N);
            for (let e = 0; e < M * N; e++) {
              if (!Object.is(got[e], want[e])) assert.fail(`gemm ${M}x${N}x${K}${transposed ? ' (A transposed)' : ''} act ${act}: element ${e} is ${got[e]}, expected ${want[e]}`);
            }
            assert.equal(heap[(C >> 2) + M * N], after, `gemm ${M}x${N}x${K} wrote past the end of C`);
            shapes++;
          }
        }
      }
    }
    assert.equal(shapes, 13 * 21 * 4 * 2);
  });

  it('rows from 64 on (B packed into panels) give the same bits as the same rows computed alone', () => {
    const { memory, exports: k } = instantiate(plain!, 128);
    const heap = new Float32Array(memory.buffer);
    const rng = new Rng(12);
    const M = 70; const N = 21; const K = 19;
    const A = 65536; const B = A + 4 * M * K + 256; const C1 = B + 4 * K * N + 256; const C2 = C1 + 4 * M * N + 256; const BIAS = C2 + 4 * M * N + 256; const PACK = BIAS + 4096;
    for (let i = A >> 2; i < PACK >> 2; i++) heap[i] = rng.next() * 2 - 1;
    k.gemm(M, N, K, A, K, 1, B, N, C1, N, BIAS, 1, 0, PACK);
    for (let i = 0; i < M; i++) k.gemm(1, N, K, A + 4 * i * K, K, 1, B, N, C2 + 4 * i * N, N, BIAS, 1, 0, 0);
    const one = new Uint32Array(memory.buffer, C1, M * N); const rows = new Uint32Array(memory.buffer, C2, M * N);
    assert.deepEqual([...one], [...rows]);
  });
});
