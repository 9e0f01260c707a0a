// Stochastic gradient descent with optional (Nesterov) momentum and weight decay, as torch.optim.SGD.
import { checkNumber } from '../core/check.js';
import { checkOptionsObject } from './schedule.js';
import { MinibatchError } from '../core/errors.js';
import { Optimizer, type LearningRate, type OptimizerSpec } from './optimizer.js';

export interface SgdOptions {
  learningRate: LearningRate;
  /** Momentum factor mu (0 disables momentum). Default 0. */
  momentum?: number;
  /** Dampening tau of the momentum buffer. Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty lambda added to the gradient. Default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent, exactly PyTorch's `torch.optim.SGD` rule. Per update t = 1, 2, ...
 * with gradient g_t of the (mean or summed) batch loss:
 *
 *     g  <- g_t + lambda p
 *     b_1 = g;  b_t = mu b_{t-1} + (1 - tau) g        (only when mu != 0; b starts at the first g)
 *     g  <- g + mu b_t  (nesterov)   or   g <- b_t    (classic momentum)
 *     p  <- p - lr_t g
 */
export function sgd(o: SgdOptions): Sgd { checkOptionsObject('sgd', o ?? null, '{ learningRate: 0.01 }'); return new Sgd(o); }

export class Sgd extends Optimizer {
  readonly spec: Extract<OptimizerSpec, { type: 'sgd' }>;
  private buf: Float32Array = new Float32Array(0);

  constructor(o: SgdOptions) {
    super(o?.learningRate as LearningRate);
    const momentum = checkNumber('momentum', o.momentum ?? 0, 0, 1, { hint: 'Use a value in [0, 1), typically 0.9' });
    const dampening = checkNumber('dampening', o.dampening ?? 0, 0, 1);
    const weightDecay = checkNumber('weightDecay', o.weightDecay ?? 0, 0, Infinity);
    const nesterov = o.nesterov ?? false;
    if (nesterov && (momentum === 0 || dampening !== 0)) {
      throw new MinibatchError('BAD_ARGUMENT', `nesterov needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}; set momentum: 0.9`);
    }
    this.spec = { type: 'sgd', learningRate: this.schedule.spec, momentum, dampening, nesterov, weightDecay };
  }

  buffers(): Float32Array[] { return this.spec.momentum === 0 ? [] : [this.buf]; }

  protected allocateBuffers(size: number): void {
    this.buf = this.newBuffer(this.spec.momentum === 0 ? 0 : size);
  }

  protected update(p: Float32Array, g: Float32Array, lr: number, t: number): void {
    const { momentum: mu, dampening, nesterov, weightDecay: wd } = this.spec;
    const n = p.length;
    const k = this.fused(p, g);
    if (k) {
      const mode = mu === 0 ? (wd === 0 ? 0 : 1) : t === 1 ? (nesterov ? 3 : 2) : nesterov ? 4 : 5;
      k.sgd(p, g, this.buf, lr, mu, 1 - dampening, wd, mode);
      return;
    }
    if (mu === 0) {
      if (wd === 0) for (let i = 0; i < n; i++) p[i] = p[i]! - lr * g[i]!;
      else for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]!);
      return;
    }
    // The branches are hoisted out of the per-parameter loops (a test inside costs ~2x here).
    const b = this.buf; const keep = 1 - dampening;
    if (t === 1) {
      for (let i = 0; i < n; i++) {
        const gi = g[i]! + wd * p[i]!;
        b[i] = gi;
        p[i] = p[i]! - lr * (nesterov ? gi + mu * gi : gi);
      }
    } else if (nesterov) {
      for (let i = 0; i < n; i++) {
        const gi = g[i]! + wd * p[i]!;
        const bi = mu * b[i]! + keep * gi;
        b[i] = bi;
        p[i] = p[i]! - lr * (gi + mu * bi);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const bi = mu * b[i]! + keep * (g[i]! + wd * p[i]!);
        b[i] = bi;
        p[i] = p[i]! - lr * bi;
      }
    }
  }
}
