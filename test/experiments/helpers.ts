// Small seeded data sets for the experiments tests (binary blobs, three classes, linear regression).
import { Rng } from '../../src/core/rng.js';
import { Dataset } from '../../src/data/dataset.js';

/** Two Gaussian blobs in `features` dimensions, centres at -/+ `gap`/2 on every axis; labels 0/1. */
export function blobs(rows: number, features = 4, seed = 7, gap = 1.5): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * features); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % 2; y[i] = c;
    for (let j = 0; j < features; j++) x[i * features + j] = (c - 0.5) * gap + rng.normal();
  }
  return Dataset.fromArrays(x, y, { features: Array.from({ length: features }, (_, j) => `f${j}`) });
}

/** Three classes around the corners of a triangle in 2-D; labels 0, 1, 2. */
export function threeClasses(rows: number, seed = 11): Dataset {
  const rng = new Rng(seed);
  const centres = [[0, 2], [-1.8, -1], [1.8, -1]];
  const x = new Float32Array(rows * 2); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % 3; y[i] = c;
    x[2 * i] = centres[c]![0]! + rng.normal(); x[2 * i + 1] = centres[c]![1]! + rng.normal();
  }
  return Dataset.fromArrays(x, y, { features: ['a', 'b'] });
}

/** y = x . w + 0.5 + noise with w = (1, -2, 0.5, ...), standard normal features. */
export function linearData(rows: number, features = 3, seed = 5, noise = 0.1): Dataset {
  const rng = new Rng(seed);
  const w = Array.from({ length: features }, (_, j) => [1, -2, 0.5][j % 3]!);
  const x = new Float32Array(rows * features); const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let t = 0.5;
    for (let j = 0; j < features; j++) { const v = rng.normal(); x[i * features + j] = v; t += v * w[j]!; }
    y[i] = t + noise * rng.normal();
  }
  return Dataset.fromArrays(x, y, { features: Array.from({ length: features }, (_, j) => `f${j}`) });
}

const TIMING = new Set(['trainSeconds', 'secondsToTarget', 'workers', 'pricedSecondsToTarget', 'secondsPerUpdate', 'wallOverPriced', 'timesDisagree', 'throughput']);

/** A JSON copy of a record without its wall-clock fields (and the worker count). */
export function withoutTiming(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, val: unknown) => (TIMING.has(k) ? undefined : val)));
}
