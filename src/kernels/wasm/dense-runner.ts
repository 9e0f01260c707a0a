// DenseRunner: the WASM backend's DenseEngine, a model's forward and backward passes with its work buffers in WASM memory, each layer on the cheapest kernels (JS, WASM or native).
import { ACT, type DenseEngine, type DenseLayout, type DropoutMasks, type RowGatherer, type SgdEpochJob, type StatSlots } from '../backend.js';
import { JsBackend } from '../js/js-backend.js';
import { MaskedPasses } from '../js/masked-passes.js';
import type { NativeKernels } from '../native/native-kernels.js';
import { nativeTakesCall, planLayers, type KernelCosts, type NativeCosts } from './cost-model.js';
import { EpochKernel } from './epoch-kernel.js';
import { ResidentRows } from './resident-rows.js';
import { WasmRowGatherer } from './row-gatherer.js';
import { MIN_PART_MACS } from './split-kernels.js';
import { homeOf, WasmArena } from './wasm-arena.js';
import type { WasmKernels } from './wasm-module.js';

/**
 * The batch size at which the cost model picks each layer's kernels: the library's default
 * batch size, near the middle (in log scale) of the 1 to 1024 that batch-size sweeps cover.
 * Measured on the benchmark machine, the choice it gives loses to the other path by at most
 * 0.02 µs per step (logistic 30-1 at batch 1) and gains 1.6x to 15x elsewhere (bench/README.md).
 */
export const PLAN_BATCH = 32;

/** The native kernels a runner may put its large layers on, with their modelled costs. */
export interface NativeChoice { readonly kernels: NativeKernels; readonly costs: NativeCosts }

/**
 * Runs a dense stack with its parameters, gradient and every activation and delta buffer in one
 * WASM memory, so a layer on the WASM kernels reads and writes in place and the JS kernels
 * (Float32Array views of the same memory) do too. `params` and `grad` are those views: a Model
 * on a WasmBackend uses them as its parameter vector and gradient, optimizers keep their state
 * in the same memory and update it with fused kernels, and a step copies nothing but the batch
 * inputs (when the first layer is a WASM one). Parameters or a gradient array from elsewhere (a
 * perturbed copy in a gradient check) are copied in and out. Which layers run where is decided
 * once per layer shape by the cost model (`costs`, or every layer on WASM when `costs` is null)
 * at batch {@link PLAN_BATCH}; it does not change with the batch size, so a run's last partial
 * batch, chunked evaluation and every code path that trains the same model from the same seed
 * give the same bits (the JS kernels accumulate in float64 and the WASM ones in float32, so
 * switching would change the low bits). With `native` (and costs), a layer the cost model
 * gives to WASM runs on the native kernels instead where {@link nativeWins} says so: they
 * work in place on the same resident buffers (views of this memory), so nothing else changes.
 * Except that calls of under 16 rows through a native layer of a width that is not a multiple
 * of 16 stay on WASM ({@link nativeTakesCall}): such a batch differs from a 16+-row one in
 * float32 rounding; the same batch size always gives the same bits.
 * Dropout masks (training) are applied on the views of the hidden outputs between layers, and
 * on the deltas coming back, by {@link MaskedPasses}, whatever kernels a layer runs on.
 * Nothing is allocated per step.
 */
export class DenseRunner implements DenseEngine {
  /** The parameter vector, in WASM memory. */
  readonly params: Float32Array;
  /** The gradient buffer, in WASM memory. */
  readonly grad: Float32Array;
  /** Outputs of each layer (views; re-made when the capacity grows). */
  acts: Float32Array[] = [];
  /** The delta buffer the loss writes into before `backward`. */
  delta: Float32Array = new Float32Array(0);
  private deltaB: Float32Array = new Float32Array(0);
  readonly arena: WasmArena;
  /** The largest layer's multiply-adds per row (decides whether a step's calls may be split). */
  private readonly rowMacs: number;
  private readonly js = new JsBackend();
  private readonly s: DenseLayout;
  private readonly slots: StatSlots;
  readonly fusedSoftmax = true;
  /** One gatherer per feature matrix, over its one resident copy (see rowGatherer). */
  private readonly gatherers = new WeakMap<Float32Array, WasmRowGatherer>();
  private readonly resident: ResidentRows;
  private readonly costs: KernelCosts | null;
  /** Layers whose buffers are resident (on WASM or native), and those of them on native. */
  private readonly onWasm: Uint8Array; private readonly onNative: Uint8Array;
  private readonly native: NativeChoice | null;
  private anyWasm = false; private capacity = 0;
  private readonly pPtr: number; private readonly gPtr: number;
  /** Blocks for parameters / gradients that are not the resident ones (allocated on first need). */
  private pCopyPtr = 0; private gCopyPtr = 0;
  /** Where this step's parameters and inputs are (set by forward). */
  private pBase = 0; private xBase = 0; private xPtr = 0; private packPtr = 0; private dPtrA = 0; private dPtrB = 0; private yPtr = 0;
  private yStage: Float32Array = new Float32Array(0);
  /** Scratch for the softmax kernel: an f64 pair (loss, correct) and a row of exponentials. */
  private readonly outPtr: number; private readonly out: Float64Array; private readonly workPtr: number;
  private actPtr: number[] = []; private xStage: Float32Array = new Float32Array(0);
  /** Slope passed to the kernels: a stored 0 unless the activation is leaky relu. */
  private readonly slopeArg: number;
  /** The activation fused into the WASM forward kernel: 1 relu, 2 leaky relu, 0 none. */
  private readonly fused: number;
  private readonly dropout: MaskedPasses; private epochKernel: EpochKernel | undefined;

  /** `threads` > 1: large kernel calls are split over that many threads (same bits). */
  constructor(kernels: WasmKernels, stack: DenseLayout, costs: KernelCosts | null, threads = 1, native: NativeChoice | null = null) {
    this.arena = WasmArena.acquire(kernels, threads); this.resident = new ResidentRows(this.arena); this.slots = stack.stats; this.native = costs === null ? null : native;
    this.rowMacs = Math.max(...stack.layers.slice(1).map((w, l) => w * stack.layers[l]!));
    this.s = stack; this.costs = costs;
    this.onWasm = new Uint8Array(stack.layers.length - 1); this.onNative = new Uint8Array(stack.layers.length - 1);
    this.slopeArg = stack.act === ACT.leakyRelu ? stack.slope : 0;
    this.fused = stack.act === ACT.relu ? 1 : stack.act === ACT.leakyRelu ? 2 : 0;
    this.pPtr = this.arena.alloc(stack.paramCount); this.gPtr = this.arena.alloc(stack.paramCount);
    this.params = this.arena.view(this.pPtr, stack.paramCount);
    this.outPtr = this.arena.alloc(4); this.out = new Float64Array(this.arena.memory.buffer, this.outPtr, 2);
    this.workPtr = this.arena.alloc(stack.layers[stack.layers.length - 1]!);
    this.grad = this.arena.view(this.gPtr, stack.paramCount);
    this.dropout = new MaskedPasses(stack.act);
    this.plan(PLAN_BATCH);
    if (this.native && this.onNative.includes(1)) this.arena.useNativeSgd(this.native.kernels);
  }

  /** Whether layer l runs on the WASM kernels. */
  layerOnWasm(l: number): boolean { return this.onWasm[l] === 1 && this.onNative[l] === 0; }

  /** Whether layer l runs on the native kernels (in place on this memory), except calls of few rows that {@link nativeTakesCall} keeps on WASM. */
  layerOnNative(l: number): boolean { return this.onNative[l] === 1; }

  /** Sizes the buffers for batches of up to m rows (new blocks; the old ones are left unused). */
  ensure(m: number): void {
    if (m <= this.capacity) return;
    const L = this.s.layers; const widest = Math.max(...L.slice(1)); const a = this.arena;
    this.packPtr = a.alloc(Math.max(m, ...L) * 8);
    this.dPtrA = a.alloc(m * widest); this.dPtrB = a.alloc(m * widest);
    this.actPtr = L.slice(1).map((w) => a.alloc(m * w));
    this.acts = this.actPtr.map((p, l) => a.view(p, m * L[l + 1]!));
    this.delta = a.view(this.dPtrA, m * widest); this.deltaB = a.view(this.dPtrB, m * widest);
    this.yPtr = a.alloc(m); this.yStage = a.view(this.yPtr, m);
    this.capacity = m;
  }

  private plan(m: number): void {
    this.anyWasm = planLayers(this.costs, this.native?.costs ?? null, this.s.layers, m, this.onWasm, this.onNative);
  }

  /** The byte offset of `params` for the kernels: its own when resident, else a copy's. */
  private locateParams(params: Float32Array): number {
    if (homeOf(params) === this.arena) return params.byteOffset;
    if (this.pCopyPtr === 0) this.pCopyPtr = this.arena.alloc(this.s.paramCount);
    this.arena.heap.set(params.length === this.s.paramCount ? params : params.subarray(0, this.s.paramCount), this.pCopyPtr >> 2);
    return this.pCopyPtr;
  }

  /**
   * A gatherer for batches of `features` (at most maxRows rows) that lands them in this memory,
   * where the first layer reads them without a copy; undefined when the first layer runs on the
   * JS kernels (nothing to gain) or for feature matrices over 256 MB. One per feature matrix,
   * over its {@link residentRows} copy (refreshed on each request unless the rows are steady):
   * repeated fit calls on the same data reuse its block instead of growing the memory by a copy each.
   */
  rowGatherer(features: Float32Array, width: number, maxRows: number): RowGatherer | undefined {
    const src = this.residentRows(features);
    if (!src) return undefined;
    const cached = this.gatherers.get(features);
    if (cached && cached.maxRows >= maxRows) return cached;
    const g = new WasmRowGatherer(this.arena, src, width, maxRows);
    this.gatherers.set(features, g);
    return g;
  }

  /**
   * A copy of `features` in this memory, made on the first request and copied in again on each
   * later one (the values may have changed between runs) unless they are steady (see
   * markSteady; then a block an earlier model left holding them is taken as it is): row views
   * of it go to the first layer without a copy. Undefined where {@link rowGatherer} is. The block outlives dispose for the
   * next model on this memory (see WasmArena.residentFeatures).
   */
  residentRows(features: Float32Array): Float32Array | undefined {
    return this.onWasm[0] === 1 ? this.resident.of(features, true) : undefined;
  }

  /** Gives the memory back to this thread's pool (see WasmArena.dispose). */
  dispose(): void { this.arena.dispose(); }

  /** Whole-epoch batch-1 SGD of a one-layer model, in one kernel call (see DenseEngine.sgdEpoch and EpochKernel). */
  sgdEpoch(job: SgdEpochJob): boolean {
    // A softmax layer is fused only where a one-row batch runs on the WASM kernels (not JS, not native).
    const onWasmAtOne = this.onWasm[0] === 1 && !(this.onNative[0] === 1 && nativeTakesCall(1, this.s.layers[1]!));
    return (this.epochKernel ??= new EpochKernel(this.arena, this.s.layers, this.pPtr, this.gPtr, this.onWasm[0] !== 1, this.resident, onWasmAtOne)).run(job);
  }

  /** Forward pass for m rows of x; returns the buffer whose first m x outputs values are the logits. */
  forward(params: Float32Array, x: Float32Array, m: number, masks?: DropoutMasks): Float32Array {
    if (!this.arena.live) throw this.arena.disposedError();
    this.ensure(m);
    this.dropout.masks = masks ?? null;
    if (this.anyWasm) this.pBase = this.locateParams(params);
    const L = this.s.layers; const depth = L.length - 1; const k = this.arena.pick(m * this.rowMacs, MIN_PART_MACS); const act = this.s.act;
    const xBase = this.onWasm[0] === 1 ? this.stage(x, m) : 0;
    let input = x;
    for (let l = 0; l < depth; l++) {
      const kk = L[l]!; const n = L[l + 1]!; const out = this.acts[l]!; const hidden = l < depth - 1;
      if (this.onWasm[l] === 1) {
        const a = l === 0 ? xBase : this.actPtr[l - 1]!;
        if (this.onNative[l] === 1 && nativeTakesCall(m, n)) this.nativeForward(l, m, a, hidden ? this.fused : 0);
        else k.gemm(m, n, kk, a, kk, 1, this.pBase + 4 * this.s.wOff[l]!, n, this.actPtr[l]!, n, this.pBase + 4 * this.s.bOff[l]!,
          hidden ? this.fused : 0, this.slopeArg, this.packPtr);
        if (hidden && this.fused === 0) this.js.activationForward(act, out, m * n, this.slopeArg);
      } else {
        this.js.denseForward(m, kk, n, input, params, this.s.wOff[l]!, this.s.bOff[l]!, out);
        if (hidden) this.js.activationForward(act, out, m * n, this.slopeArg);
      }
      if (masks && hidden) this.dropout.forward(l, out, m * n);
      input = out;
    }
    return input;
  }

  /**
   * Backward pass after `forward` with the same params, x and m, and after the loss wrote
   * d loss / d logits into `delta`: writes the gradient into `grad` (the Model's layout).
   */
  backward(params: Float32Array, x: Float32Array, m: number, grad: Float32Array): void {
    const L = this.s.layers; const k = this.arena.pick(m * this.rowMacs, MIN_PART_MACS); const act = this.s.act;
    const resident = homeOf(grad) === this.arena;
    if (!resident && this.anyWasm && this.gCopyPtr === 0) this.gCopyPtr = this.arena.alloc(this.s.paramCount);
    const gBase = resident ? grad.byteOffset : this.gCopyPtr;
    let D = this.delta; let dPtr = this.dPtrA;
    for (let l = L.length - 2; l >= 0; l--) {
      const kk = L[l]!; const n = L[l + 1]!; const wOff = this.s.wOff[l]!; const bOff = this.s.bOff[l]!;
      const nextPtr = dPtr === this.dPtrA ? this.dPtrB : this.dPtrA; const next = D === this.delta ? this.deltaB : this.delta;
      if (this.onNative[l] === 1 && nativeTakesCall(m, n)) {
        this.nativeBackward(l, m, l === 0 ? this.xBase : this.actPtr[l - 1]!, dPtr, nextPtr, next, gBase);
        if (!resident) grad.set(this.arena.heap.subarray((gBase >> 2) + wOff, (gBase >> 2) + bOff + n), wOff);
      } else if (this.onWasm[l] === 1) {
        const a = l === 0 ? this.xBase : this.actPtr[l - 1]!;
        if (n === 1) k.gemm(1, kk, m, dPtr, 0, 1, a, kk, gBase + 4 * wOff, kk, 0, 0, 0, 0);
        else k.gemm(kk, n, m, a, 1, kk, dPtr, n, gBase + 4 * wOff, n, 0, 0, 0, this.packPtr);
        k.colSums(m, n, dPtr, gBase + 4 * bOff);
        if (l > 0) {
          k.gemmNT(m, kk, n, dPtr, this.pBase + 4 * wOff, nextPtr);
          const kept = this.dropout.backward(l - 1, next, m * kk, this.acts[l - 1]!);
          if (this.fused !== 0) k.actBackward(this.fused, this.actPtr[l - 1]!, nextPtr, m * kk, this.slopeArg);
          else this.js.activationBackward(act, kept ?? this.acts[l - 1]!, next, m * kk, this.slopeArg);
        }
        if (!resident) grad.set(this.arena.heap.subarray((gBase >> 2) + wOff, (gBase >> 2) + bOff + n), wOff);
      } else {
        this.js.denseBackwardParams(m, kk, n, l === 0 ? x : this.acts[l - 1]!, D, grad, wOff, bOff);
        if (l > 0) {
          this.js.denseBackwardInput(m, kk, n, D, params, wOff, next);
          const a = this.dropout.backward(l - 1, next, m * kk, this.acts[l - 1]!) ?? this.acts[l - 1]!;
          this.js.activationBackward(act, a, next, m * kk, this.slopeArg);
        }
      }
      D = next; dPtr = nextPtr;
    }
  }

  /** Layer l's forward on the native kernels, in place on this memory: act(A W + b) from byte offset `a` into its output. */
  private nativeForward(l: number, m: number, a: number, act: number): void {
    const h = this.arena.heap; const kk = this.s.layers[l]!; const n = this.s.layers[l + 1]!; const p = this.pBase >> 2;
    this.native!.kernels.gemm(m, n, kk, h, a >> 2, kk, 1, h, p + this.s.wOff[l]!, n, 1, h, this.actPtr[l]! >> 2, n,
      h, p + this.s.bOff[l]!, act, this.slopeArg);
  }

  /**
   * Layer l's backward on the native kernels, in place: its weight and bias gradients from the
   * inputs at `a` and the delta at `d`, and (below the first layer) the input delta at `next`
   * (`nextView` over it) times the dropout mask, if any, and the activation's derivative.
   */
  private nativeBackward(l: number, m: number, a: number, d: number, next: number, nextView: Float32Array, gBase: number): void {
    const h = this.arena.heap; const nk = this.native!.kernels; const kk = this.s.layers[l]!; const n = this.s.layers[l + 1]!;
    const wOff = this.s.wOff[l]!; const g = gBase >> 2;
    nk.gemm(kk, n, m, h, a >> 2, 1, kk, h, d >> 2, n, 1, h, g + wOff, n, null, 0, 0, 0);
    nk.addon.colSums(m, n, h, d >> 2, n, h, g + this.s.bOff[l]!);
    if (l === 0) return;
    nk.gemm(m, kk, n, h, d >> 2, n, 1, h, (this.pBase >> 2) + wOff, 1, n, h, next >> 2, kk, null, 0, 0, 0);
    const kept = this.dropout.backward(l - 1, nextView, m * kk, this.acts[l - 1]!);
    if (kept) this.js.activationBackward(this.s.act, kept, nextView, m * kk, this.slopeArg);
    else nk.actBackward(this.s.act, h, this.actPtr[l - 1]! >> 2, h, next >> 2, m * kk, this.slopeArg);
  }

  /**
   * Softmax cross-entropy of the logits `forward` left for m rows against class indices y, in
   * WASM (f32x4 lanes, one vectorised exp per logit; assembly/softmax.ts): adds the summed loss,
   * correct predictions and m to `stats` (at the layout's stat slots) and, when
   * `grad`, writes `delta` = scale (softmax - onehot) with scale 1 when `sum` else 1/m.
   */
  softmaxLoss(m: number, y: Float32Array, sum: boolean, grad: boolean, stats: Float64Array): void {
    const L = this.s.layers; const n = L[L.length - 1]!; const last = this.actPtr[L.length - 2]!;
    const ys = this.yStage;
    for (let i = 0; i < m; i++) ys[i] = y[i]!;
    const out = this.out; out[0] = 0; out[1] = 0;
    this.arena.raw.softmaxXent(m, n, last, this.yPtr, grad ? this.dPtrA : 0, sum ? 1 : 1 / m, this.workPtr, this.outPtr);
    const sl = this.slots;
    stats[sl.loss]! += out[0]!; stats[sl.correct]! += out[1]!; stats[sl.count]! += m;
  }

  /**
   * Where the kernels read the first m rows of x: x itself when it is in this memory (a batch
   * gathered by Model.rowGatherer), else the staging block after copying them in.
   */
  private stage(x: Float32Array, m: number): number {
    if (homeOf(x) === this.arena) return (this.xBase = x.byteOffset);
    const len = m * this.s.layers[0]!;
    if (this.xStage.length < len) {
      // Made on first need: a model whose batches are gathered in this memory never stages (for a full batch, a data set's worth of memory).
      const floats = this.capacity * this.s.layers[0]!;
      this.xPtr = this.arena.alloc(floats); this.xStage = this.arena.view(this.xPtr, floats);
    }
    const dst = this.xStage;
    if (x.length <= dst.length) dst.set(x);
    else for (let i = 0; i < len; i++) dst[i] = x[i]!;
    return (this.xBase = this.xPtr);
  }
}
