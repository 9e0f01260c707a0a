// MaskedPasses: inverted dropout inside an engine's passes (masks on hidden outputs going forward, on their deltas coming back).
import { ACT, type ActCode, type DropoutMasks } from '../backend.js';

/**
 * The dropout part of a dense engine's forward and backward passes, shared by every engine so
 * they apply the same masks the same way (plain float32 multiplies, on the JS heap or on views
 * of an engine's memory alike). Going forward, hidden layer l's output a = f(z) becomes
 * a' = a * mask (mask 0 or 1/(1-p)); coming back, the delta d loss / d a' becomes
 * d loss / d a = delta * mask before the activation's derivative. That derivative is written
 * in terms of f(z): relu, leaky relu and linear read the masked output (same sign where kept,
 * and a dropped unit's delta is already 0), tanh and sigmoid read a copy of f(z) kept before
 * masking (buffers made on first need, reused after: nothing is allocated per step).
 */
export class MaskedPasses {
  /** The masks of the last forward pass (null: that pass had no dropout). */
  masks: DropoutMasks | null = null;
  private readonly keepsOutput: boolean;
  private keep: Float32Array[] = [];

  constructor(act: ActCode) { this.keepsOutput = act === ACT.tanh || act === ACT.sigmoid; }

  /** After hidden layer l's activation wrote `len` values into `out`: keeps f(z) when needed, then out *= mask. */
  forward(l: number, out: Float32Array, len: number): void {
    const mask = this.masks![l];
    if (!mask) return;
    if (this.keepsOutput) {
      let k = this.keep[l];
      if (!k || k.length < len) k = this.keep[l] = new Float32Array(out.length);
      k.set(out.subarray(0, len));
    }
    for (let i = 0; i < len; i++) out[i] = out[i]! * mask[i]!;
  }

  /**
   * Before the derivative of hidden layer l's activation: delta *= mask over `len` values, and
   * the buffer holding f(z) for the derivative (`acts`, or the copy kept unmasked). Returns
   * null when layer l had no mask (the caller's usual path then runs unchanged).
   */
  backward(l: number, delta: Float32Array, len: number, acts: Float32Array): Float32Array | null {
    const mask = this.masks === null ? null : this.masks[l];
    if (!mask) return null;
    for (let i = 0; i < len; i++) delta[i] = delta[i]! * mask[i]!;
    return this.keepsOutput ? this.keep[l]! : acts;
  }
}
