// Turns --optimizer and --lr (plus warmup) into an optimizer.
import { UsageError } from './run-command.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import { rmsprop } from '../optim/rmsprop.js';
import { adam } from '../optim/adam.js';
import { linearWarmup, type Schedule } from '../optim/schedule.js';

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The learning rate used when --lr is not given: 0.001 for Adam, 0.01 for the others. */
export function defaultLearningRate(name: OptimizerName): number {
  return name === 'adam' ? 0.001 : 0.01;
}

/** momentum and nesterov are SGD with momentum 0.9 (classic or Nesterov). */
export function buildOptimizer(name: string, learningRate: number | Schedule): Optimizer {
  switch (name) {
    case 'sgd': return sgd({ learningRate });
    case 'momentum': return sgd({ learningRate, momentum: 0.9 });
    case 'nesterov': return sgd({ learningRate, momentum: 0.9, nesterov: true });
    case 'rmsprop': return rmsprop({ learningRate });
    case 'adam': return adam({ learningRate });
    default: throw new UsageError(`--optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${name}'`);
  }
}

/** A constant rate, or a linear warmup over `warmupSteps` updates in front of it. */
export function learningRateWithWarmup(lr: number, warmupSteps: number): number | Schedule {
  return warmupSteps > 0 ? linearWarmup(lr, { warmupSteps }) : lr;
}
