// Closeness assertions for float arrays and scalars, with messages that show the worst element.
import assert from 'node:assert/strict';

export interface Tolerance {
  /** Relative tolerance, scaled by max(|actual|, |expected|). Default 1e-6. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-9. */
  atol?: number;
}

/** Passes when |a - e| <= atol + rtol max(|a|, |e|) for every element (NaN never passes). */
export function assertAllClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}, what = 'values',
): void {
  const { rtol = 1e-6, atol = 1e-9 } = tol;
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != expected ${expected.length}`);
  let worst = -1; let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!; const e = expected[i]!;
    const bound = atol + rtol * Math.max(Math.abs(a), Math.abs(e));
    const err = Math.abs(a - e);
    if (!(err <= bound)) {
      const excess = Number.isNaN(err) ? Infinity : err - bound;
      if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
    }
  }
  if (worst >= 0) {
    assert.fail(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(rtol ${rtol}, atol ${atol}); actual [${fmt(actual)}], expected [${fmt(expected)}]`,
    );
  }
}

/** Scalar form of assertAllClose. */
export function assertClose(actual: number, expected: number, tol: Tolerance = {}, what = 'value'): void {
  assertAllClose([actual], [expected], tol, what);
}

/** True when two float32 arrays hold exactly the same bits (NaN payloads included). */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

function fmt(v: ArrayLike<number>): string {
  const parts = Array.from(v).slice(0, 12).map((x) => x.toPrecision(6));
  return parts.join(', ') + (v.length > 12 ? ', ...' : '');
}
