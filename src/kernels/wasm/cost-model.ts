// The per-shape choice between the JS, the WASM and the native kernels: a cost model with fixed (modelled) or measured constants.
import { JsBackend } from '../js/js-backend.js';
import { WasmArena } from './wasm-arena.js';
import type { WasmKernels } from './wasm-module.js';

/** Measured costs in nanoseconds (see {@link calibrate}). */
export interface KernelCosts {
  /** JS dense kernels, per multiply-add (measured on a 32x64x32 forward pass). */
  jsPerMac: number;
  /** Fixed cost of one JS dense kernel call (a 1x4x4 forward pass). */
  jsPerCall: number;
  /** WASM gemm, per multiply-add (32x64x32). */
  wasmPerMac: number;
  /** Fixed cost of one WASM kernel call, including the JS-to-WASM transition (1x4x4). */
  wasmPerCall: number;
  /** Copying one float between the JS heap and the WASM memory (a 64k-float TypedArray.set). */
  copyPerFloat: number;
  /** Fixed cost of one such copy (a 4-float TypedArray.set). */
  copyPerCall: number;
}

/**
 * True when a dense layer of k inputs and n outputs at batch m is cheaper per training step on
 * the WASM kernels. Per step a layer makes three products of m k n multiply-adds (two for the
 * first layer, which needs no input gradient); on the WASM side it also makes one more call
 * (the bias gradient), its weights are copied in and its gradient out (2 (k n + n) floats, two
 * copies) and the first layer also copies its m k inputs in:
 *
 *     js   = products (m k n jsPerMac + jsPerCall)
 *     wasm = products m k n wasmPerMac' + (products + 1) wasmPerCall + copies copyPerCall
 *            + copied floats x copyPerFloat
 *
 * where wasmPerMac' = wasmPerMac for n >= 4 and jsPerMac / 2 below (fewer than four outputs
 * leave the f32x4 column tiles empty and the kernels fall back to scalar or dot-product loops).
 */
export function wasmWins(c: KernelCosts, m: number, k: number, n: number, first: boolean): boolean {
  const products = first ? 2 : 3; const macs = m * k * n;
  const js = products * (macs * c.jsPerMac + c.jsPerCall);
  const copied = 2 * (k * n + n) + (first ? m * k : 0); const copies = first ? 3 : 2;
  const perMac = n >= 4 ? c.wasmPerMac : c.jsPerMac / 2;
  const wasm = products * macs * perMac + (products + 1) * c.wasmPerCall + copies * c.copyPerCall + copied * c.copyPerFloat;
  return wasm < js;
}

/** The native kernels' costs in nanoseconds (modelled: see MODELLED_NATIVE_COSTS in select.ts). */
export interface NativeCosts {
  /** Native gemm, per multiply-add (784-128 products at batch 32 to 128, one thread). */
  nativePerMac: number;
  /** Fixed cost of one native call: the N-API transition and checking its typed arrays. */
  nativePerCall: number;
}

/**
 * True when a dense layer that the WASM kernels would run (k inputs, n outputs, batch m) is
 * cheaper on the native kernels. Both work in place on the same resident memory, so only the
 * products and the calls differ (the same products + 1 calls each, see {@link wasmWins}):
 *
 *     native = products (m k n nativePerMac + nativePerCall) + nativePerCall
 *     wasm   = products (m k n wasmPerMac + wasmPerCall) + wasmPerCall
 *
 * A layer of fewer than four outputs stays on WASM (its dot-product loops are no slower).
 */
export function nativeWins(c: KernelCosts, nc: NativeCosts, m: number, k: number, n: number, first: boolean): boolean {
  if (n < 4) return false;
  const products = first ? 2 : 3; const macs = m * k * n;
  const native = products * (macs * nc.nativePerMac + nc.nativePerCall) + nc.nativePerCall;
  const wasm = products * (macs * c.wasmPerMac + c.wasmPerCall) + c.wasmPerCall;
  return native < wasm;
}

/**
 * Rows from which a call of a layer planned native runs natively when its width is not a
 * multiple of 16 (see {@link nativeTakesCall}).
 */
export const NATIVE_NARROW_MIN_ROWS = 16;

/**
 * Chooses each layer's kernels for batches of m rows: onWasm[l] = 1 where WASM beats JS (all
 * layers when `costs` is null, i.e. not calibrated), onNative[l] = 1 where native also beats
 * WASM. Returns whether any layer runs on WASM (or native, which works in WASM memory).
 */
export function planLayers(
  costs: KernelCosts | null, native: NativeCosts | null, L: readonly number[], m: number, onWasm: Uint8Array, onNative: Uint8Array,
): boolean {
  let any = false;
  for (let l = 0; l < onWasm.length; l++) {
    const w = costs === null || wasmWins(costs, m, L[l]!, L[l + 1]!, l === 0);
    onWasm[l] = w ? 1 : 0; any = any || w;
    onNative[l] = w && costs !== null && native !== null && nativeWins(costs, native, m, L[l]!, L[l + 1]!, l === 0) ? 1 : 0;
  }
  return any;
}

/**
 * Whether a call of m rows through a layer of n outputs that the plan puts on the native
 * kernels runs there (else on WASM, in place on the same memory). A native product of few rows
 * reads W in place except its last, partial 16-column panel, which it packs (zero-padded) on
 * every call: for n not a multiple of 16 that is k x 16 floats copied per product, and with the
 * N-API call (about 1.5 µs measured) it costs more than the product. Measured per step (first
 * layer, forward and weight gradient, one thread, bench/README.md "The main job"): 784-10 at
 * 1 to 8 rows 10-20 µs on WASM against 21-30 µs native, native ahead from 16 rows; 37-131 the
 * same from 16; 784-128 native ahead at every batch size. Decided from m and n alone, so the
 * same batch size gives the same kernels and bits.
 */
export function nativeTakesCall(m: number, n: number): boolean {
  return m >= NATIVE_NARROW_MIN_ROWS || n % 16 === 0;
}

/** Median nanoseconds per call of `f`, over `rounds` rounds of `reps` calls. */
function time(f: () => void, reps: number, rounds = 5): number {
  for (let r = 0; r < reps; r++) f();
  const t: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) f();
    t.push(((performance.now() - t0) * 1e6) / reps);
  }
  t.sort((a, b) => a - b);
  return t[rounds >> 1]!;
}

/**
 * Measures {@link KernelCosts} on this machine (about 10 ms). The figures are medians, so a
 * busy core shifts them less than it shifts a single timing; the choice they drive matters only
 * near the break-even shape, where either path costs about the same.
 */
export function calibrate(kernels: WasmKernels): KernelCosts {
  const js = new JsBackend(); const arena = new WasmArena(kernels); const k = arena.kernels;
  const m = 32; const kk = 64; const n = 32;
  const A = new Float32Array(m * kk).fill(0.5); const P = new Float32Array(kk * n + n).fill(0.25); const C = new Float32Array(m * n);
  const [pa, pw, pc, pp, big] = arena.layout([m * kk, kk * n + n, m * n, kk * 8, 65536]);
  const src = new Float32Array(65536);
  const jsBig = time(() => js.denseForward(m, kk, n, A, P, 0, kk * n, C), 20);
  const jsSmall = time(() => js.denseForward(1, 4, 4, A, P, 0, 16, C), 2000);
  const wBig = time(() => k.gemm(m, n, kk, pa!, kk, 1, pw!, n, pc!, n, pw! + kk * n * 4, 0, 0, pp!), 50);
  const wSmall = time(() => k.gemm(1, 4, 4, pa!, 4, 1, pw!, 4, pc!, 4, pw! + 64, 0, 0, 0), 2000);
  const copy = time(() => arena.heap.set(src, big! >> 2), 20);
  const tiny = src.subarray(0, 4);
  const copySmall = time(() => arena.heap.set(tiny, big! >> 2), 2000);
  const macs = m * kk * n;
  return {
    jsPerMac: Math.max(jsBig - jsSmall, 1) / macs, jsPerCall: jsSmall,
    wasmPerMac: Math.max(wBig - wSmall, 1) / macs, wasmPerCall: wSmall,
    copyPerFloat: copy / 65536, copyPerCall: copySmall,
  };
}
