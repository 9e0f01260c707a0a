// Optimizers as data for trials: rebuild from an OptimizerSpec, re-based on a trial's learning rate.
import { MinibatchError } from '../../core/errors.js';
import { adam, adamw } from '../../optim/adam.js';
import { Optimizer, type LearningRate, type OptimizerSpec } from '../../optim/optimizer.js';
import { rmsprop } from '../../optim/rmsprop.js';
import { scheduleFromSpec, type ScheduleSpec } from '../../optim/schedule.js';
import { sgd } from '../../optim/sgd.js';

/**
 * How an experiment builds its optimizer for a learning rate: a factory `(lr) => Optimizer`
 * (in-thread only unless its `spec` rebuilds it), an `OptimizerSpec`, or an Optimizer
 * instance whose spec is used. The learning rate in a spec or instance is replaced by the
 * trial's (a schedule is rescaled so that its base rate is the trial's, see `rebaseSchedule`).
 */
export type OptimizerChoice = ((learningRate: number) => Optimizer) | OptimizerSpec | Optimizer;

/** Plain SGD (no momentum, no weight decay): the default of every experiment. */
export const DEFAULT_OPTIMIZER: OptimizerSpec = {
  type: 'sgd', learningRate: { type: 'constant', value: 0.01 }, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0,
};

/**
 * Rebuilds the optimizer a spec describes (as saved in model files or sent to worker
 * threads). With `learningRate` the spec's schedule is replaced by it (a number or Schedule).
 */
export function optimizerFromSpec(spec: OptimizerSpec, learningRate?: LearningRate): Optimizer {
  const lr: LearningRate = learningRate ?? scheduleFromSpec(spec.learningRate);
  switch (spec.type) {
    case 'sgd':
      return sgd({ learningRate: lr, momentum: spec.momentum, dampening: spec.dampening, nesterov: spec.nesterov, weightDecay: spec.weightDecay });
    case 'rmsprop':
      return rmsprop({ learningRate: lr, alpha: spec.alpha, epsilon: spec.epsilon, momentum: spec.momentum, centered: spec.centered, weightDecay: spec.weightDecay });
    case 'adam': {
      const o = { learningRate: lr, beta1: spec.beta1, beta2: spec.beta2, epsilon: spec.epsilon, weightDecay: spec.weightDecay };
      return spec.decoupled ? adamw(o) : adam(o);
    }
    default:
      throw new MinibatchError('BAD_ARGUMENT', `optimizer type must be 'sgd', 'rmsprop' or 'adam', got ${JSON.stringify((spec as { type?: unknown }).type)}`);
  }
}

/** The base (peak) rate of a schedule: its constant value, its initial value, or after warmup. */
export function scheduleBase(spec: ScheduleSpec): number {
  switch (spec.type) {
    case 'constant': return spec.value;
    case 'warmup': return scheduleBase(spec.after);
    default: return spec.initial;
  }
}

/**
 * The schedule `spec` multiplied by lr / base(spec), so a trial at learning rate `lr` keeps the
 * schedule's shape (warmup, decay) with `lr` as its base: lr_t' = lr_t x lr / base.
 */
export function rebaseSchedule(spec: ScheduleSpec, lr: number): ScheduleSpec {
  if (spec.type === 'constant') return { type: 'constant', value: lr };
  const f = lr / scheduleBase(spec);
  const scale = (s: ScheduleSpec): ScheduleSpec => {
    switch (s.type) {
      case 'constant': return { ...s, value: s.value * f };
      case 'warmup': return { ...s, after: scale(s.after) };
      case 'cosine': return { ...s, initial: s.initial * f, minValue: s.minValue * f };
      default: return { ...s, initial: s.initial * f };
    }
  };
  return scale(spec);
}

/** Builds the trial optimizer for rate `lr` from a spec, keeping the spec's schedule shape. */
export function optimizerAt(spec: OptimizerSpec, lr: number): Optimizer {
  return optimizerFromSpec(spec, scheduleFromSpec(rebaseSchedule(spec.learningRate, lr)));
}

/** True when `v` looks like an OptimizerSpec (a plain object with a known `type`). */
export function isOptimizerSpec(v: unknown): v is OptimizerSpec {
  return typeof v === 'object' && v !== null && !(v instanceof Optimizer) &&
    ['sgd', 'rmsprop', 'adam'].includes((v as { type?: unknown }).type as string);
}

/**
 * Resolves an OptimizerChoice to a spec that rebuilds it in a worker thread, or undefined when
 * it cannot (a factory whose optimizer is not one the spec rebuilds, e.g. a custom subclass).
 */
export function specOfChoice(choice: OptimizerChoice | undefined): OptimizerSpec | undefined {
  if (choice === undefined) return DEFAULT_OPTIMIZER;
  if (choice instanceof Optimizer) return choice.spec;
  if (isOptimizerSpec(choice)) return choice;
  if (typeof choice !== 'function') return undefined;
  const probe = choice(0.01);
  const rebuilt = optimizerFromSpec(probe.spec);
  return rebuilt.constructor === probe.constructor ? probe.spec : undefined;
}

/** The factory `(lr) => Optimizer` of an OptimizerChoice, for in-thread trials. */
export function factoryOfChoice(choice: OptimizerChoice | undefined): (lr: number) => Optimizer {
  if (typeof choice === 'function') return choice;
  const spec = choice === undefined ? DEFAULT_OPTIMIZER : choice instanceof Optimizer ? choice.spec : choice;
  if (!isOptimizerSpec(spec)) {
    throw new MinibatchError('BAD_ARGUMENT', `optimizer must be a factory (lr) => Optimizer, an Optimizer or an OptimizerSpec such as sgd({ learningRate: 0.1 }).spec, got ${String(choice)}`);
  }
  return (lr) => optimizerAt(spec, lr);
}
