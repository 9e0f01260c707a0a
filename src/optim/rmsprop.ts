// RMSProp (Hinton 2012), exactly as torch.optim.RMSprop, with optional momentum and centring.
import { checkNumber } from '../core/check.js';
import { checkOptionsObject } from './schedule.js';
import { Optimizer, type LearningRate, type OptimizerSpec } from './optimizer.js';

export interface RmspropOptions {
  /** Default 0.01 (PyTorch's default). */
  learningRate?: LearningRate;
  /** Smoothing constant alpha of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Added to the root mean square. Default 1e-8. */
  epsilon?: number;
  /** Momentum factor mu. Default 0. */
  momentum?: number;
  /** Divide by an estimate of the gradient's variance instead of its raw second moment. Default false. */
  centered?: boolean;
  /** L2 penalty lambda added to the gradient. Default 0. */
  weightDecay?: number;
}

/**
 * RMSProp, PyTorch's rule. Per update with gradient g (all buffers start at zero):
 *
 *     g <- g + lambda p
 *     v <- alpha v + (1 - alpha) g^2
 *     d  = sqrt(v) + eps                      (centered: ga <- alpha ga + (1 - alpha) g,
 *                                              d = sqrt(v - ga^2) + eps)
 *     mu = 0:  p <- p - lr g / d
 *     mu > 0:  b <- mu b + g / d;  p <- p - lr b
 */
export function rmsprop(o: RmspropOptions = {}): Rmsprop { checkOptionsObject('rmsprop', o, '{ learningRate: 0.01 }'); return new Rmsprop(o); }

export class Rmsprop extends Optimizer {
  readonly spec: Extract<OptimizerSpec, { type: 'rmsprop' }>;
  private v: Float32Array = new Float32Array(0);
  private ga: Float32Array = new Float32Array(0);
  private buf: Float32Array = new Float32Array(0);

  constructor(o: RmspropOptions) {
    super(o.learningRate ?? 0.01);
    this.spec = {
      type: 'rmsprop', learningRate: this.schedule.spec,
      alpha: checkNumber('alpha', o.alpha ?? 0.99, 0, 1),
      epsilon: checkNumber('epsilon', o.epsilon ?? 1e-8, 0, 1),
      momentum: checkNumber('momentum', o.momentum ?? 0, 0, 1),
      centered: o.centered ?? false,
      weightDecay: checkNumber('weightDecay', o.weightDecay ?? 0, 0, Infinity),
    };
  }

  buffers(): Float32Array[] { return [this.v, this.ga, this.buf]; }

  protected allocateBuffers(size: number): void {
    this.v = this.newBuffer(size);
    this.ga = this.newBuffer(this.spec.centered ? size : 0);
    this.buf = this.newBuffer(this.spec.momentum > 0 ? size : 0);
  }

  protected update(p: Float32Array, g: Float32Array, lr: number): void {
    const { alpha, epsilon, momentum: mu, centered, weightDecay: wd } = this.spec;
    const v = this.v; const ga = this.ga; const b = this.buf; const n = p.length;
    const k = this.fused(p, g);
    if (k) {
      k.rmsprop(p, g, v, ga, b, alpha, 1 - alpha, epsilon, mu, lr, wd, centered ? 1 : 0, mu > 0 ? 1 : 0);
      return;
    }
    for (let i = 0; i < n; i++) {
      const gi = g[i]! + wd * p[i]!;
      const vi = alpha * v[i]! + (1 - alpha) * gi * gi;
      v[i] = vi;
      let d: number;
      if (centered) {
        const gai = alpha * ga[i]! + (1 - alpha) * gi;
        ga[i] = gai;
        d = Math.sqrt(vi - gai * gai) + epsilon;
      } else d = Math.sqrt(vi) + epsilon;
      if (mu > 0) { const bi = mu * b[i]! + gi / d; b[i] = bi; p[i] = p[i]! - lr * bi; }
      else p[i] = p[i]! - (lr * gi) / d;
    }
  }
}
