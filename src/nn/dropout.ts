// Dropout between hidden layers: the rates' validation and the seeded masks a training step applies.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { Rng, type RngState } from '../core/rng.js';
import type { DropoutMasks } from '../kernels/backend.js';

/**
 * Checks `mlp`'s `dropout` option against the hidden layers of `layers`: a number (the same rate
 * after every hidden layer) or an array with one rate per hidden layer, each in [0, 1). Returns
 * one rate per hidden layer, or undefined when every rate is 0 (no dropout: the spec stays as
 * without the option).
 */
export function checkDropout(value: unknown, layers: readonly number[], name = 'dropout'): number[] | undefined {
  if (value === undefined) return undefined;
  const hidden = layers.length - 2;
  const example = `e.g. ${name}: 0.2 or [${Array.from({ length: Math.max(hidden, 1) }, () => '0.2').join(', ')}]`;
  const rates = Array.isArray(value) ? value : [...Array<unknown>(Math.max(hidden, 0))].map(() => value);
  if (!Array.isArray(value) && (typeof value !== 'number' || !isRate(value))) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} must be a rate in [0, 1) (the fraction of hidden units zeroed during training), got ${show(value)}; ${example}`);
  }
  if (hidden === 0 && (Array.isArray(value) ? value.length > 0 : value !== 0)) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} needs hidden layers, but layers ${layers.join('-')} has none (dropout acts between hidden layers); add a hidden layer such as [${layers[0]}, 16, ${layers[layers.length - 1]}] or leave ${name} out`);
  }
  if (rates.length !== hidden) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} must give one rate per hidden layer (${hidden} for layers ${layers.join('-')}), got ${rates.length}: ${show(value)}; ${example}`);
  }
  rates.forEach((r, i) => {
    if (typeof r !== 'number' || !isRate(r)) {
      throw new MinibatchError('BAD_ARGUMENT', `${name}[${i}] must be a rate in [0, 1), got ${show(r)}; ${example}`);
    }
  });
  return (rates as number[]).some((r) => r > 0) ? [...(rates as number[])] : undefined;
}

function isRate(r: number): boolean { return Number.isFinite(r) && r >= 0 && r < 1; }

/** The seed of the dropout masks derived from a seed (fit's, or the model's at construction): a stream apart from the sampler's. */
export function dropoutRng(seed: number): Rng { return new Rng(seed).fork(); }

/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
 * from overfitting"; scaled at training time as Keras's `Dropout` layer): during training each
 * unit of hidden layer l is kept with probability 1 - p_l and then scaled by 1/(1 - p_l), so
 * E[a'] = a and evaluation uses the network unchanged. The masks are drawn here, on the JS heap
 * from one seeded RNG whatever the backend (so every backend applies the same masks), layer by
 * layer and row by row; a unit is dropped when a uniform 32-bit draw is below round(p 2^32).
 * The draws are those of `dropoutRng(seed).nextUint32()`, inlined over an Int32Array state (a
 * generator object's uint32 fields would be boxed on every draw). The buffers grow with the
 * largest batch and are reused: a step allocates nothing.
 */
export class DropoutMasker {
  readonly rates: readonly number[];
  /** xoshiro128** state words (the generator of {@link dropoutRng}). */
  private readonly state = new Int32Array(4);
  private readonly widths: number[];
  private readonly thresholds: number[];
  private readonly scales: number[];
  private readonly buffers: (Float32Array | null)[];
  private capacity = 0;

  constructor(rates: readonly number[], layers: readonly number[], seed: number) {
    this.rates = rates;
    this.widths = layers.slice(1, -1);
    this.thresholds = rates.map((p) => Math.round(p * 4294967296));
    this.scales = rates.map((p) => Math.fround(1 / (1 - p)));
    this.buffers = rates.map(() => null);
    this.reseed(seed);
  }

  /** Restarts the masks' stream from `seed` (fit does so with its seed). */
  reseed(seed: number): void { this.setState(dropoutRng(seed).getState()); }

  /** The generator's state (for checkpoints), in the layout of Rng's. */
  getState(): RngState { const s = this.state; return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0, NaN]; }
  setState(st: Readonly<RngState>): void { for (let i = 0; i < 4; i++) this.state[i] = st[i]! | 0; }

  /** Fresh masks for m rows: per hidden layer with a rate > 0, m x width values 0 or 1/(1-p). */
  draw(m: number): DropoutMasks {
    if (m > this.capacity) this.grow(m);
    const bufs = this.buffers; const st = this.state;
    let s0 = st[0]!; let s1 = st[1]!; let s2 = st[2]!; let s3 = st[3]!;
    for (let l = 0; l < bufs.length; l++) {
      const b = bufs[l];
      if (!b) continue;
      const len = m * this.widths[l]!; const t = this.thresholds[l]!; const s = this.scales[l]!;
      for (let i = 0; i < len; i++) {
        // xoshiro128** (Rng.nextUint32): r = rotl(s1 * 5, 7) * 9, then the state update.
        const x = Math.imul(s1, 5);
        const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
        const u = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= u; s3 = (s3 << 11) | (s3 >>> 21);
        b[i] = r < t ? 0 : s;
      }
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    return bufs;
  }

  private grow(m: number): void {
    for (let l = 0; l < this.buffers.length; l++) {
      this.buffers[l] = this.rates[l]! > 0 ? new Float32Array(m * this.widths[l]!) : null;
    }
    this.capacity = m;
  }
}
