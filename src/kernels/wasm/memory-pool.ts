// The per-thread pool of WebAssembly memories (with their kernel instances) that disposed arenas give back and new arenas reuse.
import type { KernelExports, WasmKernels } from './wasm-module.js';

/**
 * A block of float32s at byte offset `ptr`; `source` and `version`: the steady matrix (see
 * markSteady) whose rows it holds, at that version (absent when its source was not steady).
 */
export interface FeatureBlock { readonly ptr: number; readonly floats: number; readonly source?: Float32Array; readonly version?: number }

/** A memory, its instance on this thread, how far it was used and the feature blocks kept in it. */
export interface PooledMemory {
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  /** Bytes below which the last arena handed out blocks (to be zeroed before reuse). */
  readonly used: number;
  readonly features: readonly FeatureBlock[];
}

/**
 * How many memories a thread keeps. A sweep holds one model at a time per thread and the
 * default backend's staging memory is not pooled, so two cover a model disposed while the
 * next is already built; more would only hold memory the process no longer needs.
 */
const KEEP = 2;

/** Module state is per thread (each worker loads its own copy), so this pool is per thread. */
const pool: { kernels: WasmKernels; m: PooledMemory }[] = [];

/**
 * A pooled memory made for `kernels`, or null: the most recently given back of those that hold
 * resident rows (a thread's models mostly train on the same rows, which a steady block then
 * serves without a copy), else the most recently given back.
 */
export function takePooled(kernels: WasmKernels): PooledMemory | null {
  let pick = -1;
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i]!.kernels !== kernels) continue;
    if (pick < 0) pick = i;
    if (pool[i]!.m.features.length > 0) { pick = i; break; }
  }
  return pick < 0 ? null : pool.splice(pick, 1)[0]!.m;
}

/** Keeps `m` for the next arena of `kernels` on this thread; the oldest beyond KEEP is dropped (garbage collected). */
export function givePooled(kernels: WasmKernels, m: PooledMemory): void {
  pool.push({ kernels, m });
  if (pool.length > KEEP) pool.shift();
}

/** Memories in the pool now (for tests). */
export function pooledCount(): number { return pool.length; }
