// The Optimizer interface and the shared bookkeeping (step count, schedule, state buffers).
import { MinibatchError } from '../core/errors.js';
import { toSchedule, type Schedule, type ScheduleSpec } from './schedule.js';

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
 */
export abstract class Optimizer {
  abstract readonly spec: OptimizerSpec;
  /** Updates applied so far; the schedule is evaluated at this count. */
  iterations = 0;
  /** The learning rate of the last update (NaN before the first). */
  lastLearningRate = NaN;
  protected readonly schedule: Schedule;
  protected size = -1;

  constructor(learningRate: LearningRate) { this.schedule = toSchedule(learningRate); }

  /** The learning rate the next update will use. */
  learningRate(): number { return this.schedule.at(this.iterations); }

  /** Applies one update to `params` from `grad` (same length) and advances the step count. */
  step(params: Float32Array, grad: Float32Array): void {
    if (grad.length !== params.length) {
      throw new MinibatchError('BAD_SHAPE', `gradient has ${grad.length} values for ${params.length} parameters`);
    }
    if (params.length !== this.size) this.allocate(params.length);
    const lr = this.schedule.at(this.iterations);
    this.lastLearningRate = lr;
    this.update(params, grad, lr, this.iterations + 1);
    this.iterations++;
  }

  /** Forgets all state (moments, step count), as for a fresh optimizer. */
  reset(): void { this.iterations = 0; this.size = -1; this.lastLearningRate = NaN; }

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
    if (s.size >= 0) this.allocate(s.size); else { this.size = -1; this.allocateBuffers(0); }
    const mine = this.buffers();
    if (mine.length !== s.buffers.length || mine.some((b, i) => b.length !== s.buffers[i]!.length)) {
      throw new MinibatchError('BAD_ARGUMENT', `optimizer state holds buffers of lengths [${s.buffers.map((b) => b.length).join(', ')}], this ${this.spec.type} optimizer needs [${mine.map((b) => b.length).join(', ')}]; resume with the optimizer settings the state was saved with`);
    }
    mine.forEach((b, i) => b.set(s.buffers[i]!));
    this.iterations = s.iterations; this.lastLearningRate = s.lastLearningRate;
  }

  protected allocate(size: number): void {
    this.size = size; this.iterations = 0;
    this.allocateBuffers(size);
  }

  protected abstract allocateBuffers(size: number): void;
  /** One update with learning rate `lr`; `t` counts from 1 for this update. */
  protected abstract update(params: Float32Array, grad: Float32Array, lr: number, t: number): void;
}
