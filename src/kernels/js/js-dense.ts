// KernelDense: a model's passes on any Backend's per-call kernels, buffers on the JS heap (the JS backend's engine).
import type { Backend, DenseEngine, DenseLayout, DropoutMasks, RowGatherer } from '../backend.js';
import { MaskedPasses } from './masked-passes.js';

/**
 * Runs a dense stack layer by layer through a kernel table: forward (dense + activation),
 * backward (parameter gradient, input gradient, activation derivative), with the activation
 * and delta buffers sized for the largest batch seen and reused, so a step allocates nothing.
 * Batches are copied as usual (no gatherer) and the loss is the caller's (no fused softmax).
 * Dropout masks, when given, are applied between layers by {@link MaskedPasses}.
 */
export class KernelDense implements DenseEngine {
  readonly params: Float32Array;
  readonly grad: Float32Array;
  readonly fusedSoftmax = false;
  delta = new Float32Array(0);
  private deltaB = new Float32Array(0);
  private acts: Float32Array[] = [];
  private capacity = 0;
  private readonly dropout: MaskedPasses;

  constructor(private readonly be: Backend, private readonly s: DenseLayout) {
    this.params = new Float32Array(s.paramCount);
    this.grad = new Float32Array(s.paramCount);
    this.dropout = new MaskedPasses(s.act);
  }

  forward(params: Float32Array, x: Float32Array, m: number, masks?: DropoutMasks): Float32Array {
    this.ensure(m);
    const drop = this.dropout; drop.masks = masks ?? null;
    const L = this.s.layers; const be = this.be; const depth = L.length - 1;
    let input = x;
    for (let l = 0; l < depth; l++) {
      const out = this.acts[l]!;
      be.denseForward(m, L[l]!, L[l + 1]!, input, params, this.s.wOff[l]!, this.s.bOff[l]!, out);
      if (l < depth - 1) {
        be.activationForward(this.s.act, out, m * L[l + 1]!, this.s.slope);
        if (masks) drop.forward(l, out, m * L[l + 1]!);
      }
      input = out;
    }
    return input;
  }

  backward(params: Float32Array, x: Float32Array, m: number, grad: Float32Array): void {
    const L = this.s.layers; const be = this.be;
    let D = this.delta;
    for (let l = L.length - 2; l >= 0; l--) {
      const input = l === 0 ? x : this.acts[l - 1]!;
      be.denseBackwardParams(m, L[l]!, L[l + 1]!, input, D, grad, this.s.wOff[l]!, this.s.bOff[l]!);
      if (l > 0) {
        const next = D === this.delta ? this.deltaB : this.delta;
        be.denseBackwardInput(m, L[l]!, L[l + 1]!, D, params, this.s.wOff[l]!, next);
        const a = this.dropout.backward(l - 1, next, m * L[l]!, this.acts[l - 1]!) ?? this.acts[l - 1]!;
        be.activationBackward(this.s.act, a, next, m * L[l]!, this.s.slope);
        D = next;
      }
    }
  }

  softmaxLoss(): void { throw new Error('KernelDense has no fused softmax (fusedSoftmax is false)'); }

  rowGatherer(): RowGatherer | undefined { return undefined; }

  /** The JS kernels read the caller's rows where they are. */
  residentRows(): Float32Array | undefined { return undefined; }

  /** Nothing to give back: the buffers are garbage collected with the engine. */
  dispose(): void {}

  private ensure(m: number): void {
    if (m <= this.capacity) return;
    const L = this.s.layers; const widest = Math.max(...L.slice(1));
    this.acts = L.slice(1).map((w) => new Float32Array(m * w));
    this.delta = new Float32Array(m * widest);
    this.deltaB = new Float32Array(m * widest);
    this.capacity = m;
  }
}
