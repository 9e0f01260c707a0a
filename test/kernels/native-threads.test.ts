// The native kernels give the same bits on 1, 2 and 4 threads, work in place on SharedArrayBuffer and shared WebAssembly.Memory views, and the loader reports why it did not load.
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { loadNative } from '../../src/platform/node/native-loader.js';
import type { NativeKernels } from '../../src/kernels/native/native-kernels.js';

const status = loadNative({ env: {} });
const skip = status.ok ? false : `native addon not built: ${status.reason}`;
if (skip) console.log(`# native thread and memory tests skipped: ${skip}`);

function fill(a: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

/** Forward (relu), input gradient and parameter gradients of one layer; every output concatenated. */
function layer(kr: NativeKernels, m: number, k: number, n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const A = fill(new Float32Array(m * k), rng); const P = fill(new Float32Array(k * n + n), rng); const dY = fill(new Float32Array(m * n), rng);
  const out = new Float32Array(m * n + m * k + k * n + n);
  kr.denseForward(m, k, n, A, 0, P, 0, k * n, out, 0, 1, 0);
  kr.denseBackwardInput(m, k, n, dY, 0, P, 0, out, m * n);
  kr.denseBackwardParams(m, k, n, A, 0, dY, 0, out, m * n + m * k, m * n + m * k + k * n);
  return out;
}

describe('native kernels: threads and shared memory', { skip }, () => {
  const kr = status.ok ? status.kernels : null;
  const threads0 = kr?.info().threads ?? 1;
  after(() => { kr?.setThreads(threads0); kr?.setIsa('auto'); });

  for (const isa of ['avx512', 'avx2', 'portable'] as const) {
    it(`${isa}: bit-identical on 1, 2 and 4 threads (row and column splits), and the large calls were split`, (t) => {
      if (!kr!.info().supported.includes(isa)) { t.skip(`this CPU cannot run the ${isa} path`); return; }
      kr!.setIsa(isa);
      const shapes = [[1024, 784, 128], [129, 784, 128], [33, 300, 1000], [7, 2000, 130], [32, 784, 10]] as const;
      const runs = [1, 2, 4].map((threads) => {
        kr!.setThreads(threads);
        const before = kr!.info().splitCalls;
        const outs = shapes.map(([m, k, n], i) => layer(kr!, m, k, n, 11 + i));
        return { outs, split: kr!.info().splitCalls - before };
      });
      assert.equal(runs[0]!.split, 0, 'one thread never splits');
      assert.ok(runs[1]!.split >= 8 && runs[2]!.split >= 8, `split calls: ${runs.map((r) => r.split).join(', ')}`);
      for (const r of runs.slice(1)) for (let s = 0; s < shapes.length; s++) assert.deepEqual(r.outs[s], runs[0]!.outs[s], `shape ${shapes[s]!.join('x')}`);
    });
  }

  it('read and write Float32Arrays over a SharedArrayBuffer and a shared WebAssembly.Memory in place, at a byte offset', () => {
    const m = 37; const k = 300; const n = 65; const rng = new Rng(3);
    const A = fill(new Float32Array(m * k), rng); const P = fill(new Float32Array(k * n + n), rng); const dY = fill(new Float32Array(m * n), rng);
    const ref = { C: new Float32Array(m * n), X: new Float32Array(m * k), G: new Float32Array(k * n + n) };
    kr!.denseForward(m, k, n, A, 0, P, 0, k * n, ref.C, 0);
    kr!.denseBackwardInput(m, k, n, dY, 0, P, 0, ref.X, 0);
    kr!.denseBackwardParams(m, k, n, A, 0, dY, 0, ref.G, 0, k * n);
    const floats = A.length + P.length + dY.length + ref.C.length + ref.X.length + ref.G.length + 16;
    const buffers: [string, ArrayBufferLike][] = [
      ['SharedArrayBuffer', new SharedArrayBuffer(4 * floats)],
      ['WebAssembly.Memory', new WebAssembly.Memory({ initial: Math.ceil((4 * floats) / 65536), maximum: 64, shared: true }).buffer],
    ];
    for (const [label, buf] of buffers) {
      assert.ok(buf instanceof SharedArrayBuffer, `${label} is shared`);
      let at = 12; // a byte offset that is not 64-byte aligned
      const view = (len: number): Float32Array => { const v = new Float32Array(buf, at, len); at += 4 * len; return v; };
      const a = view(A.length); a.set(A); const p = view(P.length); p.set(P); const d = view(dY.length); d.set(dY);
      const C = view(m * n); const X = view(m * k); const G = view(k * n + n);
      kr!.denseForward(m, k, n, a, 0, p, 0, k * n, C, 0);
      kr!.denseBackwardInput(m, k, n, d, 0, p, 0, X, 0);
      kr!.denseBackwardParams(m, k, n, a, 0, d, 0, G, 0, k * n);
      assert.deepEqual(C, ref.C, `${label} forward`); assert.deepEqual(X, ref.X, `${label} input gradient`); assert.deepEqual(G, ref.G, `${label} parameter gradient`);
      // Offsets into one big view address the same floats as the separate views.
      const all = new Float32Array(buf, 12, (at - 12) / 4); const C2 = new Float32Array(m * n);
      kr!.denseForward(m, k, n, all, 0, all, A.length, A.length + k * n, C2, 0);
      assert.deepEqual(C2, ref.C, `${label} forward through offsets`);
    }
  });

  it('load in a worker thread too, with a pool of its own (1 thread there by default) and the same bits', async () => {
    const loader = new URL('../../src/platform/node/native-loader.js', import.meta.url).href;
    const code = `const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(loader)}).then(({ loadNative }) => {
        const st = loadNative({ env: {} });
        const A = Float32Array.from({ length: 40 * 300 }, (_, i) => Math.sin(i)); const P = Float32Array.from({ length: 300 * 50 + 50 }, (_, i) => Math.cos(i));
        const C = new Float32Array(40 * 50); st.kernels.denseForward(40, 300, 50, A, 0, P, 0, 300 * 50, C, 0);
        parentPort.postMessage({ threads: st.kernels.info().threads, C });
      });`;
    const got = await new Promise<{ threads: number; C: Float32Array }>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (m: { threads: number; C: Float32Array }) => { void w.terminate(); resolve(m); });
      w.once('error', reject);
    });
    const A = Float32Array.from({ length: 40 * 300 }, (_, i) => Math.sin(i)); const P = Float32Array.from({ length: 300 * 50 + 50 }, (_, i) => Math.cos(i));
    kr!.setIsa('auto'); // the worker runs the best path, as a fresh load does
    const C = new Float32Array(40 * 50); kr!.denseForward(40, 300, 50, A, 0, P, 0, 300 * 50, C, 0);
    assert.equal(got.threads, 1);
    assert.deepEqual(got.C, C);
  });

  it('loader: MINIBATCH_BACKEND=wasm switches the native kernels off, and a missing file or bad setting is reported', () => {
    const off = loadNative({ env: { MINIBATCH_BACKEND: 'wasm' } });
    assert.ok(!off.ok && /MINIBATCH_BACKEND=wasm/.test(off.reason));
    const missing = loadNative({ env: {}, path: '/nonexistent/minibatch_native.node' });
    assert.ok(!missing.ok && /not built/.test(missing.reason), JSON.stringify(missing));
    assert.throws(() => loadNative({ env: { MINIBATCH_NATIVE_ISA: 'sse9' } }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_ARGUMENT' && /got 'sse9'/.test(e.message));
    const forced = loadNative({ env: { MINIBATCH_NATIVE_ISA: 'portable', MINIBATCH_THREADS: '2' } });
    assert.ok(forced.ok);
    assert.deepEqual([forced.kernels.info().isa, forced.kernels.info().threads], ['portable', 2]);
  });
});
