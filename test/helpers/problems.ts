// Small seeded synthetic problems for engine tests, plus a spy model that records batch rows.
import { Rng } from '../../src/core/rng.js';
import { Dataset } from '../../src/data/dataset.js';
import type { Batch } from '../../src/data/batch.js';
import { Model } from '../../src/nn/model.js';
import { linearRegression } from '../../src/nn/models.js';

/** n x f standard-normal features. */
export function normalRows(n: number, f: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: f }, () => rng.normal()));
}

/** y = x w* + b* + noise (one or several outputs), with x standard normal. */
export function regressionProblem(n: number, f: number, outputs: number, seed: number, noise = 0.1): Dataset {
  const rng = new Rng(seed + 1000);
  const x = normalRows(n, f, seed);
  const w = Array.from({ length: f * outputs }, () => rng.normal());
  const b = Array.from({ length: outputs }, () => rng.normal());
  const y = x.map((row) => Array.from({ length: outputs }, (_, j) =>
    row.reduce((s, v, i) => s + v * w[i * outputs + j]!, b[j]!) + noise * rng.normal()));
  return Dataset.fromArrays(x, outputs === 1 ? y.map((r) => r[0]!) : y);
}

/** Binary labels 0/1 from a noisy linear rule. */
export function binaryProblem(n: number, f: number, seed: number): Dataset {
  const rng = new Rng(seed + 2000);
  const x = normalRows(n, f, seed);
  const w = Array.from({ length: f }, () => rng.normal());
  const y = x.map((row) => (row.reduce((s, v, i) => s + v * w[i]!, 0) + 0.3 * rng.normal() > 0 ? 1 : 0));
  return Dataset.fromArrays(x, y);
}

/** Class indices 0..classes-1 from the argmax of a random linear map. */
export function multiclassProblem(n: number, f: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed + 3000);
  const x = normalRows(n, f, seed);
  const w = Array.from({ length: f * classes }, () => rng.normal());
  const y = x.map((row) => {
    let best = 0; let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = row.reduce((s, xv, i) => s + xv * w[i * classes + c]!, 0);
      if (v > bestV) { bestV = v; best = c; }
    }
    return best;
  });
  return Dataset.fromArrays(x, y);
}

/** One feature holding the row index and target 0: a batch's x column names its rows. */
export function indexedDataset(n: number): Dataset {
  return Dataset.fromArrays(Array.from({ length: n }, (_, i) => [i]), new Array<number>(n).fill(0));
}

/**
 * A linear regression model that records, for every training step (accumulateGrad, the call
 * fit makes), the first feature of each batch row (with indexedDataset: the row indices of the
 * batch) before delegating.
 */
export class SpyModel extends Model {
  readonly batches: number[][] = [];
  constructor(inputs = 1, seed = 1) {
    super(linearRegression({ inputs, seed, init: 'zeros' }).spec);
  }
  override accumulateGrad(params: Float32Array, batch: Batch, grad: Float32Array, sum: boolean, stats: Float64Array): void {
    const rows: number[] = [];
    for (let i = 0; i < batch.size; i++) rows.push(batch.x[i * this.inputs]!);
    this.batches.push(rows);
    super.accumulateGrad(params, batch, grad, sum, stats);
  }
}

/** Rows of a dataset as number[][] (x) and number[][] (y), for reference computations. */
export function rowsOf(data: Dataset): { x: number[][]; y: number[][] } {
  const x: number[][] = []; const y: number[][] = [];
  for (let r = 0; r < data.length; r++) {
    x.push(Array.from(data.x.subarray(r * data.numFeatures, (r + 1) * data.numFeatures)));
    y.push(Array.from(data.y.subarray(r * data.targetWidth, (r + 1) * data.targetWidth)));
  }
  return { x, y };
}

/** Solves the least-squares problem min ||[X 1] beta - y||^2 in float64 by normal equations. */
export function leastSquares(x: number[][], y: number[]): number[] {
  const k = (x[0]?.length ?? 0) + 1;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  x.forEach((row, r) => {
    const v = [...row, 1];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) A[i]![j]! += v[i]! * v[j]!;
      A[i]![k]! += v[i]! * y[r]!;
    }
  });
  // Gauss-Jordan elimination with partial pivoting on the augmented matrix [X^T X | X^T y].
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let j = c; j <= k; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  return A.map((row, i) => row[k]! / row[i]!);
}
