// Seeded weight initialisers: Glorot (Xavier) uniform, He (Kaiming) normal, and zeros.
import type { Rng } from '../core/rng.js';

export type Initializer = 'glorot' | 'he' | 'zeros';

/**
 * Fills `W` (fanIn x fanOut) in place.
 * - glorot: U(-a, a), a = sqrt(6 / (fanIn + fanOut))   (Glorot & Bengio 2010)
 * - he:     N(0, 2 / fanIn)                            (He et al. 2015), suited to ReLU
 * - zeros:  all 0 (fine for convex models, never for hidden layers)
 */
export function initWeights(kind: Initializer, W: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  if (kind === 'zeros') { W.fill(0); return; }
  if (kind === 'glorot') {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < W.length; i++) W[i] = (2 * rng.next() - 1) * a;
    return;
  }
  const sd = Math.sqrt(2 / fanIn);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() * sd;
}
