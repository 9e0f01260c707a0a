// Tests of the synthetic generators: seed determinism, recovered coefficients, class structure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blobs, linearData, moons } from '../../src/data/synthetic.js';
import { MinibatchError } from '../../src/core/errors.js';
import { bitEqual } from '../helpers/assert-close.js';
import { leastSquares, rowsOf } from '../helpers/problems.js';
import type { Dataset } from '../../src/data/dataset.js';

const same = (a: Dataset, b: Dataset): boolean => bitEqual(a.x, b.x) && bitEqual(a.y, b.y);

describe('linearData', () => {
  it('gives the same bits for the same seed and different data for another seed', () => {
    const o = { rows: 50, features: 3, noise: 0.2 };
    assert.ok(same(linearData({ ...o, seed: 4 }).data, linearData({ ...o, seed: 4 }).data));
    assert.ok(!same(linearData({ ...o, seed: 4 }).data, linearData({ ...o, seed: 5 }).data));
  });

  it('recovers given coefficients and intercept by least squares within the noise', () => {
    const w = [2, -1, 0.5, 3];
    const { data, coefficients, intercept } = linearData({ rows: 2000, features: 4, noise: 0.1, seed: 3, coefficients: w, intercept: -1.5 });
    assert.deepEqual(coefficients, w);
    assert.equal(intercept, -1.5);
    const { x, y } = rowsOf(data);
    const beta = leastSquares(x, y.map((r) => r[0]!));
    [...w, -1.5].forEach((want, j) => assert.ok(Math.abs(beta[j]! - want) < 0.02, `beta[${j}] = ${beta[j]}, want ${want}`));
  });

  it('draws its own coefficients and returns them; residuals have the noise standard deviation', () => {
    const { data, coefficients, intercept } = linearData({ rows: 3000, features: 3, noise: 0.5, seed: 9 });
    assert.equal(coefficients.length, 3);
    const { x, y } = rowsOf(data);
    const beta = leastSquares(x, y.map((r) => r[0]!));
    [...coefficients, intercept].forEach((want, j) => assert.ok(Math.abs(beta[j]! - want) < 0.05, `beta[${j}] = ${beta[j]}, want ${want}`));
    let ss = 0;
    x.forEach((row, i) => { const pred = row.reduce((s, v, j) => s + v * coefficients[j]!, intercept); ss += (y[i]![0]! - pred) ** 2; });
    const sd = Math.sqrt(ss / x.length);
    assert.ok(Math.abs(sd - 0.5) < 0.03, `residual sd ${sd}`);
  });

  it('refuses bad sizes and coefficient counts', () => {
    assert.throws(() => linearData({ rows: 0, features: 2, noise: 0, seed: 1 }), MinibatchError);
    assert.throws(() => linearData({ rows: 5, features: 2, noise: 0, seed: 1, coefficients: [1] }), /2 finite numbers/);
  });
});

describe('blobs', () => {
  it('is seed-deterministic with balanced, interleaved classes around distinct centres', () => {
    const a = blobs({ rows: 600, features: 2, classes: 3, spread: 0.5, seed: 2 });
    assert.ok(same(a, blobs({ rows: 600, features: 2, classes: 3, spread: 0.5, seed: 2 })));
    assert.ok(!same(a, blobs({ rows: 600, features: 2, classes: 3, spread: 0.5, seed: 3 })));
    assert.deepEqual(a.classNames, ['0', '1', '2']);
    assert.deepEqual(Array.from(a.y.subarray(0, 6)), [0, 1, 2, 0, 1, 2]);
    const sums = [[0, 0], [0, 0], [0, 0]]; const n = [0, 0, 0];
    for (let i = 0; i < a.length; i++) { const c = a.y[i]!; n[c]!++; sums[c]![0]! += a.x[2 * i]!; sums[c]![1]! += a.x[2 * i + 1]!; }
    assert.deepEqual(n, [200, 200, 200]);
    // Each point lies nearer its own class mean than any other (spread 0.5 in a 20-wide box, seed fixed).
    const means = sums.map((s, c) => s.map((v) => v / n[c]!));
    let nearest = 0;
    for (let i = 0; i < a.length; i++) {
      const d = means.map((m) => (a.x[2 * i]! - m[0]!) ** 2 + (a.x[2 * i + 1]! - m[1]!) ** 2);
      if (d.indexOf(Math.min(...d)) === a.y[i]) nearest++;
    }
    assert.ok(nearest / a.length > 0.95, `${nearest} of ${a.length} nearest their own centre`);
  });

  it('uses the defaults: 2 features and 3 classes', () => {
    const d = blobs({ rows: 10, seed: 1 });
    assert.equal(d.numFeatures, 2);
    assert.equal(d.classCount(), 3);
  });
});

describe('moons', () => {
  it('puts noise-free points on the two half circles, classes alternating', () => {
    const d = moons({ rows: 101, noise: 0, seed: 1 });
    assert.equal(d.length, 101);
    let zeros = 0;
    for (let i = 0; i < d.length; i++) {
      const px = d.x[2 * i]!; const py = d.x[2 * i + 1]!;
      assert.equal(d.y[i], i % 2);
      const r = d.y[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
      assert.ok(Math.abs(r - 1) < 1e-6, `row ${i} is ${r} from its centre`);
      assert.ok(d.y[i] === 0 ? py >= -1e-6 : py <= 0.5 + 1e-6, `row ${i} on the wrong half`);
      if (d.y[i] === 0) zeros++;
    }
    assert.equal(zeros, 51);
  });

  it('is seed-deterministic and adds noise of the requested size', () => {
    const a = moons({ rows: 2000, noise: 0.1, seed: 8 });
    assert.ok(same(a, moons({ rows: 2000, noise: 0.1, seed: 8 })));
    assert.ok(!same(a, moons({ rows: 2000, noise: 0.1, seed: 9 })));
    const clean = moons({ rows: 2000, noise: 0, seed: 8 });
    let ss = 0;
    for (let i = 0; i < a.x.length; i++) ss += (a.x[i]! - clean.x[i]!) ** 2;
    const sd = Math.sqrt(ss / a.x.length);
    assert.ok(Math.abs(sd - 0.1) < 0.005, `noise sd ${sd}`);
  });
});
