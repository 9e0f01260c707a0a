// Central finite differences of a model's summed batch loss, with Richardson extrapolation.
import type { Batch } from '../../src/data/batch.js';
import type { Model } from '../../src/nn/model.js';

/**
 * d(sum of per-row losses)/d params by central differences, evaluated with `model.lossAndGrad`
 * on a perturbed float32 copy of `params`. Float32 rounds p +- h, so each difference divides
 * by the step actually taken. Two step sizes are combined (Richardson: (4 D(h/2) - D(h)) / 3)
 * so the truncation error is O(h^4) and h can stay large enough (1e-2) that float32 rounding
 * of the loss is negligible.
 */
export function numericGradient(model: Model, params: Float32Array, batch: Batch, h = 1e-2): Float64Array {
  const p = params.slice();
  const scratch = new Float32Array(p.length);
  const out = new Float64Array(p.length);
  const diff = (i: number, step: number): number => {
    const orig = params[i]!;
    p[i] = orig + step; const hi = p[i]!;
    const lp = model.lossAndGrad(p, batch, scratch, 1);
    p[i] = orig - step; const lo = p[i]!;
    const lm = model.lossAndGrad(p, batch, scratch, 1);
    p[i] = orig;
    return (lp - lm) / (hi - lo);
  };
  for (let i = 0; i < p.length; i++) {
    const d1 = diff(i, h); const d2 = diff(i, h / 2);
    out[i] = (4 * d2 - d1) / 3;
  }
  return out;
}

/** The analytic gradient of the summed loss (scale 1) and the summed loss itself. */
export function analyticGradient(model: Model, params: Float32Array, batch: Batch): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(params.length);
  const loss = model.lossAndGrad(params, batch, grad, 1);
  return { loss, grad };
}
