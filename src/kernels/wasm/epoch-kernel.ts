// EpochKernel: a DenseRunner's whole-epoch batch-1 SGD (DenseEngine.sgdEpoch) on the WASM kernels of assembly/sgd-epoch.ts and sgd-epoch-softmax.ts, rows and targets resident.
import type { SgdEpochJob } from '../backend.js';
import type { ResidentRows } from './resident-rows.js';
import { homeOf, type WasmArena } from './wasm-arena.js';

/** The kernel's flags (assembly/sgd-epoch.ts). */
const LINEAR = 1; const JS_LAYER = 2; const NESTEROV = 4;
/** The kernel's f64 job block: limit, mu, keep, wd, flushEvery in; lastLoss, diverged out. */
const JOB_SLOTS = 8;

/**
 * Runs SgdEpochJob for a one-layer model of k inputs and one output, or of a softmax over c
 * classes, whose parameters and gradient live in `arena` (at byte offsets pPtr and gPtr), with
 * the arithmetic of the layer's kernels (`jsLayer`: the JS reference ones, else the WASM ones;
 * a softmax layer is taken only on the WASM ones, `softmaxOk`, where a one-row batch runs there). The training rows
 * are the runner's resident copy (`resident`, the one its gatherers use), the targets a copy of
 * their own; both are copied in again when a job is `fresh`. The visiting order and the rates
 * are copied into scratch blocks per call (count values); nothing else is allocated once the
 * blocks fit the data.
 */
export class EpochKernel {
  private readonly targets = new WeakMap<Float32Array, Float32Array>();
  private orderPtr = 0; private ratesPtr = 0; private cap = 0;
  private order: Uint32Array = new Uint32Array(0); private rates: Float64Array = new Float64Array(0);
  private readonly jobPtr: number; private readonly job: Float64Array;
  private readonly sumsPtr: number; private readonly sums: Float64Array;
  /** Scratch of the softmax kernel (logits, delta and two index lists), allocated on first need. */
  private workPtr = 0;

  constructor(
    private readonly arena: WasmArena, private readonly layers: readonly number[], private readonly pPtr: number,
    private readonly gPtr: number, private readonly jsLayer: boolean, private readonly resident: ResidentRows,
    private readonly softmaxOk: boolean,
  ) {
    this.jobPtr = arena.alloc(2 * JOB_SLOTS); this.job = new Float64Array(arena.memory.buffer, this.jobPtr, JOB_SLOTS);
    this.sumsPtr = arena.alloc(2 * 5); this.sums = new Float64Array(arena.memory.buffer, this.sumsPtr, 5);
  }

  /** Runs `job` (see SgdEpochJob); false, with nothing changed, when it does not fit this model. */
  run(job: SgdEpochJob): boolean {
    const a = this.arena; const L = this.layers; const k = L[0]!; const c = L[1]!;
    const softmax = job.output === 'softmax';
    if (!a.live || L.length !== 2 || job.targets.length * k !== job.features.length) return false;
    if (softmax ? c < 2 || !this.softmaxOk : c !== 1) return false;
    const b = job.buffer;
    if (b !== null && (homeOf(b) !== a || b.length !== k * c + c)) return false;
    const rows = this.resident.of(job.features, job.fresh);
    if (!rows) return false;
    const ys = this.targetsOf(job.targets, job.fresh);
    const count = job.count;
    this.ensure(count);
    this.order.set(job.order.subarray(job.start, job.start + count));
    this.rates.set(job.rates.subarray(0, count));
    const j = this.job;
    j[0] = job.limit; j[1] = job.momentum; j[2] = 1 - job.dampening; j[3] = job.weightDecay; j[4] = job.flushEvery;
    this.sums.set(job.sums);
    const flags = (job.output === 'linear' ? LINEAR : 0) | (this.jsLayer ? JS_LAYER : 0) | (job.nesterov ? NESTEROV : 0);
    const mb = b === null ? 0 : b.byteOffset;
    if (softmax) {
      // Logits and delta (c floats each, padded to whole f32x4 and one more), then two lists of k row indices.
      if (this.workPtr === 0) this.workPtr = a.alloc(2 * (((c + 3) & ~3) + 4) + 2 * k);
      job.applied = a.raw.sgdEpochSoftmax(k, c, rows.byteOffset, ys.byteOffset, this.orderPtr, 0, count, this.pPtr, this.gPtr,
        mb, this.sumsPtr, this.ratesPtr, this.jobPtr, flags, job.iterations, job.flushBelow, this.workPtr);
    } else {
      job.applied = a.raw.sgdEpoch(k, rows.byteOffset, ys.byteOffset, this.orderPtr, 0, count, this.pPtr, this.gPtr,
        mb, this.sumsPtr, this.ratesPtr, this.jobPtr, flags, job.iterations, job.flushBelow);
    }
    job.sums.set(this.sums);
    job.lastLoss = j[5]!; job.diverged = j[6] === 1;
    return true;
  }

  private targetsOf(targets: Float32Array, fresh: boolean): Float32Array {
    const have = this.targets.get(targets);
    if (have) { if (fresh) have.set(targets); return have; }
    const v = this.arena.allocView(targets.length); v.set(targets);
    this.targets.set(targets, v);
    return v;
  }

  /** Scratch for `count` order indices (u32) and rates (f64). */
  private ensure(count: number): void {
    if (count <= this.cap) return;
    const a = this.arena;
    this.orderPtr = a.alloc(count); this.ratesPtr = a.alloc(2 * count);
    this.order = new Uint32Array(a.memory.buffer, this.orderPtr, count);
    this.rates = new Float64Array(a.memory.buffer, this.ratesPtr, count);
    this.cap = count;
  }
}
