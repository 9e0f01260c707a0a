// WasmArena: one kernel instance and its shared memory; blocks that never move (so views stay valid), a scratch layout, and reuse of the memory after dispose.
import { MinibatchError } from '../../core/errors.js';
import { registerResident, steadyVersion, type FusedUpdates, type OptimizerKernels } from '../backend.js';
import { adviseHugePages, HUGE_PAGE_MIN_BYTES } from '../host.js';
import type { NativeKernels } from '../native/native-kernels.js';
import { NATIVE_SGD_MIN, NativeSgdUpdates, WasmUpdates } from './fused-updates.js';
import { MIN_PART_ELEMENTS, SplitKernels } from './split-kernels.js';
import { takePooled, givePooled, type FeatureBlock, type PooledMemory } from './memory-pool.js';
import { instantiate, MAX_PAGES, type KernelExports, type WasmKernels } from './wasm-module.js';

const PAGE = 65536;
/** A huge page (x86-64 and arm64 Linux). */
const HUGE_PAGE = 2 << 20;
/**
 * Blocks start at this byte: the first 64 KiB page belongs to the kernel module's static data
 * (its math tables, written at each instantiation, 5 KB today; checked against `staticEnd()` at
 * construction), and pointer 0 can then mean "none".
 */
const BASE = 65536;
/** Readable bytes kept after the last block: the kernels' f32x4 tails read up to 12 bytes past a row. */
const SLACK = 64;
/** Resident feature blocks an arena passes on to the next one over its memory (the last ones made). */
const KEEP_FEATURES = 2;

let nextId = 0;

/** Which arena's memory a buffer is (every buffer a view was made over is recorded). */
const homes = new WeakMap<ArrayBufferLike, WasmArena>();

/** Blocks to give back when the view that owned them is garbage collected: [arena, ptr, floats]. */
const reclaim = new FinalizationRegistry<[WasmArena, number, number]>(([arena, ptr, floats]) => arena.release(ptr, floats));

/**
 * A kernel instance over its own shared WebAssembly memory. Two ways to use it:
 *
 * - `alloc`/`allocView` hand out blocks that stay where they are for the arena's life: the
 *   memory is shared, so growing it never detaches a view made earlier. Model parameters,
 *   gradients and optimizer state live in such blocks, so kernels update them in place.
 * - `layout` lays scratch blocks out from the start of the memory (for the staging
 *   WasmBackend and the calibration), invalidating whatever was there; an arena uses one or
 *   the other.
 */
export class WasmArena implements OptimizerKernels {
  /** The kernels to call: `raw` itself, or with `threads` > 1 a SplitKernels over it. */
  readonly kernels: KernelExports;
  /** This thread's instance's exports. */
  readonly raw: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** The compiled module (kernel worker threads instantiate it over this memory). */
  readonly module: WasmKernels;
  /** Unique in the process (kernel worker threads key their instances by it). */
  readonly id = nextId++;
  private top = BASE;
  /** Released blocks by float count, reused (zeroed) by allocView. */
  private free = new Map<number, number[]>();
  private heapView: Float32Array;
  /** False after dispose: the memory may then belong to another arena. */
  live = true;
  /** The resident feature matrix blocks (kept for the next arena over this memory): training and evaluation data. */
  private readonly features: FeatureBlock[] = [];
  /** Blocks a previous arena over this memory left features in, reserved below `top` until claimed. */
  private readonly spare: FeatureBlock[];
  /** Bytes below which a reused memory may hold a previous arena's values (0 for a fresh memory). */
  private dirty = 0;
  private readonly rawUpdates: WasmUpdates; private readonly splitUpdates: WasmUpdates;
  /** SGD on the native kernels for updates that would run on one thread here (see useNativeSgd). */
  private nativeUpdates: NativeSgdUpdates | null = null;

  /**
   * `threads` > 1 splits large kernel calls over that many threads (see SplitKernels).
   * `reuse`: a memory and instance given back by a disposed arena (see {@link WasmArena.acquire}).
   */
  constructor(kernels: WasmKernels, threads = 1, reuse?: PooledMemory) {
    const { memory, exports } = reuse ?? instantiate(kernels, 1);
    this.raw = exports; this.memory = memory; this.module = kernels;
    if (exports.staticEnd() > BASE) throw new Error(`kernel module's static data ends at ${exports.staticEnd()}, above the arena's base ${BASE}`);
    this.kernels = threads > 1 ? new SplitKernels(exports, this, threads, (n) => this.alloc(n)) : exports;
    this.rawUpdates = new WasmUpdates(exports); this.splitUpdates = threads > 1 ? new WasmUpdates(this.kernels) : this.rawUpdates;
    this.heapView = this.view(0, memory.buffer.byteLength / 4);
    this.spare = reuse ? [...reuse.features] : [];
    // Blocks come zeroed: below `dirty` (what the last arena used) alloc clears each block it hands out.
    if (reuse) { this.top = Math.max(BASE, ...this.spare.map((b) => b.ptr + blockBytes(b.floats))); this.dirty = reuse.used + SLACK; }
  }

  /**
   * An arena over a memory a disposed arena of the same module gave back on this thread, or a
   * new one: a sweep that disposes each trial's model reuses one memory instead of growing
   * the process by a memory per trial.
   */
  static acquire(kernels: WasmKernels, threads = 1): WasmArena {
    return new WasmArena(kernels, threads, takePooled(kernels) ?? undefined);
  }

  /**
   * Gives the memory and instance back for the next `acquire` on this thread (the resident
   * feature block with them). Every view of this arena is invalid afterwards.
   */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    // Blocks a previous arena left that this one never claimed still hold their rows: passed on
    // too (after this arena's own, up to KEEP_FEATURES), so a model that used no rows (a probe)
    // does not cost the next one its steady copy.
    const features = [...this.features, ...this.spare].slice(0, KEEP_FEATURES);
    givePooled(this.module, { memory: this.memory, exports: this.raw, used: Math.max(this.top, this.dirty), features });
  }

  /** The error for a use of a model after dispose (its memory may already serve another model). */
  disposedError(): MinibatchError {
    return new MinibatchError('BAD_ARGUMENT', 'this model was disposed (model.dispose()) and its memory now belongs to another model; build a new model to use it again');
  }

  /**
   * A view holding a copy of `src` (a feature matrix): in the smallest block a previous arena
   * over this memory kept features in that is large enough, else in a new block. The arena's
   * dispose passes its blocks on (at most {@link KEEP_FEATURES}: the training and the
   * evaluation features), so trials of a sweep on the same data reuse their space. A block that
   * already holds `src` at its current steady version (see markSteady) is taken as it is, without
   * copying, and a block holding other steady rows is left for them.
   */
  residentFeatures(src: Float32Array): Float32Array {
    const version = steadyVersion(src);
    let best = version === undefined ? -1 : this.spare.findIndex((b) => b.source === src && b.version === version && b.floats >= src.length);
    const held = best >= 0;
    // Otherwise the smallest block that fits, but not one still holding other steady rows (they will be asked for too).
    const valid = (b: FeatureBlock): boolean => b.source !== undefined && steadyVersion(b.source) === b.version;
    if (!held) this.spare.forEach((b, i) => { if (b.floats >= src.length && !valid(b) && (best < 0 || b.floats < this.spare[best]!.floats)) best = i; });
    const { ptr, floats } = best >= 0 ? this.spare.splice(best, 1)[0]! : { ptr: this.alloc(src.length), floats: src.length };
    this.features.push(version === undefined ? { ptr, floats } : { ptr, floats, source: src, version });
    if (this.features.length > KEEP_FEATURES) this.features.shift();
    const v = this.view(ptr, src.length);
    if (!held) v.set(src);
    return v;
  }

  /**
   * The fused optimizer updates for n elements: split over threads when n is large enough; on a
   * memory whose runner uses the native kernels, SGD on them from {@link NATIVE_SGD_MIN} elements
   * (split over the native pool) and everything else on this thread (same bits either way).
   */
  updates(n: number): FusedUpdates {
    if (this.nativeUpdates) return n >= NATIVE_SGD_MIN ? this.nativeUpdates : this.rawUpdates;
    return n >= 2 * MIN_PART_ELEMENTS && this.splitUpdates !== this.rawUpdates ? this.splitUpdates : this.rawUpdates;
  }

  /**
   * Lets SGD updates of this memory run on the native kernels (the resident runner does when its
   * large layers are native). From then on the native kernels own this memory's second core: SGD updates run on them, and
   * no call here is split over the WASM kernel threads. A WASM helper spins for a while after
   * each part it runs (SPIN_MS), and on a two-core machine that spin took the core the native
   * pool's next split needed: a 784-128-10 step at batch 32 ran at half the one-thread speed.
   */
  useNativeSgd(nk: NativeKernels): void { this.nativeUpdates = new NativeSgdUpdates(this.rawUpdates, nk, () => this.heap); }

  allocState(len: number): Float32Array { return this.allocView(len); }

  flushTiny(b: Float32Array, tiny: number): void { this.kernels.flushTiny(b.byteOffset, b.length, tiny); }

  /**
   * `kernels` when a call with `work` units could be split (at least two parts of `min`), else
   * `raw`: small calls skip the splitting wrapper's cost (about 25 ns per call).
   */
  pick(work: number, min: number): KernelExports { return work >= 2 * min && this.nativeUpdates === null ? this.kernels : this.raw; }

  /** A view of the whole memory (re-made after growth). */
  get heap(): Float32Array {
    if (this.heapView.length * 4 !== this.memory.buffer.byteLength) this.heapView = this.view(0, this.memory.buffer.byteLength / 4);
    return this.heapView;
  }

  /** Byte offset of a new zeroed block of `floats` floats, 64-byte aligned; grows the memory as needed. */
  alloc(floats: number): number {
    const at = this.top;
    this.top += blockBytes(floats);
    this.reserve(this.top + SLACK);
    if (at < this.dirty) this.heap.fill(0, at >> 2, Math.min(this.top + SLACK, this.dirty) >> 2);
    return at;
  }

  /**
   * A zeroed view of `len` floats in a block of its own. When the view (the object itself; a
   * subarray of it does not count) is garbage collected, the block is reused for a later view of
   * the same length, so optimizers created again and again on one model do not grow its memory.
   */
  allocView(len: number): Float32Array {
    const list = this.free.get(len); const reused = list?.pop();
    const ptr = reused ?? this.alloc(len);
    const v = this.view(ptr, len);
    if (reused !== undefined) v.fill(0);
    reclaim.register(v, [this, ptr, len]);
    return v;
  }

  /** Called when a view from allocView is collected. */
  release(ptr: number, floats: number): void {
    const list = this.free.get(floats);
    if (list) list.push(ptr); else this.free.set(floats, [ptr]);
  }

  /**
   * Scratch: byte offsets of blocks of the given float counts laid out from the start of the
   * memory (every block 64-byte aligned), grown to fit. Earlier scratch pointers stay valid only
   * if the earlier sizes were a prefix of these.
   */
  layout(floats: readonly number[]): number[] {
    const ptrs: number[] = []; let at = BASE;
    for (const n of floats) { ptrs.push(at); at += Math.ceil((n * 4) / 64) * 64; }
    this.reserve(at + SLACK);
    return ptrs;
  }

  /** A Float32Array over `len` floats at byte offset `ptr`; it stays valid when the memory grows. */
  view(ptr: number, len: number): Float32Array {
    const buf = this.memory.buffer;
    homes.set(buf, this); registerResident(buf, this);
    return new Float32Array(buf, ptr, len);
  }

  /**
   * Grows the memory to at least `bytes`. A large growth (a block of rows, filled next) asks for
   * huge pages over the whole memory (the 2 MiB pages the old and new parts share included) and
   * goes 2 MiB further, so the huge page holding the block's end lies inside the memory too.
   */
  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const large = bytes - have >= HUGE_PAGE_MIN_BYTES;
    this.memory.grow(growthPages(have, bytes, large));
    if (large) adviseHugePages(new Float32Array(this.memory.buffer));
  }
}

/**
 * Pages to grow a memory of `have` bytes by so that it holds `bytes`: for a large growth (one
 * that asks for huge pages) a huge page more where the memory's maximum leaves room, so the
 * huge page holding the new block's end lies inside the memory.
 */
export function growthPages(have: number, bytes: number, large: boolean, maxPages = MAX_PAGES): number {
  const need = Math.ceil((bytes - have) / PAGE);
  const room = maxPages - have / PAGE - need;
  return need + (large ? Math.max(0, Math.min(HUGE_PAGE / PAGE, room)) : 0);
}

/** The arena whose memory `a` is a view of, or undefined for an array on the JS heap. */
export function homeOf(a: Float32Array): WasmArena | undefined { return homes.get(a.buffer); }

/** Bytes a block of `floats` floats takes (at least 64, a multiple of 64). */
function blockBytes(floats: number): number { return Math.max(1, Math.ceil((floats * 4) / 64)) * 64; }
