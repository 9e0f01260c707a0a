// WasmRowGatherer: a dataset's feature rows copied once into a model's WASM memory, batches gathered from there by bulk copies.
import type { RowGatherer } from '../backend.js';
import type { WasmArena } from './wasm-arena.js';

/**
 * Holds a copy of a row-major feature matrix in an arena and fills a batch block in the same
 * memory with the rows an index list names (one `memory.copy` per row in WASM), so the first
 * layer reads the batch in place. Made once per training run; the copy costs one pass over the
 * data, each batch then costs a memcpy per row instead of a JavaScript loop per float.
 */
export class WasmRowGatherer implements RowGatherer {
  /** The batch block: up to maxRows rows. */
  readonly x: Float32Array;
  private readonly src: Float32Array;
  private readonly idxBlock: Float32Array;
  private readonly idx: Uint32Array;
  private readonly rowBytes: number;
  /** The most rows a batch may have. */
  readonly maxRows: number;

  /** `resident`: the feature matrix's copy in the arena (see WasmArena.residentFeatures). */
  constructor(private readonly arena: WasmArena, resident: Float32Array, width: number, maxRows: number) {
    this.maxRows = maxRows;
    this.src = resident;
    this.x = arena.allocView(maxRows * width);
    this.idxBlock = arena.allocView(maxRows);
    this.idx = new Uint32Array(this.idxBlock.buffer, this.idxBlock.byteOffset, maxRows);
    this.rowBytes = width * 4;
  }

  gather(order: Uint32Array, start: number, count: number): void {
    const idx = this.idx;
    for (let i = 0; i < count; i++) idx[i] = order[start + i]!;
    this.arena.raw.gatherRows(this.x.byteOffset, this.src.byteOffset, this.idxBlock.byteOffset, count, this.rowBytes);
  }
}
