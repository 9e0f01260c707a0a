// WasmUpdates: the optimizers' fused update rules (FusedUpdates) on a kernel table, arrays turned into byte offsets; NativeSgdUpdates: SGD on the native kernels over the same memory.
import type { FusedUpdates } from '../backend.js';
import type { NativeKernels } from '../native/native-kernels.js';
import type { KernelExports } from './wasm-module.js';

/** Parameters from which the native SGD update beats the WASM one on one thread (measured: 4,096 about even, 7,850 1.25x, 101,770 1.6x-1.9x). */
export const NATIVE_SGD_MIN = 4096;

/** Calls the WASM update kernels (assembly/optim.ts) on arrays that live in the kernels' memory. */
export class WasmUpdates implements FusedUpdates {
  constructor(private readonly k: KernelExports) {}

  sgd(p: Float32Array, g: Float32Array, b: Float32Array, lr: number, mu: number, keep: number, wd: number, mode: number): void {
    this.k.sgdUpdate(p.length, p.byteOffset, g.byteOffset, b.byteOffset, lr, mu, keep, wd, mode);
  }

  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, omb1: number, b2: number, omb2: number,
    stepSize: number, rootBc2: number, eps: number, l2: number, shrink: number): void {
    this.k.adamUpdate(p.length, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, b1, omb1, b2, omb2, stepSize, rootBc2, eps, l2, shrink);
  }

  rmsprop(p: Float32Array, g: Float32Array, v: Float32Array, ga: Float32Array, b: Float32Array, alpha: number, oma: number, eps: number,
    mu: number, lr: number, wd: number, centered: number, momentum: number): void {
    this.k.rmspropUpdate(p.length, p.byteOffset, g.byteOffset, v.byteOffset, ga.byteOffset, b.byteOffset, alpha, oma, eps, mu, lr, wd, centered, momentum);
  }
}

/**
 * SGD on the native kernels (native/src/optim.cc: the same float64 operations in the same
 * order as src/optim/sgd.ts, so the same bits as the WASM and JavaScript updates, tested),
 * in place on arrays of the memory `heap()` views; Adam and RMSProp stay on `wasm`.
 */
export class NativeSgdUpdates implements FusedUpdates {
  constructor(private readonly wasm: FusedUpdates, private readonly nk: NativeKernels, private readonly heap: () => Float32Array) {}

  sgd(p: Float32Array, g: Float32Array, b: Float32Array, lr: number, mu: number, keep: number, wd: number, mode: number): void {
    const h = this.heap();
    this.nk.sgdUpdate(p.length, h, p.byteOffset >> 2, h, g.byteOffset >> 2, mode < 2 ? null : h, mode < 2 ? 0 : b.byteOffset >> 2, lr, mu, keep, wd, mode);
  }

  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, omb1: number, b2: number, omb2: number,
    stepSize: number, rootBc2: number, eps: number, l2: number, shrink: number): void {
    this.wasm.adam(p, g, m, v, b1, omb1, b2, omb2, stepSize, rootBc2, eps, l2, shrink);
  }

  rmsprop(p: Float32Array, g: Float32Array, v: Float32Array, ga: Float32Array, b: Float32Array, alpha: number, oma: number, eps: number,
    mu: number, lr: number, wd: number, centered: number, momentum: number): void {
    this.wasm.rmsprop(p, g, v, ga, b, alpha, oma, eps, mu, lr, wd, centered, momentum);
  }
}
