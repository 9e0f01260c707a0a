// Gradient clipping by value and by global norm, in place (fit's clipValue and clipNorm).
import { checkNumber } from '../core/check.js';

/** Checked clipping settings; Infinity turns a rule off. */
export interface Clipping { value: number; norm: number }

/** Checks fit's clipValue and clipNorm (each > 0 when given); undefined when neither is set. */
export function resolveClipping(o: { clipValue?: number | undefined; clipNorm?: number | undefined }): Clipping | undefined {
  if (o.clipValue === undefined && o.clipNorm === undefined) return undefined;
  return {
    value: o.clipValue === undefined ? Infinity : checkNumber('clipValue', o.clipValue, 0, Infinity, { minInclusive: false, hint: 'Use a positive bound such as 1' }),
    norm: o.clipNorm === undefined ? Infinity : checkNumber('clipNorm', o.clipNorm, 0, Infinity, { minInclusive: false, hint: 'Use a positive bound such as 1' }),
  };
}

/**
 * Clips the batch gradient g in place before the optimizer's step, value first, then norm:
 * - by value (Keras `clipvalue`, torch.nn.utils.clip_grad_value_): g_i <- min(max(g_i, -v), v);
 * - by global norm (torch.nn.utils.clip_grad_norm_, Keras `global_clipnorm`): when
 *   ||g||_2 = sqrt(sum_i g_i^2) (over every parameter, in float64) exceeds c, g <- g c / ||g||_2.
 * Allocates nothing.
 */
export function clipGradient(g: Float32Array, c: Clipping): void {
  const v = c.value;
  if (v !== Infinity) {
    for (let i = 0; i < g.length; i++) { const x = g[i]!; if (x > v) g[i] = v; else if (x < -v) g[i] = -v; }
  }
  if (c.norm === Infinity) return;
  let ss = 0;
  for (let i = 0; i < g.length; i++) { const x = g[i]!; ss += x * x; }
  const norm = Math.sqrt(ss);
  if (norm > c.norm) {
    const f = c.norm / norm;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * f;
  }
}
