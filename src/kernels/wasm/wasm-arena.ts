// WasmArena: one kernel instance and its linear memory, laid out by a bump allocator and grown before views are made.
import { instantiate, type KernelExports, type WasmKernels } from './wasm-module.js';

const PAGE = 65536;
/** Bytes below this are never handed out, so pointer 0 can mean "none". */
const BASE = 64;

/**
 * A kernel instance with its own memory. Blocks are laid out from scratch by `layout` (every
 * block 64-byte aligned) and the memory is grown once to fit them; growing detaches every view
 * over the old buffer, so callers re-create their views after each `layout`.
 */
export class WasmArena {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** A view of the whole memory (re-made after each growth). */
  heap: Float32Array;

  constructor(kernels: WasmKernels) {
    const { memory, exports } = instantiate(kernels, 1);
    this.kernels = exports; this.memory = memory;
    this.heap = new Float32Array(memory.buffer);
  }

  /**
   * Byte offsets of blocks of the given float counts, laid out consecutively; grows the memory
   * to hold them. Earlier pointers stay valid only if the earlier sizes were a prefix of these.
   */
  layout(floats: readonly number[]): number[] {
    const ptrs: number[] = []; let at = BASE;
    for (const n of floats) { ptrs.push(at); at += Math.ceil((n * 4) / 64) * 64; }
    const have = this.memory.buffer.byteLength;
    if (at > have) this.memory.grow(Math.ceil((at - have) / PAGE));
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return ptrs;
  }

  /** A Float32Array over `len` floats at byte offset `ptr` (valid until the memory grows). */
  view(ptr: number, len: number): Float32Array { return new Float32Array(this.memory.buffer, ptr, len); }
}
