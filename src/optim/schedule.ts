// Learning-rate schedules: constant, step, exponential, cosine and linear warmup, composable.
import { checkInt, checkNumber } from '../core/check.js';

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
  const initial = lr(o.initial); const stepSize = checkInt('stepSize', o.stepSize, 1, Infinity);
  const gamma = checkNumber('gamma', o.gamma ?? 0.1, 0, 1, { minInclusive: false });
  return { at: (t) => initial * gamma ** Math.floor(t / stepSize), spec: { type: 'step', initial, stepSize, gamma } };
}

/** lr_t = initial x decayRate^(t / decaySteps)  (Keras ExponentialDecay, smooth). */
export function exponentialDecay(o: { initial: number; decaySteps: number; decayRate: number }): Schedule {
  const initial = lr(o.initial); const decaySteps = checkInt('decaySteps', o.decaySteps, 1, Infinity);
  const decayRate = checkNumber('decayRate', o.decayRate, 0, 1, { minInclusive: false });
  return { at: (t) => initial * decayRate ** (t / decaySteps), spec: { type: 'exponential', initial, decaySteps, decayRate } };
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017) without restarts:
 * lr_t = min + (initial - min)(1 + cos(pi min(t, T) / T)) / 2, with T = decaySteps.
 */
export function cosineDecay(o: { initial: number; decaySteps: number; minValue?: number }): Schedule {
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
  const inner = typeof after === 'number' ? constant(after) : after;
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

/** A number or a schedule, as the optimizers accept. */
export function toSchedule(v: number | Schedule): Schedule {
  return typeof v === 'number' ? constant(v) : v;
}

function lr(v: unknown): number {
  return checkNumber('learningRate', v, 0, Infinity, { code: 'BAD_LEARNING_RATE', minInclusive: false, hint: 'Use a positive number such as 0.01' });
}
