// Seeded random train/test splits, stratified by class for classification targets.
import { Rng } from '../core/rng.js';
import { checkNumber } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from './dataset.js';

export interface SplitOptions {
  /** Share of rows that go to the second part (test or validation), strictly between 0 and 1. */
  testFraction: number;
  /** Seed of the random draw; the same seed gives the same split. Default 1. */
  seed?: number;
  /** Keep class proportions in both parts. Default: true when the targets are class labels. */
  stratify?: boolean;
  /** Put both parts' rows in SharedArrayBuffers (for worker threads; see Dataset.subset). Default false. */
  shared?: boolean;
}

/**
 * Splits rows at random (never "the last rows", Keras's trap) into `train` and `test`.
 * With stratification each class contributes round(fraction x its count) rows to `test`, so
 * class proportions match; both parts keep the original row order.
 */
export function split(data: Dataset, options: SplitOptions): { train: Dataset; test: Dataset } {
  const idx = splitIndices(data, options);
  const shared = { shared: options.shared === true };
  return { train: data.subset(idx.train, shared), test: data.subset(idx.test, shared) };
}

/** The row indices of a split, each part in ascending order. */
export function splitIndices(data: Dataset, options: SplitOptions): { train: Uint32Array; test: Uint32Array } {
  const f = checkNumber('testFraction (validationSplit)', options.testFraction, 0, 1, { minInclusive: false, hint: 'Use a fraction such as 0.2' });
  if (f >= 1) throw new MinibatchError('BAD_ARGUMENT', `testFraction must be below 1, got ${f}`);
  const n = data.length;
  const rng = new Rng(options.seed ?? 1);
  const classes = data.classCount();
  const stratify = options.stratify ?? (classes !== undefined && classes <= Math.max(2, n / 2));
  const isTest = new Uint8Array(n);
  const groups: number[][] = [];
  if (stratify && classes !== undefined) {
    for (let c = 0; c < classes; c++) groups.push([]);
    for (let i = 0; i < n; i++) groups[data.y[i]!]!.push(i);
  } else groups.push(Array.from({ length: n }, (_, i) => i));
  for (const g of groups) {
    rng.shuffle(g);
    const k = Math.round(g.length * f);
    for (let i = 0; i < k; i++) isTest[g[i]!] = 1;
  }
  let nt = 0; for (let i = 0; i < n; i++) nt += isTest[i]!;
  if (nt === 0 || nt === n) {
    throw new MinibatchError('BAD_ARGUMENT', `a split of ${n} rows with fraction ${f} leaves one part empty; use more rows or a fraction nearer 0.5`);
  }
  const train = new Uint32Array(n - nt); const test = new Uint32Array(nt);
  for (let i = 0, a = 0, b = 0; i < n; i++) { if (isTest[i]) test[b++] = i; else train[a++] = i; }
  return { train, test };
}
