// Differential check run before timing: the js backend's kernels against naive float64 loops.
import { Rng } from '../src/core/rng.js';
import { ACT, type ActCode, type Backend } from '../src/kernels/backend.js';

export interface KernelCheck {
  cases: number;
  /** Largest |fast - naive| / (1 + |naive|) over every output of every case. */
  maxError: number;
}

const SLOPE = 0.01;
/** Each activation with its textbook value and derivative (in terms of the output). */
const ACTS: [ActCode, (z: number) => number, (a: number) => number][] = [
  [ACT.linear, (z) => z, () => 1],
  [ACT.relu, (z) => (z < 0 ? 0 : z), (a) => (a <= 0 ? 0 : 1)],
  [ACT.leakyRelu, (z) => (z < 0 ? SLOPE * z : z), (a) => (a > 0 ? 1 : SLOPE)],
  [ACT.tanh, Math.tanh, (a) => 1 - a * a],
  [ACT.sigmoid, (z) => 1 / (1 + Math.exp(-z)), (a) => a * (1 - a)],
];

/**
 * Runs every kernel of `be` on random shapes (including the benchmark shapes, widths that
 * are not multiples of 4, and m = 1) with random offsets into the parameter vector, and
 * compares with textbook loops. Throws when any output differs by more than `tol`.
 */
export function checkKernels(be: Backend, tol = 1e-5, seed = 7): KernelCheck {
  const rng = new Rng(seed);
  const shapes: [number, number, number][] = [
    [1, 30, 1], [8, 30, 1], [569, 30, 1], [1, 8, 12], [32, 8, 12], [32, 12, 8], [768, 8, 1], [5, 7, 13], [3, 13, 6], [2, 3, 2], [9, 1, 5],
  ];
  let maxError = 0; let cases = 0;
  const check = (what: string, got: Float32Array, want: Float64Array, from = 0): void => {
    for (let i = 0; i < want.length; i++) {
      const e = Math.abs(got[from + i]! - want[i]!) / (1 + Math.abs(want[i]!));
      if (!(e <= tol)) throw new Error(`${what}: output ${i} is ${got[from + i]}, naive gives ${want[i]}`);
      maxError = Math.max(maxError, e);
    }
    cases++;
  };
  const rand = (len: number, zeros = 0): Float32Array => {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++) a[i] = rng.next() < zeros ? 0 : rng.normal();
    return a;
  };
  for (const [m, k, n] of shapes) {
    const wOff = 3; const bOff = wOff + k * n + 2;
    const P = rand(bOff + n + 1); const A = rand(m * k, 0.3); const dY = rand(m * n);
    const tag = `${m}x${k}x${n}`;
    const C = new Float32Array(m * n); be.denseForward(m, k, n, A, P, wOff, bOff, C);
    check(`denseForward ${tag}`, C, naive(m * n, (i) => {
      const r = Math.floor(i / n); const j = i % n; let s = P[bOff + j]!;
      for (let p = 0; p < k; p++) s += A[r * k + p]! * P[wOff + p * n + j]!;
      return s;
    }));
    const dX = new Float32Array(m * k); be.denseBackwardInput(m, k, n, dY, P, wOff, dX);
    check(`denseBackwardInput ${tag}`, dX, naive(m * k, (i) => {
      const r = Math.floor(i / k); const p = i % k; let s = 0;
      for (let j = 0; j < n; j++) s += dY[r * n + j]! * P[wOff + p * n + j]!;
      return s;
    }));
    const G = rand(P.length); be.denseBackwardParams(m, k, n, A, dY, G, wOff, bOff);
    check(`denseBackwardParams W ${tag}`, G, naive(k * n, (i) => {
      const p = Math.floor(i / n); const j = i % n; let s = 0;
      for (let r = 0; r < m; r++) s += A[r * k + p]! * dY[r * n + j]!;
      return s;
    }), wOff);
    check(`denseBackwardParams b ${tag}`, G, naive(n, (j) => {
      let s = 0; for (let r = 0; r < m; r++) s += dY[r * n + j]!;
      return s;
    }), bOff);
  }
  const slope = SLOPE; const len = 37;
  for (const [act, f, df] of ACTS) {
    const Z0 = rand(len, 0.1); const Z = Z0.slice(); be.activationForward(act, Z, len, slope);
    check(`activationForward ${act}`, Z, naive(len, (i) => f(Z0[i]!)));
    const D0 = rand(len); const D = D0.slice(); be.activationBackward(act, Z, D, len, slope);
    check(`activationBackward ${act}`, D, naive(len, (i) => D0[i]! * df(Z[i]!)));
  }
  return { cases, maxError };
}

function naive(len: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = f(i);
  return out;
}
