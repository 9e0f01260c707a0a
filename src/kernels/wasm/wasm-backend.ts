// WasmBackend: the Backend interface on the WASM SIMD kernels (operands staged through WASM memory), and the handle a Model uses to run resident.
import { ACT, type ActCode, type Backend, type DenseEngine, type DenseLayout } from '../backend.js';
import { JsBackend } from '../js/js-backend.js';
import { wasmWins, type KernelCosts } from './cost-model.js';
import { DenseRunner, PLAN_BATCH, type NativeChoice } from './dense-runner.js';
import { WasmArena } from './wasm-arena.js';
import type { WasmKernels } from './wasm-module.js';

/**
 * The WASM SIMD kernels behind the Backend interface. Called with arrays on the JS heap (the
 * interface's contract), each call copies its operands into this backend's memory and the
 * result out; that serves the differential tests, the kernel benchmark and per-example passes.
 * Training does not go through these methods: a Model built on a WasmBackend runs a
 * DenseRunner that keeps its buffers in WASM memory (see `wasm`).
 *
 * With `costs` (policy 'auto'), shapes the cost model gives to JS run on the JS kernels; with
 * null (policy 'wasm') every shape runs on WASM.
 */
export class WasmBackend implements Backend {
  readonly name: string;
  /** What a Model needs to run resident: the compiled kernels and the per-shape cost model. */
  readonly wasm: { kernels: WasmKernels; costs: KernelCosts | null; threads: number; native: NativeChoice | null };
  private readonly js = new JsBackend();
  private arena: WasmArena | null = null;

  /**
   * `threads`: how many threads a Model's large kernel calls are split over (1: none).
   * `native` (with `costs` only): a Model's large layers may run on these native kernels.
   */
  constructor(kernels: WasmKernels, costs: KernelCosts | null, threads = 1, native: NativeChoice | null = null) {
    this.wasm = { kernels, costs, threads, native: costs === null ? null : native };
    this.name = `${costs ? 'auto' : 'wasm'}${kernels.relaxed ? '-relaxed' : ''}`;
  }

  /**
   * A model's engine: parameters, gradient and work buffers in a WASM memory (reused from
   * this thread's pool when a disposed model gave one back), each layer on the kernels the cost
   * model picks (JS, WASM or, for large layers, native), softmax cross-entropy fused.
   */
  createDense(layout: DenseLayout): DenseEngine {
    return new DenseRunner(this.wasm.kernels, layout, this.wasm.costs, this.wasm.threads, this.wasm.native);
  }

  /** A shape the cost model gives to JS (decided at batch PLAN_BATCH, as a Model's layers are). */
  private onJs(k: number, n: number): boolean {
    const c = this.wasm.costs;
    return c !== null && !wasmWins(c, PLAN_BATCH, k, n, false);
  }

  /** Copies the arrays into fresh blocks of this backend's memory; returns their byte offsets. */
  private stage(arrays: readonly (Float32Array | number)[]): number[] {
    const arena = this.arena ?? (this.arena = new WasmArena(this.wasm.kernels));
    const ptrs = arena.layout(arrays.map((a) => (typeof a === 'number' ? a : a.length)));
    arrays.forEach((a, i) => { if (typeof a !== 'number') arena.heap.set(a, ptrs[i]! >> 2); });
    return ptrs;
  }

  private out(ptr: number, len: number, dst: Float32Array, at = 0): void {
    dst.set(this.arena!.heap.subarray(ptr >> 2, (ptr >> 2) + len), at);
  }

  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void {
    if (this.onJs(k, n)) { this.js.denseForward(m, k, n, A, P, wOff, bOff, C); return; }
    const [a, w, b, c, pack] = this.stage([A.subarray(0, m * k), P.subarray(wOff, wOff + k * n), P.subarray(bOff, bOff + n), m * n, k * 8]);
    this.arena!.kernels.gemm(m, n, k, a!, k, 1, w!, n, c!, n, b!, 0, 0, pack!);
    this.out(c!, m * n, C);
  }

  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void {
    if (this.onJs(k, n)) { this.js.denseBackwardInput(m, k, n, dY, P, wOff, dX); return; }
    const [d, w, x] = this.stage([dY.subarray(0, m * n), P.subarray(wOff, wOff + k * n), m * k]);
    this.arena!.kernels.gemmNT(m, k, n, d!, w!, x!);
    this.out(x!, m * k, dX);
  }

  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void {
    if (this.onJs(k, n)) { this.js.denseBackwardParams(m, k, n, X, dY, G, wOff, bOff); return; }
    const [x, d, gw, gb, pack] = this.stage([X.subarray(0, m * k), dY.subarray(0, m * n), k * n, n, Math.max(m, 1) * 8]);
    const kr = this.arena!.kernels;
    if (n === 1) kr.gemm(1, k, m, d!, 0, 1, x!, k, gw!, k, 0, 0, 0, 0);
    else kr.gemm(k, n, m, x!, 1, k, d!, n, gw!, n, 0, 0, 0, pack!);
    kr.colSums(m, n, d!, gb!);
    this.out(gw!, k * n, G, wOff); this.out(gb!, n, G, bOff);
  }

  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void {
    this.js.activationForward(act, Z, len, slope);
  }

  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void {
    if (act !== ACT.relu && act !== ACT.leakyRelu) { this.js.activationBackward(act, A, D, len, slope); return; }
    const [a, d] = this.stage([A.subarray(0, len), D.subarray(0, len)]);
    this.arena!.kernels.actBackward(act === ACT.relu ? 1 : 2, a!, d!, len, act === ACT.relu ? 0 : slope);
    this.out(d!, len, D);
  }
}
