// WasmUpdates: the optimizers' fused update rules (FusedUpdates) on a kernel table, arrays turned into byte offsets.
import type { FusedUpdates } from '../backend.js';
import type { KernelExports } from './wasm-module.js';

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
