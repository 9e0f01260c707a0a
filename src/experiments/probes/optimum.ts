// The full-batch optimum of a convex model, found by gradient descent with backtracking line search.
import type { Dataset } from '../../data/dataset.js';
import { BatchBuffer } from '../../data/batch.js';
import type { Model } from '../../nn/model.js';

export interface Optimum {
  /** True when the gradient norm fell below `tolerance` x its starting value. */
  converged: boolean;
  iterations: number;
  /** Mean training loss at the returned weights. */
  loss: number;
  /** Norm of the mean gradient at the returned weights, and at the start. */
  gradNorm: number;
  startGradNorm: number;
  params: Float32Array;
}

export interface OptimumOptions {
  /** Most full-batch gradient steps. Default 3000. */
  maxIterations?: number;
  /** Stop when |g| <= tolerance x |g_0|. Default 1e-4. */
  tolerance?: number;
  /** Skip (return undefined) when rows x parameters x maxIterations exceeds this. Default 4e10. */
  maxWork?: number;
}

/**
 * Minimises the mean training loss of a convex model (linear, logistic or softmax regression)
 * over all of `train` by full-batch gradient descent with an Armijo backtracking line search:
 * from p, step p' = p - t g with the largest t (doubling the previous one, then halving) such
 * that L(p') <= L(p) - t |g|^2 / 2. Starts from the model's current weights, which it leaves
 * untouched. The loss may have no finite minimiser (separable classes without regularisation):
 * then the gradient shrinks slowly and `converged` stays false. Returns undefined when the
 * problem is too large for `maxWork`.
 */
export function convexOptimum(model: Model, train: Dataset, o: OptimumOptions = {}): Optimum | undefined {
  const maxIt = o.maxIterations ?? 3000; const tol = o.tolerance ?? 1e-4;
  if (train.length * model.params.length * maxIt > (o.maxWork ?? 4e10)) return undefined;
  const order = Uint32Array.from({ length: train.length }, (_, i) => i);
  const batch = new BatchBuffer(train, train.length).gather(order, 0, train.length);
  const n = model.params.length;
  let p = Float32Array.from(model.params); let trial = new Float32Array(n);
  const g = new Float32Array(n); const scratch = new Float32Array(n);
  let loss = model.lossAndGrad(p, batch, g) / train.length;
  const g0 = norm(g); let gn = g0; let t = 1; let it = 0;
  while (it < maxIt && gn > tol * g0 && gn > 0) {
    t *= 2;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < n; i++) trial[i] = p[i]! - t * g[i]!;
      const l = model.lossAndGrad(trial, batch, scratch) / train.length;
      if (l <= loss - 0.5 * t * gn * gn) { loss = l; accepted = true; break; }
      t /= 2;
    }
    if (!accepted) break;
    [p, trial] = [trial, p];
    g.set(scratch); gn = norm(g); it++;
  }
  return { converged: gn <= tol * g0, iterations: it, loss, gradNorm: gn, startGradNorm: g0, params: p };
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
