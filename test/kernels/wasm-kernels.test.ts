// Differential tests: every WASM SIMD kernel (plain and relaxed SIMD) equals the JS reference on odd shapes.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { ACT, type Backend } from '../../src/kernels/backend.js';
import { JsBackend } from '../../src/kernels/js/js-backend.js';
import { createBackend } from '../../src/kernels/select.js';
import { WasmBackend } from '../../src/kernels/wasm/wasm-backend.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';

const js = new JsBackend();
const builds: [string, Backend][] = [['simd', createBackend('wasm', { relaxed: false })], ['relaxed', createBackend('wasm')]];

function rand(len: number, rng: Rng): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

/** |a - b| <= tol (1 + |b|) elementwise over the first len values, with tol growing with the summed terms. */
function close(a: Float32Array, b: Float32Array, len: number, terms: number, what: string): void {
  const tol = 4e-7 * (terms + 2);
  for (let i = 0; i < len; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= tol * (1 + Math.abs(b[i]!)))) assert.fail(`${what}: element ${i} is ${a[i]}, reference ${b[i]} (tolerance ${tol})`);
  }
}

/** Runs the three dense kernels on both backends for one shape and compares them. */
function compareShape(be: Backend, m: number, k: number, n: number, rng: Rng): void {
  const tag = `${be.name} m=${m} k=${k} n=${n}`;
  const A = rand(m * k, rng); const dY = rand(m * n, rng);
  const pad = 3; const P = rand(pad + k * n + n, rng); const wOff = pad; const bOff = pad + k * n;
  const C1 = new Float32Array(m * n); const C2 = new Float32Array(m * n);
  be.denseForward(m, k, n, A, P, wOff, bOff, C1); js.denseForward(m, k, n, A, P, wOff, bOff, C2);
  close(C1, C2, m * n, k, `${tag} forward`);
  const X1 = new Float32Array(m * k); const X2 = new Float32Array(m * k);
  be.denseBackwardInput(m, k, n, dY, P, wOff, X1); js.denseBackwardInput(m, k, n, dY, P, wOff, X2);
  close(X1, X2, m * k, n, `${tag} backward input`);
  const G1 = new Float32Array(P.length).fill(7); const G2 = new Float32Array(P.length).fill(7);
  be.denseBackwardParams(m, k, n, A, dY, G1, wOff, bOff); js.denseBackwardParams(m, k, n, A, dY, G2, wOff, bOff);
  close(G1, G2, P.length, m, `${tag} backward params`);
}

describe('WASM SIMD kernels against the JS reference', { skip: loadKernels() === null ? 'WASM kernels not built' : false }, () => {
  it('load, and the default backend uses them', () => {
    for (const [, be] of builds) assert.ok(be instanceof WasmBackend, be.name);
    assert.ok(createBackend('auto') instanceof WasmBackend);
  });

  for (const [label, be] of builds) {
    it(`${label}: dense forward, input gradient and parameter gradient for every m, k, n in 0..17`, () => {
      const rng = new Rng(4);
      for (let m = 0; m <= 17; m++) for (let k = 0; k <= 17; k++) for (let n = 0; n <= 17; n++) compareShape(be, m, k, n, rng);
    });

    it(`${label}: long and wide shapes (1023 and non-multiples of 4 and 8)`, () => {
      const rng = new Rng(5);
      for (const [m, k, n] of [[1023, 5, 3], [3, 1023, 9], [2, 7, 1023], [33, 131, 67], [1, 1023, 1], [1023, 1, 13], [37, 784, 128]] as const) {
        compareShape(be, m, k, n, rng);
      }
    });

    it(`${label}: relu and leaky relu backward, including -0 outputs at slope 0`, () => {
      const rng = new Rng(6);
      for (const len of [0, 1, 3, 4, 5, 17, 1023]) {
        for (const [act, slope] of [[ACT.relu, 0], [ACT.leakyRelu, 0.01], [ACT.leakyRelu, 0]] as const) {
          const Z = rand(len, rng); if (len > 2) { Z[0] = 0; Z[1] = -0; }
          const A = Z.slice(); js.activationForward(act, A, len, slope);
          const D1 = rand(len, rng); const D2 = D1.slice();
          be.activationBackward(act, A, D1, len, slope); js.activationBackward(act, A, D2, len, slope);
          // The WASM kernel multiplies by the float32 slope, the JS one by the float64 slope: the last bit may differ.
          close(D1, D2, len, 0, `act ${act} slope ${slope} len ${len}`);
          for (let i = 0; i < len; i++) if (D2[i] === 0) assert.ok(D1[i] === 0, `act ${act} slope ${slope}: a blocked gradient at ${i}`);
        }
      }
    });
  }
});
