// SplitKernels: the kernel table with each large call cut into parts that run on several threads and give the same bits as one call.
import { KernelThreads, type ArenaHandle } from './kernel-threads.js';
import { ARG_SLOTS, OP, runOp } from './kernel-ops.js';
import type { KernelExports } from './wasm-module.js';

/** A part of a product gets at least this many multiply-adds (about 1.5-3 µs of one core). */
export const MIN_PART_MACS = 1 << 16;
/** A part of an element-wise update gets at least this many elements. */
export const MIN_PART_ELEMENTS = 1 << 15;

/** Allocates scratch in the arena (byte offset of `floats` floats). */
export type ScratchAlloc = (floats: number) => number;

/**
 * The kernels of one arena with every call big enough cut into disjoint parts of its output,
 * one per thread; small calls run whole on the caller's thread. Each part is the same kernel on
 * a sub-block, and every output element is computed by the same instructions in the same order
 * as in the whole call (products of 64 rows or more are cut by rows, which are independent: for
 * a forward product or an input gradient those are the batch's examples, so this is data
 * parallelism, and a weight gradient's rows are parameter blocks, each reduced over the whole
 * batch in the usual order; smaller products are cut at multiples of 8 columns, so the f32x4
 * tiles and the tail columns stay what they were), so a model
 * trained on any number of threads gets the same bits as on one. The bias-gradient column sums
 * (cheap) run whole. Nothing is allocated per call.
 */
export class SplitKernels implements KernelExports {
  /** The helper threads, started by the first call big enough to split (none before). */
  private pool: KernelThreads | null = null;
  private readonly threads: number;
  private parts = 1;
  /** The whole call's arguments, for the element-wise updates (see `elementwise`). */
  private readonly call = new Float64Array(ARG_SLOTS);
  /** Pack scratch for each helper (byte offset) and its capacity in floats. */
  private readonly pack: number[]; private readonly packCap: number[];

  constructor(private readonly k: KernelExports, private readonly arena: ArenaHandle, threads: number, private readonly scratch: ScratchAlloc) {
    this.threads = threads;
    this.pack = new Array<number>(threads).fill(0); this.packCap = new Array<number>(threads).fill(0);
  }

  /**
   * How many parts for `work` units with at least `min` per part, given `limit` possible cuts.
   * The first call that could be split starts the helpers (in the background: until they are
   * up, calls run whole), so a model that never makes a big call never starts a thread.
   */
  private count(work: number, min: number, limit: number): number {
    let p = Math.min(this.threads, Math.floor(work / min), limit);
    if (p < 2) return 1;
    const pool = this.pool ?? this.startPool();
    p = Math.min(p, this.parts);
    while (p > 1 && !pool.ready(p - 2)) p--;
    return p;
  }

  private startPool(): KernelThreads {
    const pool = KernelThreads.shared(this.threads);
    this.parts = Math.min(this.threads, pool.count + 1);
    return (this.pool = pool);
  }

  private packFor(h: number, floats: number): number {
    if (this.packCap[h]! < floats) { this.pack[h] = this.scratch(floats); this.packCap[h] = floats; }
    return this.pack[h]!;
  }

  gemm(M: number, N: number, K: number, A: number, aRs: number, aCs: number, B: number, bRs: number,
    C: number, cRs: number, bias: number, act: number, slope: number, pack: number): void {
    const byCols = N >= 16 && M < 64;
    const parts = this.count(M * N * K, MIN_PART_MACS, byCols ? N >> 3 : M);
    if (parts === 1) { this.k.gemm(M, N, K, A, aRs, aCs, B, bRs, C, cRs, bias, act, slope, pack); return; }
    for (let t = parts - 1; t >= 0; t--) {
      let m = M; let n = N; let a = A; let b = B; let c = C; let bi = bias;
      if (byCols) {
        const j0 = ((N >> 3) * t / parts | 0) << 3; const j1 = t === parts - 1 ? N : ((N >> 3) * (t + 1) / parts | 0) << 3;
        n = j1 - j0; b = B + 4 * j0; c = C + 4 * j0; bi = bias ? bias + 4 * j0 : 0;
      } else {
        const i0 = (M * t / parts) | 0; const i1 = ((M * (t + 1)) / parts) | 0;
        m = i1 - i0; a = A + 4 * i0 * aRs; c = C + 4 * i0 * cRs;
      }
      if (t === 0) { this.k.gemm(m, n, K, a, aRs, aCs, b, bRs, c, cRs, bi, act, slope, pack); break; }
      const x = this.pool!.args(t - 1);
      x[2] = m; x[3] = n; x[4] = K; x[5] = a; x[6] = aRs; x[7] = aCs; x[8] = b; x[9] = bRs; x[10] = c; x[11] = cRs;
      x[12] = bi; x[13] = act; x[14] = slope; x[15] = pack ? this.packFor(t, K * 8) : 0;
      this.pool!.start(t - 1, this.arena, OP.gemm);
    }
    for (let t = 1; t < parts; t++) this.pool!.finish(t - 1);
  }

  gemmNT(M: number, P: number, N: number, A: number, B: number, C: number): void {
    const parts = this.count(M * P * N, MIN_PART_MACS, M);
    if (parts === 1) { this.k.gemmNT(M, P, N, A, B, C); return; }
    for (let t = parts - 1; t >= 0; t--) {
      const i0 = (M * t / parts) | 0; const i1 = ((M * (t + 1)) / parts) | 0;
      if (t === 0) { this.k.gemmNT(i1 - i0, P, N, A + 4 * i0 * N, B, C + 4 * i0 * P); break; }
      const x = this.pool!.args(t - 1);
      x[2] = i1 - i0; x[3] = P; x[4] = N; x[5] = A + 4 * i0 * N; x[6] = B; x[7] = C + 4 * i0 * P;
      this.pool!.start(t - 1, this.arena, OP.gemmNT);
    }
    for (let t = 1; t < parts; t++) this.pool!.finish(t - 1);
  }

  colSums(M: number, N: number, Y: number, out: number): void { this.k.colSums(M, N, Y, out); }

  flushTiny(x: number, n: number, tiny: number): void { this.k.flushTiny(x, n, tiny); }

  softmaxXent(m: number, n: number, Z: number, Y: number, D: number, scale: number, work: number, out: number): void { this.k.softmaxXent(m, n, Z, Y, D, scale, work, out); }

  staticEnd(): number { return this.k.staticEnd(); }

  gatherRows(dst: number, src: number, idx: number, count: number, rowBytes: number): void { this.k.gatherRows(dst, src, idx, count, rowBytes); }

  /** Runs whole: each row's update depends on the one before. */
  sgdEpoch(k: number, rows: number, ys: number, order: number, from: number, count: number, p: number, g: number, mb: number,
    stats: number, rates: number, job: number, flags: number, iter0: number, tiny: number): number {
    return this.k.sgdEpoch(k, rows, ys, order, from, count, p, g, mb, stats, rates, job, flags, iter0, tiny);
  }

  /** Runs whole, as sgdEpoch. */
  sgdEpochSoftmax(k: number, c: number, rows: number, ys: number, order: number, from: number, count: number, p: number, g: number, mb: number,
    stats: number, rates: number, job: number, flags: number, iter0: number, tiny: number, work: number): number {
    return this.k.sgdEpochSoftmax(k, c, rows, ys, order, from, count, p, g, mb, stats, rates, job, flags, iter0, tiny, work);
  }

  exp64(x: number): number { return this.k.exp64(x); }
  log1p64(x: number): number { return this.k.log1p64(x); }

  actBackward(act: number, A: number, D: number, len: number, slope: number): void {
    const parts = this.count(len, MIN_PART_ELEMENTS, len >> 2);
    if (parts === 1) { this.k.actBackward(act, A, D, len, slope); return; }
    for (let t = parts - 1; t >= 0; t--) {
      const e0 = cut(len, t, parts); const e1 = cut(len, t + 1, parts);
      if (t === 0) { this.k.actBackward(act, A, D, e1, slope); break; }
      const x = this.pool!.args(t - 1);
      x[2] = act; x[3] = A + 4 * e0; x[4] = D + 4 * e0; x[5] = e1 - e0; x[6] = slope;
      this.pool!.start(t - 1, this.arena, OP.actBackward);
    }
    for (let t = 1; t < parts; t++) this.pool!.finish(t - 1);
  }

  /**
   * Runs the element-wise op whose arguments are in `call` (kernel-ops slot layout: [2] the
   * element count, then `pointers` byte offsets, then scalars), cut by index range: each
   * helper's part gets the same arguments with the count and the pointers moved to its range.
   */
  private elementwise(op: number, pointers: number): void {
    const x = this.call; const n = x[2]!; x[1] = op;
    const parts = this.count(n, MIN_PART_ELEMENTS, n >> 2);
    for (let t = parts - 1; t >= 1; t--) {
      const e0 = cut(n, t, parts); const a = this.pool!.args(t - 1);
      a.set(x); a[2] = cut(n, t + 1, parts) - e0;
      for (let i = 0; i < pointers; i++) a[3 + i] = x[3 + i]! + 4 * e0;
      this.pool!.start(t - 1, this.arena, op);
    }
    x[2] = cut(n, 1, parts);
    runOp(this.k, x);
    for (let t = 1; t < parts; t++) this.pool!.finish(t - 1);
  }

  sgdUpdate(n: number, p: number, g: number, b: number, lr: number, mu: number, keep: number, wd: number, mode: number): void {
    const x = this.call;
    x[2] = n; x[3] = p; x[4] = g; x[5] = b; x[6] = lr; x[7] = mu; x[8] = keep; x[9] = wd; x[10] = mode;
    this.elementwise(OP.sgdUpdate, 3);
  }

  adamUpdate(n: number, p: number, g: number, m: number, v: number, b1: number, omb1: number, b2: number, omb2: number,
    stepSize: number, rootBc2: number, eps: number, l2: number, shrink: number): void {
    const x = this.call;
    x[2] = n; x[3] = p; x[4] = g; x[5] = m; x[6] = v; x[7] = b1; x[8] = omb1; x[9] = b2; x[10] = omb2;
    x[11] = stepSize; x[12] = rootBc2; x[13] = eps; x[14] = l2; x[15] = shrink;
    this.elementwise(OP.adamUpdate, 4);
  }

  rmspropUpdate(n: number, p: number, g: number, v: number, ga: number, b: number, alpha: number, oma: number, eps: number,
    mu: number, lr: number, wd: number, centered: number, momentum: number): void {
    const x = this.call;
    x[2] = n; x[3] = p; x[4] = g; x[5] = v; x[6] = ga; x[7] = b; x[8] = alpha; x[9] = oma; x[10] = eps;
    x[11] = mu; x[12] = lr; x[13] = wd; x[14] = centered; x[15] = momentum;
    this.elementwise(OP.rmspropUpdate, 5);
  }
}

/** Where part t of `parts` starts in n elements (n at t = parts): cuts at multiples of 4. */
function cut(n: number, t: number, parts: number): number {
  return t >= parts ? n : ((((n >> 2) * t) / parts) | 0) << 2;
}
