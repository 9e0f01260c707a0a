// Differential tests: the native kernels equal the JS reference to float32 rounding on odd shapes, on every ISA path this CPU can run.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { ACT, type ActCode } from '../../src/kernels/backend.js';
import { JsBackend } from '../../src/kernels/js/js-backend.js';
import { NativeBackend } from '../../src/kernels/native/native-backend.js';
import type { NativeIsa } from '../../src/kernels/native/native-addon.js';
import { loadNative } from '../../src/platform/node/native-loader.js';

const js = new JsBackend();
const status = loadNative({ env: {} });
const skip = status.ok ? false : `native addon not built: ${status.reason}`;
if (skip) console.log(`# native kernels tests skipped: ${skip}`);
const ALL_ISAS: NativeIsa[] = ['avx512', 'avx2', 'portable'];

function rand(len: number, rng: Rng): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

/** |a - b| <= tol (1 + |b|) elementwise, tol growing with the number of summed terms. */
function close(a: Float32Array, b: Float32Array, terms: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  const tol = 4e-7 * (terms + 2);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= tol * (1 + Math.abs(b[i]!)))) assert.fail(`${what}: element ${i} is ${a[i]}, reference ${b[i]} (tolerance ${tol})`);
  }
}

/** The three dense kernels through the Backend interface against the JS reference, for one shape. */
function compareShape(be: NativeBackend, m: number, k: number, n: number, rng: Rng): void {
  const tag = `${be.name} m=${m} k=${k} n=${n}`;
  const A = rand(m * k, rng); const dY = rand(m * n, rng);
  const pad = 3; const P = rand(pad + k * n + n, rng); const wOff = pad; const bOff = pad + k * n;
  const C1 = new Float32Array(m * n); const C2 = new Float32Array(m * n);
  be.denseForward(m, k, n, A, P, wOff, bOff, C1); js.denseForward(m, k, n, A, P, wOff, bOff, C2);
  close(C1, C2, k, `${tag} forward`);
  const X1 = new Float32Array(m * k); const X2 = new Float32Array(m * k);
  be.denseBackwardInput(m, k, n, dY, P, wOff, X1); js.denseBackwardInput(m, k, n, dY, P, wOff, X2);
  close(X1, X2, n, `${tag} backward input`);
  const G1 = new Float32Array(P.length).fill(7); const G2 = new Float32Array(P.length).fill(7);
  be.denseBackwardParams(m, k, n, A, dY, G1, wOff, bOff); js.denseBackwardParams(m, k, n, A, dY, G2, wOff, bOff);
  close(G1, G2, m, `${tag} backward params`);
}

describe('native kernels against the JS reference', { skip }, () => {
  const kernels = status.ok ? status.kernels : null;
  const supported = kernels?.info().supported ?? [];
  after(() => { kernels?.setIsa('auto'); });

  it('report the ISA in use, the best this CPU supports by default, and refuse an unsupported one', () => {
    const info = kernels!.info();
    assert.equal(info.isa, info.supported[0]);
    assert.ok(info.supported.includes('portable'));
    assert.ok(info.threads >= 1);
    for (const isa of ALL_ISAS.filter((i) => !supported.includes(i))) assert.throws(() => kernels!.setIsa(isa), /not supported/);
  });

  for (const isa of ALL_ISAS) {
    const why = supported.includes(isa) ? false : `this CPU cannot run the ${isa} path (it supports ${supported.join(', ')})`;
    if (status.ok && why) console.log(`# native ${isa} tests skipped: ${why}`);
    describe(`${isa} path`, { skip: why }, () => {
      it('dense forward, input gradient and parameter gradient for every m, k, n in 0..11', () => {
        assert.equal(kernels!.setIsa(isa), isa);
        const be = new NativeBackend(kernels!); const rng = new Rng(4);
        assert.equal(be.name, `native-${isa}`);
        for (let m = 0; m <= 11; m++) for (let k = 0; k <= 11; k++) for (let n = 0; n <= 11; n++) compareShape(be, m, k, n, rng);
      });

      it('odd and large shapes: 1x1x1, 3x5x7, 17x33x65, 129x784x128, m = 1, k and n off the vector width, k past the K block', () => {
        assert.equal(kernels!.setIsa(isa), isa);
        const be = new NativeBackend(kernels!); const rng = new Rng(5);
        const shapes = [[1, 1, 1], [3, 5, 7], [17, 33, 65], [129, 784, 128], [1, 784, 128], [1, 1023, 1], [32, 784, 10],
          [7, 31, 33], [100, 17, 15], [13, 600, 47], [200, 9, 300], [1023, 5, 3]] as const;
        for (const [m, k, n] of shapes) compareShape(be, m, k, n, rng);
      });

      it('a product of at most one register panel of columns (A read in place) gives the bits of the same columns of a wide one (A packed)', () => {
        kernels!.setIsa(isa);
        const rng = new Rng(8);
        for (const [m, k, n] of [[1, 784, 10], [37, 300, 7], [512, 784, 10], [100, 600, 16]] as const) {
          const wide = n + 40; const A = rand(m * k, rng); const W = rand(k * wide + wide, rng);
          const Wn = new Float32Array(k * n + n);
          for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Wn[p * n + j] = W[p * wide + j]!;
          for (let j = 0; j < n; j++) Wn[k * n + j] = W[k * wide + j]!;
          const Cw = new Float32Array(m * wide); const Cn = new Float32Array(m * n);
          kernels!.denseForward(m, k, wide, A, 0, W, 0, k * wide, Cw, 0);
          kernels!.denseForward(m, k, n, A, 0, Wn, 0, k * n, Cn, 0);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            if (!Object.is(Cn[i * n + j], Cw[i * wide + j])) assert.fail(`forward m=${m} k=${k} n=${n}: [${i}, ${j}] ${Cn[i * n + j]} vs ${Cw[i * wide + j]}`);
          }
          // The weight gradient's shape (A transposed, K = the batch): X^T dY with n and n + 40 columns.
          const dW = rand(m * wide, rng); const dN = new Float32Array(m * n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dN[i * n + j] = dW[i * wide + j]!;
          const Gw = new Float32Array(k * wide + wide); const Gn = new Float32Array(k * n + n);
          kernels!.denseBackwardParams(m, k, wide, A, 0, dW, 0, Gw, 0, k * wide);
          kernels!.denseBackwardParams(m, k, n, A, 0, dN, 0, Gn, 0, k * n);
          for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) {
            if (!Object.is(Gn[p * n + j], Gw[p * wide + j])) assert.fail(`weight gradient m=${m} k=${k} n=${n}: [${p}, ${j}]`);
          }
        }
      });

      it('the fused relu epilogue equals a linear product then relu exactly; leaky relu to rounding (its slope is float32)', () => {
        kernels!.setIsa(isa);
        const rng = new Rng(6);
        for (const [m, k, n] of [[5, 9, 37], [70, 300, 20]] as const) {
          const A = rand(m * k, rng); const P = rand(k * n + n, rng);
          for (const [act, slope] of [[ACT.relu, 0], [ACT.leakyRelu, 0.01]] as const) {
            const fused = new Float32Array(m * n); const plain = new Float32Array(m * n);
            kernels!.denseForward(m, k, n, A, 0, P, 0, k * n, fused, 0, act, slope);
            kernels!.denseForward(m, k, n, A, 0, P, 0, k * n, plain, 0);
            js.activationForward(act, plain, plain.length, slope);
            if (act === ACT.relu) assert.deepEqual(fused, plain, `relu m=${m} k=${k} n=${n}`);
            else close(fused, plain, 1, `leaky relu m=${m} k=${k} n=${n}`);
          }
        }
      });
    });
  }

  it('activations forward and backward equal the JS reference', () => {
    const rng = new Rng(7); const len = 1001;
    const be = new NativeBackend(kernels!);
    for (const act of [ACT.linear, ACT.relu, ACT.leakyRelu, ACT.tanh, ACT.sigmoid] as ActCode[]) {
      const slope = act === ACT.leakyRelu ? 0.1 : 0;
      const Z = rand(len, rng).map((v) => 6 * v); const Z2 = Z.slice();
      be.activationForward(act, Z, len, slope); js.activationForward(act, Z2, len, slope);
      close(Z, Z2, 1, `forward act ${act}`);
      const D = rand(len, rng); const D2 = D.slice();
      be.activationBackward(act, Z2, D, len, slope); js.activationBackward(act, Z2, D2, len, slope);
      close(D, D2, 1, `backward act ${act}`);
    }
  });

  it('relu and leaky relu backward give the bits of `A > 0 ? D : D * slope`, signed zeros, infinities and NaN included', () => {
    const rng = new Rng(11); const len = 4099;
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4e38];
    const A = rand(len, rng); const D0 = rand(len, rng);
    for (let i = 0; i < len; i += 7) A[i] = specials[(i / 7) % specials.length]!;
    for (let i = 3; i < len; i += 5) D0[i] = specials[(i * 3) % specials.length]!;
    for (const [act, slope] of [[ACT.relu, 0], [ACT.leakyRelu, 0.01], [ACT.leakyRelu, -0.5]] as [ActCode, number][]) {
      const D = D0.slice(); kernels!.actBackward(act, A, 0, D, 0, len, slope);
      const want = new Float32Array(len); const s = Math.fround(slope);
      for (let i = 0; i < len; i++) want[i] = A[i]! > 0 ? D0[i]! : Math.fround(D0[i]! * s);
      assert.deepEqual(new Uint32Array(D.buffer), new Uint32Array(want.buffer), `act ${act} slope ${slope}`);
    }
  });

  it('refuse views that run past an array, and arrays that are not Float32Array', () => {
    const A = new Float32Array(6); const P = new Float32Array(6 + 3); const C = new Float32Array(6);
    assert.throws(() => kernels!.denseForward(3, 3, 3, A, 0, P, 0, 9, C, 0), RangeError);
    assert.throws(() => kernels!.denseForward(2, 3, 2, A, 1, P, 0, 6, C, 0), /A needs index 6 but has length 6/);
    assert.throws(() => kernels!.gemm(1, 1, 1, new Float64Array(1) as unknown as Float32Array, 0, 1, 1, A, 0, 1, 1, C, 0, 1, null, 0, 0, 0), /must be a Float32Array/);
    assert.throws(() => kernels!.gemm(1, 1, 1, A, -1, 1, 1, A, 0, 1, 1, C, 0, 1, null, 0, 0, 0), RangeError);
  });
});
