// Tests of feature scaling: fitted statistics, constant columns, round trips and shape checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset } from '../../src/data/dataset.js';
import { applyScaling, applyScalingRows, fitScaling } from '../../src/data/scaling.js';
import { MinibatchError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { assertAllClose } from '../helpers/assert-close.js';

/** Column j of a row-major matrix with `nf` columns, as float64 numbers. */
const column = (x: Float32Array, nf: number, j: number): number[] => Array.from({ length: x.length / nf }, (_, i) => x[i * nf + j]!);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]): number => { const m = mean(v); return Math.sqrt(mean(v.map((a) => (a - m) ** 2))); };

/** 200 rows: a wide normal column, a shifted uniform column, and a constant column. */
function sample(): Dataset {
  const rng = new Rng(7); const n = 200;
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) { x[i * 3] = 5 + 3 * rng.normal(); x[i * 3 + 1] = 100 + 10 * rng.next(); x[i * 3 + 2] = 4.5; }
  return new Dataset(x, new Float32Array(n), n, { features: ['a', 'b', 'c'] });
}

describe('fitScaling and applyScaling', () => {
  it("'standardize' fits the mean and population standard deviation, giving mean 0 and std 1", () => {
    const d = sample(); const s = fitScaling(d, 'standardize');
    assert.equal(s.method, 'standardize');
    assertAllClose(s.offset.slice(0, 2), [0, 1].map((j) => mean(column(d.x, 3, j))), { rtol: 1e-9 });
    assertAllClose(s.scale.slice(0, 2), [0, 1].map((j) => std(column(d.x, 3, j))), { rtol: 1e-9 });
    const out = applyScaling(d, s);
    for (const j of [0, 1]) {
      assert.ok(Math.abs(mean(column(out.x, 3, j))) < 1e-5, `column ${j} mean`);
      assert.ok(Math.abs(std(column(out.x, 3, j)) - 1) < 1e-5, `column ${j} std`);
    }
  });

  it("'minmax' maps the fitted rows onto [0, 1] exactly at the extremes", () => {
    const d = sample(); const s = fitScaling(d, 'minmax');
    for (const j of [0, 1]) {
      const col = column(d.x, 3, j);
      assert.equal(s.offset[j], Math.min(...col));
      assert.equal(s.scale[j], Math.max(...col) - Math.min(...col));
      const out = column(applyScaling(d, s).x, 3, j);
      assert.equal(Math.min(...out), 0);
      assert.ok(Math.abs(Math.max(...out) - 1) < 1e-6);
    }
  });

  it('gives a constant column scale 1 (never dividing by zero) and maps it to 0 under standardize', () => {
    const d = sample();
    for (const method of ['standardize', 'minmax'] as const) {
      const s = fitScaling(d, method);
      assert.equal(s.scale[2], 1, method);
      const out = applyScaling(d, s);
      assert.ok(column(out.x, 3, 2).every((v) => v === 0 && Number.isFinite(v)), method);
    }
  });

  it("'none' is the identity, and applyScaling keeps targets and names", () => {
    const d = sample(); const s = fitScaling(d, 'none');
    assert.deepEqual(s, { method: 'none', offset: [0, 0, 0], scale: [1, 1, 1] });
    const out = applyScaling(d, s);
    assert.deepEqual(Array.from(out.x), Array.from(d.x));
    assert.deepEqual(out.features, d.features);
    assert.equal(out.y, d.y);
  });

  it('round-trips: x = x_scaled * scale + offset', () => {
    const d = sample(); const s = fitScaling(d, 'standardize');
    const scaled = applyScalingRows(d.x, 3, s);
    const back = Array.from(scaled, (v, i) => v * s.scale[i % 3]! + s.offset[i % 3]!);
    assertAllClose(back, Array.from(d.x), { rtol: 1e-5, atol: 1e-5 });
  });

  it('applies to rows it was not fitted on with the fitted statistics (fit on train only)', () => {
    const train = Dataset.fromArrays([[0, 10], [2, 30]], [0, 1]);
    const s = fitScaling(train, 'standardize');
    assert.deepEqual(s.offset, [1, 20]);
    assert.deepEqual(s.scale, [1, 10]);
    assert.deepEqual(Array.from(applyScalingRows(Float32Array.from([5, 0]), 2, s)), [4, -2]);
  });

  it("'none' gives the dataset itself (no copy); any other scaling gives new rows", () => {
    const d = sample(); const before = Array.from(d.x);
    assert.equal(applyScaling(d, fitScaling(d, 'none')), d);
    const shifted = applyScaling(d, { method: 'none', offset: [0, 0, 1], scale: [1, 1, 1] });
    assert.notEqual(shifted.x, d.x);
    assert.deepEqual(Array.from(shifted.x.filter((_, i) => i % 3 === 2)), Array.from(d.x.filter((_, i) => i % 3 === 2), (v) => Math.fround(v - 1)));
    assert.throws(() => applyScaling(d, { method: 'none', offset: [0, 0], scale: [1, 1] }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE');
    assert.deepEqual(Array.from(d.x), before, 'the input is never written');
  });

  it('refuses mismatched widths, bad scales and empty data', () => {
    const d = sample(); const s = fitScaling(d, 'minmax');
    assert.throws(() => applyScalingRows(new Float32Array(4), 2, s), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE' && /fitted on 3 features/.test(e.message));
    assert.throws(() => applyScalingRows(new Float32Array(3), 3, { ...s, scale: [1, 0, 1] }), MinibatchError);
    const empty = new Dataset(new Float32Array(0), new Float32Array(0), 0, { features: ['a'] });
    assert.throws(() => fitScaling(empty, 'standardize'), (e: unknown) => e instanceof MinibatchError && e.code === 'EMPTY_DATASET');
    assert.throws(() => fitScaling(d, 'zscore' as never), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_ARGUMENT');
  });
});
