// Benchmark workloads: seeded breast-cancer-shaped data, standardised Pima, digits-shaped data, MNIST, and their model settings.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';

/** One training problem: in-memory data plus the model and optimizer every column must use. */
export interface Workload {
  id: 'logistic' | 'mlp' | 'digits' | 'mnist';
  title: string;
  /** Rows and features. */
  n: number;
  features: number;
  /** Standardised features, row-major n x features. */
  x: Float32Array;
  /** 0/1 targets (classes 1) or class indices, one per row. */
  y: Float32Array;
  /** 1: one sigmoid output (binary cross-entropy); more: a softmax over that many classes. */
  classes: number;
  /** Layer widths from input to output; one dense layer is logistic regression. */
  layers: number[];
  /** 'momentum' is SGD with momentum 0.9 (PyTorch's rule, TF.js tf.train.momentum). */
  optimizer: 'sgd' | 'adam' | 'momentum';
  learningRate: number;
  /** Where the data came from (file path or "synthetic ..."). */
  source: string;
}

/** The batch sizes every table reports; 'full' is batch gradient descent (B = n). */
export const BATCH_SIZES: readonly (number | 'full')[] = [1, 8, 32, 128, 'full'];

/** The batch sizes of a workload's table: 1, 8, 32, 128, 1024 (when below n) and full. */
export function batchSizesOf(w: Workload): (number | 'full')[] {
  return [1, 8, 32, 128, ...(w.n > 1024 ? [1024] : []), 'full'];
}

/** Resolves a batch size for a workload: 'full' becomes n. */
export function batchRows(w: Workload, bs: number | 'full'): number {
  return bs === 'full' ? w.n : Math.min(bs, w.n);
}

/** Updates per epoch at batch size B (the last batch may be smaller). */
export function stepsPerEpoch(w: Workload, bs: number | 'full'): number {
  return Math.ceil(w.n / batchRows(w, bs));
}

/** Standardises each column in place to mean 0 and (population) standard deviation 1. */
export function standardise(x: Float32Array, n: number, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = 0; let s2 = 0;
    for (let i = 0; i < n; i++) { const v = x[i * d + j]!; s += v; s2 += v * v; }
    const mean = s / n; const sd = Math.sqrt(Math.max(s2 / n - mean * mean, 0)) || 1;
    for (let i = 0; i < n; i++) x[i * d + j] = (x[i * d + j]! - mean) / sd;
  }
}

/**
 * 569 x 30, the shape of the Wisconsin diagnostic breast-cancer set: 212 positives and 357
 * negatives drawn from two Gaussians in 30 dimensions (unit variance, means 0.6 apart in every
 * coordinate, so the classes overlap a little per feature but separate well jointly), then
 * standardised. Seeded: the same bits on every run.
 */
export function cancerLike(seed = 569): Workload {
  const n = 569; const d = 30; const positives = 212;
  const rng = new Rng(seed);
  const x = new Float32Array(n * d); const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i < positives ? 1 : 0;
    y[i] = cls;
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + (cls ? 0.6 : 0);
  }
  standardise(x, n, d);
  return {
    id: 'logistic', title: 'Logistic regression, 569x30 (breast-cancer shape), SGD lr 0.01',
    n, features: d, x, y, classes: 1, layers: [d, 1], optimizer: 'sgd', learningRate: 0.01,
    source: 'synthetic: seeded two-Gaussian 569x30 (212/357), standardised',
  };
}

/** The shared data directory: <repo>/../shared/datasets (dist/bench -> repo is two levels up). */
export function sharedDatasets(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', 'shared', 'datasets');
}

/**
 * 768 x 8 Pima Indians diabetes, standardised, for the 8-12-8-1 MLP with Adam 1e-3. Reads the
 * shared CSV (no header, target last) when present; otherwise a seeded synthetic 768 x 8
 * two-class set (268 positives, as in Pima) so the benchmark still runs.
 */
export function pima(seed = 768): Workload {
  const path = resolve(sharedDatasets(), 'pima-indians-diabetes.csv');
  const n = 768; const d = 8;
  const x = new Float32Array(n * d); const y = new Float32Array(n);
  let source: string;
  const rows = existsSync(path) ? parseCsv(readFileSync(path, 'utf8'), d + 1) : [];
  if (rows.length === n) {
    rows.forEach((r, i) => { for (let j = 0; j < d; j++) x[i * d + j] = r[j]!; y[i] = r[d]!; });
    source = `file: ${path}`;
  } else {
    const rng = new Rng(seed);
    for (let i = 0; i < n; i++) {
      const cls = i < 268 ? 1 : 0; y[i] = cls;
      for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + (cls ? 0.5 : 0);
    }
    source = `synthetic: seeded two-Gaussian 768x8 (268/500), standardised (${path} ${rows.length ? `has ${rows.length} rows, expected ${n}` : 'not found'})`;
  }
  standardise(x, n, d);
  return {
    id: 'mlp', title: 'MLP 8-12-8-1 (relu, relu, sigmoid), 768x8 Pima, Adam 1e-3',
    n, features: d, x, y, classes: 1, layers: [d, 12, 8, 1], optimizer: 'adam', learningRate: 1e-3, source,
  };
}

function parseCsv(text: string, width: number): number[][] {
  const out: number[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const r = line.split(',').map(Number);
    if (r.length !== width || r.some((v) => !Number.isFinite(v))) return [];
    out.push(r);
  }
  return out;
}
