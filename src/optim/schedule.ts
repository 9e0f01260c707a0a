// Learning-rate schedules: constant, step, exponential, cosine and linear warmup, composable.
import { checkInt, checkNumber, show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';

/**
 * A learning rate as a function of the update count t = 0, 1, 2, ... (t is the number of
 * updates already made, so the first update uses `at(0)`). `spec` is a plain description
 * that model files and reports store.
 */
export interface Schedule {
  at(t: number): number;
  readonly spec: ScheduleSpec;
}

export type ScheduleSpec =
  | { type: 'constant'; value: number }
  | { type: 'step'; initial: number; stepSize: number; gamma: number }
  | { type: 'exponential'; initial: number; decaySteps: number; decayRate: number }
  | { type: 'cosine'; initial: number; decaySteps: number; minValue: number }
  | { type: 'warmup'; warmupSteps: number; startFactor: number; after: ScheduleSpec };

/** A learning rate that never changes. */
export function constant(value: number): Schedule {
  const v = lr(value);
  return { at: () => v, spec: { type: 'constant', value: v } };
}

/** lr_t = initial x gamma^floor(t / stepSize)  (PyTorch StepLR, counted in updates). */
export function stepDecay(o: { initial: number; stepSize: number; gamma?: number }): Schedule {
  checkOptionsObject('stepDecay', o ?? null, '{ initial: 0.1, stepSize: 1000 }');
  const initial = lr(o.initial); const stepSize = checkInt('stepSize', o.stepSize, 1, Infinity);
  const gamma = checkNumber('gamma', o.gamma ?? 0.1, 0, 1, { minInclusive: false });
  return { at: (t) => initial * gamma ** Math.floor(t / stepSize), spec: { type: 'step', initial, stepSize, gamma } };
}

/** lr_t = initial x decayRate^(t / decaySteps)  (Keras ExponentialDecay, smooth). */
export function exponentialDecay(o: { initial: number; decaySteps: number; decayRate: number }): Schedule {
  checkOptionsObject('exponentialDecay', o ?? null, '{ initial: 0.1, decaySteps: 1000, decayRate: 0.96 }');
  const initial = lr(o.initial); const decaySteps = checkInt('decaySteps', o.decaySteps, 1, Infinity);
  const decayRate = checkNumber('decayRate', o.decayRate, 0, 1, { minInclusive: false });
  return { at: (t) => initial * decayRate ** (t / decaySteps), spec: { type: 'exponential', initial, decaySteps, decayRate } };
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017) without restarts:
 * lr_t = min + (initial - min)(1 + cos(pi min(t, T) / T)) / 2, with T = decaySteps.
 */
export function cosineDecay(o: { initial: number; decaySteps: number; minValue?: number }): Schedule {
  checkOptionsObject('cosineDecay', o ?? null, '{ initial: 0.1, decaySteps: 1000 }');
  const initial = lr(o.initial); const decaySteps = checkInt('decaySteps', o.decaySteps, 1, Infinity);
  const minValue = checkNumber('minValue', o.minValue ?? 0, 0, initial);
  return {
    at: (t) => minValue + (initial - minValue) * (1 + Math.cos((Math.PI * Math.min(t, decaySteps)) / decaySteps)) / 2,
    spec: { type: 'cosine', initial, decaySteps, minValue },
  };
}

/**
 * Linear warmup (Goyal et al. 2017) in front of any schedule: for t < W the rate ramps from
 * startFactor x after.at(0) to after.at(0) as lr_t = after.at(0) x (s + (1 - s) t / W);
 * from t = W on it is after.at(t - W).
 */
export function linearWarmup(after: Schedule | number, o: { warmupSteps: number; startFactor?: number }): Schedule {
  checkOptionsObject('linearWarmup', o ?? null, '0.1, { warmupSteps: 500 }');
  const inner = toSchedule(after);
  const W = checkInt('warmupSteps', o.warmupSteps, 0, Infinity);
  const s = checkNumber('startFactor', o.startFactor ?? 0.1, 0, 1);
  const base = inner.at(0);
  return {
    at: (t) => (t < W ? base * (s + ((1 - s) * t) / W) : inner.at(t - W)),
    spec: { type: 'warmup', warmupSteps: W, startFactor: s, after: inner.spec },
  };
}

/** Rebuilds a schedule from its spec (model files, worker threads). */
export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  switch (spec.type) {
    case 'constant': return constant(spec.value);
    case 'step': return stepDecay(spec);
    case 'exponential': return exponentialDecay(spec);
    case 'cosine': return cosineDecay(spec);
    case 'warmup': return linearWarmup(scheduleFromSpec(spec.after), spec);
  }
}

/**
 * A number or a schedule, as the optimizers accept; anything else (a string such as 'abc',
 * NaN, an object without `at`) is refused here, when the optimizer is made, not mid-training.
 */
export function toSchedule(v: number | Schedule): Schedule {
  if (typeof v === 'number') return constant(v);
  const s = v as Partial<Schedule> | null | undefined;
  if (s === null || typeof s !== 'object' || typeof s.at !== 'function' || typeof s.spec !== 'object' || s.spec === null) {
    throw new MinibatchError('BAD_LEARNING_RATE', `learningRate must be a positive number or a schedule (from constant, stepDecay, exponentialDecay, cosineDecay or linearWarmup), got ${show(v)}. Use a number such as 0.01`);
  }
  return s as Schedule;
}

/** Refuses a factory's options argument that is not an object (null, a string such as 'adam'). */
export function checkOptionsObject(factory: string, o: unknown, example: string): void {
  if (o === undefined) return;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new MinibatchError('BAD_ARGUMENT', `${factory}(options): options must be an object such as ${factory}(${example}), got ${show(o)}`);
  }
}

function lr(v: unknown): number {
  return checkNumber('learningRate', v, 0, Infinity, { code: 'BAD_LEARNING_RATE', minInclusive: false, hint: 'Use a positive number such as 0.01' });
}
