// Seeded synthetic data sets: linear regression, Gaussian blobs and two moons.
import { Rng } from '../core/rng.js';
import { checkInt, checkNumber } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { Dataset } from './dataset.js';

export interface LinearDataOptions {
  rows: number;
  features: number;
  /** Standard deviation of the Gaussian noise added to y. */
  noise: number;
  seed: number;
  /** The true weights w (one per feature). Default: drawn from N(0, 1). */
  coefficients?: number[];
  /** The true intercept b. Default: drawn from N(0, 1). */
  intercept?: number;
}

/**
 * A regression problem with a known answer: x_ij ~ N(0, 1) and
 * y_i = sum_j x_ij w_j + b + noise * e_i with e_i ~ N(0, 1). Returns the data with the true
 * `coefficients` (w) and `intercept` (b), so a fit can be checked against them. Features are
 * named x0, x1, ...; the same seed gives the same bits.
 */
export function linearData(o: LinearDataOptions): { data: Dataset; coefficients: number[]; intercept: number } {
  const rows = checkInt('rows', o.rows, 1, 1e8);
  const nf = checkInt('features', o.features, 1, 1e5);
  const noise = checkNumber('noise', o.noise, 0, Infinity);
  const rng = new Rng(o.seed);
  if (o.coefficients && (o.coefficients.length !== nf || !o.coefficients.every(Number.isFinite))) {
    throw new MinibatchError('BAD_ARGUMENT', `coefficients must be ${nf} finite numbers (one per feature), got ${o.coefficients.length}`);
  }
  const w = o.coefficients ? [...o.coefficients] : Array.from({ length: nf }, () => rng.normal());
  const b = o.intercept === undefined ? rng.normal() : checkNumber('intercept', o.intercept, -Infinity, Infinity);
  const x = new Float32Array(rows * nf); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = b;
    for (let j = 0; j < nf; j++) { const v = rng.normal(); x[i * nf + j] = v; s += Math.fround(v) * w[j]!; }
    y[i] = s + noise * rng.normal();
  }
  return { data: new Dataset(x, y, rows, { features: names(nf), targets: ['y'] }), coefficients: w, intercept: b };
}

export interface BlobsOptions {
  rows: number;
  /** Dimensions. Default 2. */
  features?: number;
  /** Number of blobs (classes). Default 3. */
  classes?: number;
  /** Standard deviation of each blob around its centre. Default 1. */
  spread?: number;
  seed: number;
}

/**
 * Classification with Gaussian blobs: each class k has a centre c_k drawn uniformly from
 * [-10, 10]^features, and row i belongs to class i mod classes (so classes are balanced and
 * interleaved) with x_i = c_k + spread * N(0, I). Targets are class indices 0..classes-1.
 */
export function blobs(o: BlobsOptions): Dataset {
  const rows = checkInt('rows', o.rows, 1, 1e8);
  const nf = checkInt('features', o.features ?? 2, 1, 1e5);
  const k = checkInt('classes', o.classes ?? 3, 2, 1000);
  const spread = checkNumber('spread', o.spread ?? 1, 0, Infinity);
  const rng = new Rng(o.seed);
  const centres = Array.from({ length: k * nf }, () => 20 * rng.next() - 10);
  const x = new Float32Array(rows * nf); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % k; y[i] = c;
    for (let j = 0; j < nf; j++) x[i * nf + j] = centres[c * nf + j]! + spread * rng.normal();
  }
  return new Dataset(x, y, rows, { features: names(nf), targets: ['class'], classNames: Array.from({ length: k }, (_, c) => String(c)) });
}

export interface MoonsOptions {
  rows: number;
  /** Standard deviation of the Gaussian noise added to both coordinates. */
  noise: number;
  seed: number;
}

/**
 * Two interleaving half circles (not linearly separable): class 0 lies on
 * (cos t, sin t) and class 1 on (1 - cos t, 0.5 - sin t) for t evenly spaced over [0, pi],
 * plus noise * N(0, I). Rows alternate between the classes (class 0 gets the extra odd row).
 */
export function moons(o: MoonsOptions): Dataset {
  const rows = checkInt('rows', o.rows, 2, 1e8);
  const noise = checkNumber('noise', o.noise, 0, Infinity);
  const rng = new Rng(o.seed);
  const counts = [Math.ceil(rows / 2), Math.floor(rows / 2)];
  const x = new Float32Array(rows * 2); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % 2; const m = counts[c]!; const k = (i - c) / 2;
    const t = m > 1 ? (Math.PI * k) / (m - 1) : 0;
    const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + noise * rng.normal(); x[2 * i + 1] = py + noise * rng.normal(); y[i] = c;
  }
  return new Dataset(x, y, rows, { features: names(2), targets: ['class'], classNames: ['0', '1'] });
}

function names(n: number): string[] { return Array.from({ length: n }, (_, j) => `x${j}`); }
