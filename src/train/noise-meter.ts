// The gradient noise scale measured from the training batches themselves: paired-batch estimates and their EMA.
import { MinibatchError } from '../core/errors.js';

function ratio(tr: number, g2: number): number {
  if (g2 > 0) return tr / g2;
  return tr > 0 ? Infinity : NaN;
}

/** What a checkpoint keeps of a NoiseScaleEma. */
export interface NoiseEmaState { g: number; t: number; k: number }

/**
 * Exponential moving averages of |G|^2 and tr(Sigma) estimates, smoothed SEPARATELY and only
 * then divided (the ratio of noisy estimates is biased; McCandlish et al. 2018, appendix A).
 * Bias-corrected as Adam's moments: avg_k = EMA_k / (1 - decay^k), so the first value is not
 * pulled towards 0. The default decay 0.5 suits short runs with ~10-20 measurements (it
 * forgets a measurement's weight by half each step, tracking a noise scale that grows).
 */
export class NoiseScaleEma {
  private g = 0; private t = 0; private k = 0;
  constructor(readonly decay = 0.5) {
    if (!(decay >= 0 && decay < 1)) throw new MinibatchError('BAD_ARGUMENT', `decay must be a number in [0, 1), got ${decay}; use e.g. 0.5 for short runs, 0.9 for long ones`);
  }
  /** Adds one pair of estimates (e.g. a NoiseScaleResult's gradNormSq and traceSigma). */
  add(gradNormSq: number, traceSigma: number): void {
    if (!Number.isFinite(gradNormSq) || !Number.isFinite(traceSigma)) return;
    this.g = this.decay * this.g + (1 - this.decay) * gradNormSq;
    this.t = this.decay * this.t + (1 - this.decay) * traceSigma;
    this.k++;
  }
  get gradNormSq(): number { return this.k ? this.g / (1 - this.decay ** this.k) : NaN; }
  get traceSigma(): number { return this.k ? this.t / (1 - this.decay ** this.k) : NaN; }
  /** Smoothed tr(Sigma) / smoothed |G|^2. */
  get bSimple(): number { return this.k ? ratio(this.traceSigma, this.gradNormSq) : NaN; }
  getState(): NoiseEmaState { return { g: this.g, t: this.t, k: this.k }; }
  setState(s: NoiseEmaState): void { this.g = s.g; this.t = s.t; this.k = s.k; }
}

/** What a checkpoint keeps of a GradientNoiseMeter (the pending gradient as a copy). */
export interface NoiseMeterState { g2Sum: number; trSum: number; pairs: number; prevLen: number; prev: Float32Array; ema: NoiseEmaState }

/**
 * Measures B_simple = tr(Sigma) / |G|^2 (McCandlish et al. 2018) for free during training from
 * the gradients the loop computes anyway: consecutive batches of equal size B are paired, and
 * each pair gives a small-batch (B) and a big-batch (2B) squared gradient norm,
 *   S = (|g_1|^2 + |g_2|^2) / 2,   L = |(g_1 + g_2) / 2|^2.
 * Within an epoch the rows are drawn WITHOUT replacement from the n training rows, so
 * E|G_B|^2 = |G|^2 + (tr(Sigma) / B) (n - B) / (n - 1), and solving the two equations gives
 *   tr(Sigma) ~ 2B (S - L) (n - 1) / n,   |G|^2 ~ L - tr(Sigma) (n - 2B) / (2B (n - 1)),
 * unbiased except that g_2 is taken one update after g_1 (a small drift, as in the data-parallel
 * estimate of McCandlish et al., appendix A.1). A pair's estimates are averaged over the epoch
 * (pairs with a smaller last batch are skipped); closeEpoch() feeds the epoch means into a
 * NoiseScaleEma. observe() costs two passes over the parameters and allocates nothing.
 * With dropout the gradients are the ones trained with (masks drawn independently per row), so
 * Sigma includes the masks' noise: the noise scale of the training actually run.
 */
export class GradientNoiseMeter {
  readonly ema: NoiseScaleEma;
  private readonly prev: Float32Array;
  private prevLen = 0;
  private g2Sum = 0; private trSum = 0; private pairs = 0;

  constructor(readonly params: number, readonly rows: number, emaDecay = 0.5) {
    this.prev = new Float32Array(params);
    this.ema = new NoiseScaleEma(emaDecay);
  }

  /** Takes one batch's gradient (mean over `len` rows; pass `sum` when it is the plain sum). */
  observe(grad: Float32Array, len: number, sum: boolean): void {
    const prev = this.prev; const s = sum ? 1 / len : 1;
    if (this.prevLen !== len) { for (let i = 0; i < prev.length; i++) prev[i] = grad[i]! * s; this.prevLen = len; return; }
    let a = 0; let b = 0; let c = 0;
    for (let i = 0; i < prev.length; i++) {
      const g = grad[i]! * s; const p = prev[i]!;
      a += g * g; b += p * p; const m = (g + p) / 2; c += m * m;
    }
    this.prevLen = 0;
    const n = this.rows; const B = len;
    if (2 * B > n) return;
    const small = (a + b) / 2;
    const tr = n > 1 ? (2 * B * (small - c) * (n - 1)) / n : 0;
    this.g2Sum += c - (tr * (n - 2 * B)) / (2 * B * Math.max(1, n - 1));
    this.trSum += tr; this.pairs++;
  }

  /** Ends an epoch: the mean of its pair estimates goes into the EMA (none when no pair was complete). */
  closeEpoch(): void {
    if (this.pairs > 0) this.ema.add(this.g2Sum / this.pairs, this.trSum / this.pairs);
    this.g2Sum = 0; this.trSum = 0; this.pairs = 0; this.prevLen = 0;
  }

  /** The smoothed noise scale so far (NaN before the first epoch with a pair). */
  get bSimple(): number { return this.ema.bSimple; }

  getState(): NoiseMeterState {
    return { g2Sum: this.g2Sum, trSum: this.trSum, pairs: this.pairs, prevLen: this.prevLen, prev: this.prev.slice(), ema: this.ema.getState() };
  }

  setState(s: NoiseMeterState): void {
    if (s.prev.length !== this.prev.length) throw new MinibatchError('BAD_SHAPE', `the saved noise meter holds ${s.prev.length} gradient values, this model has ${this.prev.length}; resume with the same model`);
    this.g2Sum = s.g2Sum; this.trSum = s.trSum; this.pairs = s.pairs; this.prevLen = s.prevLen;
    this.prev.set(s.prev); this.ema.setState(s.ema);
  }
}
