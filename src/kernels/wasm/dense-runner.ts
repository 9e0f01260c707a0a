// DenseRunner: a model's forward and backward passes with its work buffers in WASM memory, each layer on the cheaper kernels.
import { ACT, type ActCode } from '../backend.js';
import { JsBackend } from '../js/js-backend.js';
import { wasmWins, type KernelCosts } from './cost-model.js';
import { WasmArena } from './wasm-arena.js';
import type { KernelExports, WasmKernels } from './wasm-module.js';

/**
 * The batch size at which the cost model picks each layer's kernels: the library's default
 * batch size, near the middle (in log scale) of the 1 to 1024 that batch-size sweeps cover.
 * Measured on the benchmark machine, the choice it gives loses to the other path by at most
 * 0.02 µs per step (logistic 30-1 at batch 1) and gains 1.6x to 15x elsewhere (bench/README.md).
 */
export const PLAN_BATCH = 32;

/** The shape of a dense stack, as the Model lays out its flat parameter vector. */
export interface DenseStack {
  /** Widths from input to output. */
  layers: readonly number[];
  wOff: readonly number[];
  bOff: readonly number[];
  /** Hidden-layer activation. */
  act: ActCode;
  /** Negative-side slope for leaky relu (0 for every other activation). */
  slope: number;
  paramCount: number;
}

/**
 * Runs a dense stack with every activation and delta buffer in one WASM memory, so a layer on
 * the WASM kernels reads its input in place and the JS kernels (Float32Array views of the same
 * memory) read it too. Per step only a WASM layer's weights are copied in (params stay a JS
 * array the optimizers update) and its gradient out, plus the batch inputs when the first layer
 * is a WASM one. Which layers run where is decided once per layer shape by the cost model
 * (`costs`, or every layer on WASM when `costs` is null) at batch {@link PLAN_BATCH}; it does
 * not change with the batch size, so a run's last partial batch, chunked evaluation and every
 * code path that trains the same model from the same seed give the same bits (the JS kernels
 * accumulate in float64 and the WASM ones in float32, so switching would change the low bits).
 * Nothing is allocated per step.
 */
export class DenseRunner {
  /** Outputs of each layer (views; re-made when the capacity grows). */
  acts: Float32Array[] = [];
  /** The delta buffer the loss writes into before `backward`. */
  delta: Float32Array = new Float32Array(0);
  private deltaB: Float32Array = new Float32Array(0);
  private readonly arena: WasmArena;
  private readonly k: KernelExports;
  private readonly js = new JsBackend();
  private readonly s: DenseStack;
  private readonly costs: KernelCosts | null;
  private readonly onWasm: Uint8Array;
  private anyWasm = false;
  private capacity = 0;
  private pPtr = 0; private gPtr = 0; private xPtr = 0; private packPtr = 0; private dPtrA = 0; private dPtrB = 0;
  private actPtr: number[] = [];
  private pDst: Float32Array[] = []; private gSrc: Float32Array[] = [];
  private xStage: Float32Array = new Float32Array(0);
  /** Slope passed to the kernels: a stored 0 unless the activation is leaky relu. */
  private readonly slopeArg: number;
  /** The activation fused into the WASM forward kernel: 1 relu, 2 leaky relu, 0 none. */
  private readonly fused: number;

  constructor(kernels: WasmKernels, stack: DenseStack, costs: KernelCosts | null) {
    this.arena = new WasmArena(kernels); this.k = this.arena.kernels;
    this.s = stack; this.costs = costs;
    this.onWasm = new Uint8Array(stack.layers.length - 1);
    this.slopeArg = stack.act === ACT.leakyRelu ? stack.slope : 0;
    this.fused = stack.act === ACT.relu ? 1 : stack.act === ACT.leakyRelu ? 2 : 0;
    this.plan(PLAN_BATCH);
  }

  /** Whether layer l runs on the WASM kernels. */
  layerOnWasm(l: number): boolean { return this.onWasm[l] === 1; }

  /** Sizes the buffers for batches of up to m rows. */
  ensure(m: number): void {
    if (m <= this.capacity) return;
    const L = this.s.layers; const widest = Math.max(...L.slice(1));
    const sizes = [this.s.paramCount, this.s.paramCount, m * L[0]!, Math.max(m, ...L) * 8, m * widest, m * widest, ...L.slice(1).map((w) => m * w)];
    const ptrs = this.arena.layout(sizes);
    [this.pPtr, this.gPtr, this.xPtr, this.packPtr, this.dPtrA, this.dPtrB] = ptrs as [number, number, number, number, number, number];
    this.actPtr = ptrs.slice(6);
    this.acts = this.actPtr.map((p, l) => this.arena.view(p, m * L[l + 1]!));
    this.delta = this.arena.view(this.dPtrA, m * widest); this.deltaB = this.arena.view(this.dPtrB, m * widest);
    this.xStage = this.arena.view(this.xPtr, m * L[0]!);
    const span = (l: number): [number, number] => [this.s.wOff[l]!, this.s.bOff[l]! + L[l + 1]!];
    this.pDst = L.slice(1).map((_, l) => { const [a, b] = span(l); return this.arena.view(this.pPtr + 4 * a, b - a); });
    this.gSrc = L.slice(1).map((_, l) => { const [a, b] = span(l); return this.arena.view(this.gPtr + 4 * a, b - a); });
    this.capacity = m;
  }

  private plan(m: number): void {
    const L = this.s.layers; let any = false;
    for (let l = 0; l < this.onWasm.length; l++) {
      const w = this.costs === null || wasmWins(this.costs, m, L[l]!, L[l + 1]!, l === 0);
      this.onWasm[l] = w ? 1 : 0; any = any || w;
    }
    this.anyWasm = any;
  }

  /**
   * Copies the parameters into WASM memory: all of them in one TypedArray.set of the whole
   * array (a set from a subarray view allocated 48 B per call in V8 11.3; the JS layers' few
   * extra floats cost less than that). A params array of another length (never the model's own)
   * is copied layer by layer.
   */
  private loadParams(params: Float32Array): void {
    if (params.length === this.s.paramCount) { this.arena.heap.set(params, this.pPtr >> 2); return; }
    const L = this.s.layers;
    for (let l = 0; l < this.onWasm.length; l++) {
      if (this.onWasm[l] === 1) this.pDst[l]!.set(params.subarray(this.s.wOff[l]!, this.s.bOff[l]! + L[l + 1]!));
    }
  }

  /** Forward pass for m rows of x; returns the buffer whose first m x outputs values are the logits. */
  forward(params: Float32Array, x: Float32Array, m: number): Float32Array {
    this.ensure(m);
    if (this.anyWasm) this.loadParams(params);
    const L = this.s.layers; const depth = L.length - 1; const k = this.k; const act = this.s.act;
    if (this.onWasm[0] === 1) this.stage(x, m);
    let input = x;
    for (let l = 0; l < depth; l++) {
      const kk = L[l]!; const n = L[l + 1]!; const out = this.acts[l]!; const hidden = l < depth - 1;
      if (this.onWasm[l] === 1) {
        const a = l === 0 ? this.xPtr : this.actPtr[l - 1]!;
        k.gemm(m, n, kk, a, kk, 1, this.pPtr + 4 * this.s.wOff[l]!, n, this.actPtr[l]!, n, this.pPtr + 4 * this.s.bOff[l]!,
          hidden ? this.fused : 0, this.slopeArg, this.packPtr);
        if (hidden && this.fused === 0) this.js.activationForward(act, out, m * n, this.slopeArg);
      } else {
        this.js.denseForward(m, kk, n, input, params, this.s.wOff[l]!, this.s.bOff[l]!, out);
        if (hidden) this.js.activationForward(act, out, m * n, this.slopeArg);
      }
      input = out;
    }
    return input;
  }

  /**
   * Backward pass after `forward` with the same params, x and m, and after the loss wrote
   * d loss / d logits into `delta`: writes the gradient into `grad` (the Model's layout).
   */
  backward(params: Float32Array, x: Float32Array, m: number, grad: Float32Array): void {
    const L = this.s.layers; const k = this.k; const act = this.s.act;
    let D = this.delta; let dPtr = this.dPtrA;
    for (let l = L.length - 2; l >= 0; l--) {
      const kk = L[l]!; const n = L[l + 1]!; const wOff = this.s.wOff[l]!; const bOff = this.s.bOff[l]!;
      const nextPtr = dPtr === this.dPtrA ? this.dPtrB : this.dPtrA; const next = D === this.delta ? this.deltaB : this.delta;
      if (this.onWasm[l] === 1) {
        const a = l === 0 ? this.xPtr : this.actPtr[l - 1]!;
        if (n === 1) k.gemm(1, kk, m, dPtr, 0, 1, a, kk, this.gPtr + 4 * wOff, kk, 0, 0, 0, 0);
        else k.gemm(kk, n, m, a, 1, kk, dPtr, n, this.gPtr + 4 * wOff, n, 0, 0, 0, this.packPtr);
        k.colSums(m, n, dPtr, this.gPtr + 4 * bOff);
        if (l > 0) {
          k.gemmNT(m, kk, n, dPtr, this.pPtr + 4 * wOff, nextPtr);
          if (this.fused !== 0) k.actBackward(this.fused, this.actPtr[l - 1]!, nextPtr, m * kk, this.slopeArg);
          else this.js.activationBackward(act, this.acts[l - 1]!, next, m * kk, this.slopeArg);
        }
        grad.set(this.gSrc[l]!, wOff);
      } else {
        this.js.denseBackwardParams(m, kk, n, l === 0 ? x : this.acts[l - 1]!, D, grad, wOff, bOff);
        if (l > 0) {
          this.js.denseBackwardInput(m, kk, n, D, params, wOff, next);
          this.js.activationBackward(act, this.acts[l - 1]!, next, m * kk, this.slopeArg);
        }
      }
      D = next; dPtr = nextPtr;
    }
  }

  /** Copies the first m rows of x into the staging block (x may be longer than m rows). */
  private stage(x: Float32Array, m: number): void {
    const len = m * this.s.layers[0]!; const dst = this.xStage;
    if (x.length <= dst.length) { dst.set(x); return; }
    for (let i = 0; i < len; i++) dst[i] = x[i]!;
  }
}
