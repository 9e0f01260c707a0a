// The Optimizer interface and the shared bookkeeping (step count, schedule, state buffers).
import { MinibatchError } from '../core/errors.js';
import { optimizerKernels, type FusedUpdates, type OptimizerKernels } from '../kernels/backend.js';
import { toSchedule, type Schedule, type ScheduleSpec } from './schedule.js';

/** Every this many updates, state values smaller in magnitude than {@link FLUSH_BELOW} are set to 0. */
export const FLUSH_EVERY = 32;
/**
 * The denormal guard's threshold (1e-30 as a float32): far above float32's smallest normal
 * (1.2e-38), so a moment decaying by a factor of 0.9 or more per update is flushed before it
 * turns subnormal, where arithmetic runs up to 100x slower on x86. The update it changes moves a
 * parameter by less than lr x 1e-22 (momentum, Adam's m) or, for a second moment, changes a
 * denominator sqrt(v) + eps by less than 1e-15.
 */
export const FLUSH_BELOW = Math.fround(1e-30);

/**
 * Below this many parameters the JavaScript loop updates faster than a call into WASM (31
 * parameters: 57 ns against 86 ns per SGD step); both give the same bits.
 */
const FUSED_MIN = 64;

/** A plain description of an optimizer, stored in model files and passed to worker threads. */
export type OptimizerSpec =
  | { type: 'sgd'; learningRate: ScheduleSpec; momentum: number; dampening: number; nesterov: boolean; weightDecay: number }
  | { type: 'rmsprop'; learningRate: ScheduleSpec; alpha: number; epsilon: number; momentum: number; centered: boolean; weightDecay: number }
  | { type: 'adam'; learningRate: ScheduleSpec; beta1: number; beta2: number; epsilon: number; weightDecay: number; decoupled: boolean };

/** An optimizer's resumable state (see Optimizer.getState). `size` is -1 before the first step. */
export interface OptimizerState { iterations: number; lastLearningRate: number; size: number; buffers: Float32Array[] }

/** Learning rate as a number or a schedule over updates. */
export type LearningRate = number | Schedule;

/**
 * A stateful update rule. `step(params, grad)` applies one update in place; state buffers are
 * allocated on the first step (or when the parameter count changes) and never again.
 *
 * When `params` and `grad` live in a model's WASM memory (a Model on the WASM backend), the
 * state buffers are allocated there too and the update runs as one fused WASM kernel per step
 * (assembly/optim.ts) that computes in float64 exactly as the JavaScript loop does: the same
 * bits either way. Every {@link FLUSH_EVERY} updates, state values below {@link FLUSH_BELOW}
 * in magnitude are set to zero, so a run whose ReLUs die (zero gradients, moments decaying
 * towards zero) never computes on subnormal floats.
 */
export abstract class Optimizer {
  abstract readonly spec: OptimizerSpec;
  /** Updates applied so far; the schedule is evaluated at this count. */
  iterations = 0;
  /** The learning rate of the last update (NaN before the first). */
  lastLearningRate = NaN;
  /**
   * A multiplier on the scheduled learning rate: each update uses schedule(t) x rateScale. 1 by
   * default (x 1 is exact, so runs that never change it keep their bits); ReduceLROnPlateau
   * (fit's `reduceLROnPlateau`) lowers it. Not part of getState(): checkpoints save it with ReduceLROnPlateau's state.
   */
  rateScale = 1;
  /**
   * A factor on the schedule's learning rate (default 1, which leaves every bit as without it):
   * set by an adaptive batch-size policy that scales the rate with the batch (see BatchPolicy).
   */
  lrScale = 1;
  protected readonly schedule: Schedule;
  protected size = -1;
  /** The backend memory the state buffers live in (null: the JS heap). */
  private home: OptimizerKernels | null = null;
  /** The last params and grad arrays stepped with and where they live (looked up once per array, not per step). */
  private seenParams: Float32Array | null = null; private paramsHome: OptimizerKernels | null = null;
  private seenGrad: Float32Array | null = null; private gradHome: OptimizerKernels | null = null;
  /** buffers(), kept for the flush (null after the buffers are reallocated). */
  private stateList: Float32Array[] | null = null;

  constructor(learningRate: LearningRate) { this.schedule = toSchedule(learningRate); }

  /** The learning rate the next update will use. */
  learningRate(): number { return this.schedule.at(this.iterations) * this.rateScale * this.lrScale; }

  /** Applies one update to `params` from `grad` (same length) and advances the step count. */
  step(params: Float32Array, grad: Float32Array): void {
    if (grad.length !== params.length) {
      throw new MinibatchError('BAD_SHAPE', `gradient has ${grad.length} values for ${params.length} parameters`);
    }
    if (params !== this.seenParams) { this.seenParams = params; this.paramsHome = optimizerKernels(params); }
    const home = this.paramsHome;
    if (params.length !== this.size) { this.home = home; this.allocate(params.length); }
    else if (home !== this.home) this.rehome(home);
    const lr = this.schedule.at(this.iterations) * this.rateScale * this.lrScale;
    this.lastLearningRate = lr;
    this.update(params, grad, lr, this.iterations + 1);
    this.iterations++;
    if (this.iterations % FLUSH_EVERY === 0) this.flushState();
  }

  /**
   * For a kernel that applies this optimizer's rule itself (the whole-epoch SGD kernel, see
   * SgdEpochJob): true when step() would neither allocate nor move the state for `params`.
   */
  readyFor(params: Float32Array): boolean { return this.size === params.length && optimizerKernels(params) === this.home; }

  /** The rates of the next `count` updates, as step() computes each, into out[0 .. count). */
  ratesAhead(out: Float64Array, count: number): void {
    const t = this.iterations; const s = this.schedule;
    for (let i = 0; i < count; i++) out[i] = s.at(t + i) * this.rateScale * this.lrScale;
  }

  /** Counts `count` updates that such a kernel made (state and flush included), the last at rate `lastRate`. */
  advance(count: number, lastRate: number): void {
    if (count <= 0) return;
    this.iterations += count; this.lastLearningRate = lastRate;
  }

  /**
   * The fused updates of the backend when params, grad and the state all live in the same
   * backend memory and there are at least FUSED_MIN parameters, else null (the JavaScript loop).
   */
  protected fused(params: Float32Array, grad: Float32Array): FusedUpdates | null {
    // step() has put the state where params live, so only the gradient's home is left to check.
    const home = this.home;
    if (home === null || params.length < FUSED_MIN) return null;
    if (grad !== this.seenGrad) { this.seenGrad = grad; this.gradHome = optimizerKernels(grad); }
    return this.gradHome === home ? home.updates(params.length) : null;
  }

  /** A zeroed state buffer of n floats where the parameters live. */
  protected newBuffer(n: number): Float32Array { return this.home ? this.home.allocState(n) : new Float32Array(n); }

  /**
   * Moves the state buffers (values kept) to the memory the parameters now live in; state left
   * in a disposed model's memory is lost, which is an error rather than a silent restart.
   */
  private rehome(home: OptimizerKernels | null): void {
    if (this.home && !this.home.live && this.buffers().some((b) => b.length > 0)) {
      throw new MinibatchError('BAD_ARGUMENT', `this ${this.spec.type} optimizer kept its state in the memory of a model that was disposed (model.dispose()); create a new optimizer, or call reset() on this one, before stepping another model`);
    }
    const old = this.buffers().map((b) => b.slice());
    this.home = home; this.reallocate(this.size);
    this.buffers().forEach((b, i) => b.set(old[i]!));
  }

  /** The denormal guard: zero every state value below FLUSH_BELOW in magnitude. */
  protected flushState(): void {
    const home = this.home;
    for (const b of (this.stateList ??= this.buffers())) {
      if (home && optimizerKernels(b) === home) { home.flushTiny(b, FLUSH_BELOW); continue; }
      for (let i = 0; i < b.length; i++) if (Math.abs(b[i]!) < FLUSH_BELOW) b[i] = 0;
    }
  }

  /** Forgets all state (moments, step count), as for a fresh optimizer. */
  reset(): void { this.iterations = 0; this.size = -1; this.lastLearningRate = NaN; this.rateScale = 1; }

  /** The state buffers, for checkpoints. */
  abstract buffers(): Float32Array[];

  /** A copy of everything a later update depends on: step count, last rate, buffers (checkpoints). */
  getState(): OptimizerState {
    return { iterations: this.iterations, lastLearningRate: this.lastLearningRate, size: this.size, buffers: this.buffers().map((b) => b.slice()) };
  }

  /**
   * Restores a state from getState() (of an optimizer with the same spec), so the next update is
   * bit-identical to the one the saved optimizer would have made. Mismatched buffers are a
   * MinibatchError.
   */
  setState(s: OptimizerState): void {
    if (s.size >= 0) this.allocate(s.size); else { this.size = -1; this.reallocate(0); }
    const mine = this.buffers();
    if (mine.length !== s.buffers.length || mine.some((b, i) => b.length !== s.buffers[i]!.length)) {
      throw new MinibatchError('BAD_ARGUMENT', `optimizer state holds buffers of lengths [${s.buffers.map((b) => b.length).join(', ')}], this ${this.spec.type} optimizer needs [${mine.map((b) => b.length).join(', ')}]; resume with the optimizer settings the state was saved with`);
    }
    mine.forEach((b, i) => b.set(s.buffers[i]!));
    this.iterations = s.iterations; this.lastLearningRate = s.lastLearningRate;
  }

  protected allocate(size: number): void {
    this.size = size; this.iterations = 0;
    this.reallocate(size);
  }

  private reallocate(size: number): void { this.allocateBuffers(size); this.stateList = null; }

  protected abstract allocateBuffers(size: number): void;
  /** One update with learning rate `lr`; `t` counts from 1 for this update. */
  protected abstract update(params: Float32Array, grad: Float32Array, lr: number, t: number): void;
}
