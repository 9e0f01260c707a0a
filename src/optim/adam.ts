// Adam (Kingma & Ba 2015) as torch.optim.Adam, and AdamW's decoupled weight decay.
import { checkNumber } from '../core/check.js';
import { checkOptionsObject } from './schedule.js';
import { MinibatchError } from '../core/errors.js';
import { Optimizer, type LearningRate, type OptimizerSpec } from './optimizer.js';

export interface AdamOptions {
  /** Default 1e-3. */
  learningRate?: LearningRate;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added after the square root. Default 1e-8. */
  epsilon?: number;
  /** Weight decay lambda: L2 added to the gradient (Adam) or decoupled (AdamW). Default 0. */
  weightDecay?: number;
}

/**
 * Adam, PyTorch's rule. Per update t = 1, 2, ... with gradient g (m and v start at zero):
 *
 *     g <- g + lambda p
 *     m <- beta1 m + (1 - beta1) g
 *     v <- beta2 v + (1 - beta2) g^2
 *     p <- p - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 *
 * Epsilon is added after the square root, as in PyTorch and the paper.
 */
export function adam(o: AdamOptions = {}): Adam { checkOptionsObject('adam', o, '{ learningRate: 0.001 }'); return new Adam(o, false); }

/**
 * AdamW (Loshchilov & Hutter 2019), PyTorch's rule: Adam without the L2 term in g, and
 * p <- p (1 - lr lambda) before the Adam step. Default weightDecay 0.01 as in PyTorch.
 */
export function adamw(o: AdamOptions = {}): Adam { checkOptionsObject('adamw', o, '{ learningRate: 0.001 }'); return new Adam({ weightDecay: 0.01, ...o }, true); }

export class Adam extends Optimizer {
  readonly spec: Extract<OptimizerSpec, { type: 'adam' }>;
  private m: Float32Array = new Float32Array(0);
  private v: Float32Array = new Float32Array(0);

  constructor(o: AdamOptions, decoupled: boolean) {
    super(o.learningRate ?? 1e-3);
    this.spec = {
      type: 'adam', learningRate: this.schedule.spec,
      beta1: beta('beta1', o.beta1 ?? 0.9, 0.9),
      beta2: beta('beta2', o.beta2 ?? 0.999, 0.999),
      epsilon: checkNumber('epsilon', o.epsilon ?? 1e-8, 0, 1),
      weightDecay: checkNumber('weightDecay', o.weightDecay ?? 0, 0, Infinity),
      decoupled,
    };
  }

  buffers(): Float32Array[] { return [this.m, this.v]; }

  protected allocateBuffers(size: number): void {
    this.m = this.newBuffer(size); this.v = this.newBuffer(size);
  }

  protected update(p: Float32Array, g: Float32Array, lr: number, t: number): void {
    const { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupled } = this.spec;
    const m = this.m; const v = this.v; const n = p.length;
    const stepSize = lr / (1 - b1 ** t);
    const rootBc2 = Math.sqrt(1 - b2 ** t);
    const l2 = decoupled ? 0 : wd; const shrink = decoupled ? 1 - lr * wd : 1;
    const k = this.fused(p, g);
    if (k) { k.adam(p, g, m, v, b1, 1 - b1, b2, 1 - b2, stepSize, rootBc2, eps, l2, shrink); return; }
    for (let i = 0; i < n; i++) {
      const pi = p[i]! * shrink;
      const gi = g[i]! + l2 * pi;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi; v[i] = vi;
      p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / rootBc2 + eps);
    }
  }
}

/** A moment decay in [0, 1): at 1 the bias correction 1 - beta^t is 0 and the step undefined. */
function beta(name: string, v: unknown, typical: number): number {
  const hint = `Use a value in [0, 1) such as ${typical}`;
  const b = checkNumber(name, v, 0, 1, { hint });
  if (b >= 1) throw new MinibatchError('BAD_ARGUMENT', `${name} must be a number >= 0 and below 1, got ${b}. ${hint}`);
  return b;
}
