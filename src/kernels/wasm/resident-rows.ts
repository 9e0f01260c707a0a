// ResidentRows: one copy of each feature matrix in a WASM memory, shared by the runner's gatherers and its epoch kernel.
import { steadyVersion } from '../backend.js';
import type { WasmArena } from './wasm-arena.js';

/** Feature matrices up to this many floats (256 MB) are copied into WASM memory. */
const MAX_RESIDENT_FLOATS = 64 * 1024 * 1024;

/**
 * The resident copies of feature matrices in `arena`, one per matrix: made on first need (in a
 * block a disposed model on this memory left, see WasmArena.residentFeatures), copied in again
 * when asked to refresh (the values may have changed between runs) unless the matrix is steady
 * (see markSteady) at the version the copy was made from.
 */
export class ResidentRows {
  private readonly copies = new WeakMap<Float32Array, { view: Float32Array; version: number | undefined }>();

  constructor(private readonly arena: WasmArena) {}

  /** The resident copy of `features`, refreshed when `refresh`; undefined above 256 MB. */
  of(features: Float32Array, refresh: boolean): Float32Array | undefined {
    const have = this.copies.get(features);
    const version = steadyVersion(features);
    if (have) {
      if (refresh && (version === undefined || version !== have.version)) { have.view.set(features); have.version = version; }
      return have.view;
    }
    if (features.length > MAX_RESIDENT_FLOATS) return undefined;
    const view = this.arena.residentFeatures(features);
    this.copies.set(features, { view, version });
    return view;
  }
}
