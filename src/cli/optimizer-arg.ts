// Turns --optimizer, --lr and the optimizer's own options (momentum, betas, decay, schedule) into an optimizer.
import { UsageError } from './run-command.js';
import { parseChoice, parseIntArg, parseNumberArg } from './numbers.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sgd } from '../optim/sgd.js';
import { rmsprop } from '../optim/rmsprop.js';
import { adam, adamw } from '../optim/adam.js';
import { cosineDecay, exponentialDecay, linearWarmup, stepDecay, type Schedule } from '../optim/schedule.js';

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
export const SCHEDULE_NAMES = ['constant', 'step', 'exponential', 'cosine'] as const;

/** The raw option values (strings as commander gives them). */
export interface OptimizerArgs {
  optimizer: string; momentum?: string; nesterov?: boolean; weightDecay?: string; beta1?: string; beta2?: string;
  epsilon?: string; schedule?: string; stepSize?: string; gamma?: string; decaySteps?: string; decayRate?: string;
  minLr?: string; warmup?: string;
}

/** The learning rate used when --lr is not given: 0.001 for Adam and AdamW, 0.01 for the others. */
export function defaultLearningRate(name: OptimizerName): number {
  return name === 'adam' || name === 'adamw' ? 0.001 : 0.01;
}

/** Declares the optimizer options on a command (train and the sweeps share them). */
export function addOptimizerOptions<T extends { option(flags: string, desc: string, def?: string): T }>(c: T): T {
  return c
    .option('--optimizer <name>', OPTIMIZER_NAMES.join(' | ') + ' (momentum and nesterov: SGD with momentum 0.9)', 'sgd')
    .option('--momentum <value>', 'momentum factor in [0, 1) for sgd, momentum, nesterov and rmsprop (default: 0.9 for momentum/nesterov, else 0)')
    .option('--nesterov', 'Nesterov momentum (sgd with --momentum > 0, or --optimizer momentum) (default: off)')
    .option('--weight-decay <value>', 'L2 penalty in [0, 1] (decoupled for adamw) (default: 0.01 for adamw, else 0)')
    .option('--beta1 <value>', 'adam/adamw first-moment decay in [0, 1)', '0.9')
    .option('--beta2 <value>', 'adam/adamw second-moment decay in [0, 1)', '0.999')
    .option('--epsilon <value>', 'rmsprop/adam/adamw denominator term in (0, 1]', '1e-8')
    .option('--schedule <name>', `learning-rate schedule over updates: ${SCHEDULE_NAMES.join(' | ')}`, 'constant')
    .option('--step-size <updates>', 'with --schedule step: updates between decays (required by it)')
    .option('--gamma <factor>', 'with --schedule step: factor in (0, 1] per step', '0.1')
    .option('--decay-steps <updates>', 'with --schedule exponential or cosine: updates of the decay (required by them)')
    .option('--decay-rate <factor>', 'with --schedule exponential: factor in (0, 1] per --decay-steps updates (required by it)')
    .option('--min-lr <rate>', 'with --schedule cosine: the rate at the end, >= 0', '0')
    .option('--warmup <updates>', 'linear learning-rate warmup over this many updates (0 for none)', '0');
}

/** Builds the optimizer the options describe at base learning rate `lr`; options that do not apply are refused. */
export function optimizerFromArgs(a: OptimizerArgs, lr: number): Optimizer {
  const name = parseChoice('--optimizer', a.optimizer, OPTIMIZER_NAMES);
  refuseInapplicable(a, name);
  const learningRate = scheduleFromArgs(a, lr);
  const unit = (opt: string, v: string | undefined): number | undefined => v === undefined ? undefined : parseUnit(opt, v);
  const weightDecay = a.weightDecay === undefined ? undefined : parseNumberArg('--weight-decay', a.weightDecay, 0, 1);
  const wd = weightDecay === undefined ? {} : { weightDecay };
  const epsilon = a.epsilon === undefined ? {} : { epsilon: parseNumberArg('--epsilon', a.epsilon, 0, 1, false) };
  const momentum = unit('--momentum', a.momentum);
  switch (name) {
    case 'sgd': case 'momentum': case 'nesterov': {
      const mu = momentum ?? (name === 'sgd' ? 0 : 0.9);
      const nesterov = name === 'nesterov' || a.nesterov === true;
      if (nesterov && mu === 0) throw new UsageError(`--nesterov needs a momentum above 0: give --momentum 0.9 (in [0, 1)), or --optimizer nesterov`);
      return sgd({ learningRate, momentum: mu, nesterov, ...wd });
    }
    case 'rmsprop': return rmsprop({ learningRate, ...(momentum !== undefined ? { momentum } : {}), ...epsilon, ...wd });
    case 'adam': case 'adamw': {
      const o = { learningRate, beta1: parseUnit('--beta1', a.beta1 ?? '0.9'), beta2: parseUnit('--beta2', a.beta2 ?? '0.999'), ...epsilon, ...wd };
      return name === 'adamw' ? adamw(o) : adam(o);
    }
  }
}

/** A compatibility shorthand: the named optimizer at a rate or schedule, every other option at its default. */
export function buildOptimizer(name: string, learningRate: number | Schedule): Optimizer {
  const n = parseChoice('--optimizer', name, OPTIMIZER_NAMES);
  const m = n === 'momentum' || n === 'nesterov' ? { momentum: 0.9, nesterov: n === 'nesterov' } : {};
  if (n === 'rmsprop') return rmsprop({ learningRate });
  if (n === 'adam') return adam({ learningRate });
  if (n === 'adamw') return adamw({ learningRate });
  return sgd({ learningRate, ...m });
}

/** A constant rate, or a linear warmup over `warmupSteps` updates in front of it. */
export function learningRateWithWarmup(lr: number, warmupSteps: number): number | Schedule {
  return warmupSteps > 0 ? linearWarmup(lr, { warmupSteps }) : lr;
}

/** The schedule of --schedule (with its parameters) from base rate lr, with --warmup in front. */
export function scheduleFromArgs(a: OptimizerArgs, lr: number): number | Schedule {
  const schedule = parseChoice('--schedule', a.schedule ?? 'constant', SCHEDULE_NAMES);
  const needs = (opt: string, v: string | undefined): string => {
    if (v === undefined) throw new UsageError(`--schedule ${schedule} needs ${opt}: give it as a whole number of updates from 1 to 1000000000, e.g. ${opt} 1000`);
    return v;
  };
  const ownerOf: Record<string, [string, string | undefined]> = {
    '--step-size': ['step', a.stepSize], '--decay-rate': ['exponential', a.decayRate], '--decay-steps': ['exponential or cosine', a.decaySteps],
  };
  for (const [opt, [owner, v]] of Object.entries(ownerOf)) {
    if (v !== undefined && !owner.split(' or ').includes(schedule)) throw new UsageError(`${opt} applies only to --schedule ${owner}, not to --schedule ${schedule}; add --schedule ${owner.split(' or ')[0]} or drop ${opt}`);
  }
  let base: number | Schedule = lr;
  if (schedule === 'step') {
    base = stepDecay({ initial: lr, stepSize: parseIntArg('--step-size', needs('--step-size', a.stepSize), 1), gamma: parseNumberArg('--gamma', a.gamma ?? '0.1', 0, 1, false) });
  } else if (schedule === 'exponential') {
    const decayRate = parseNumberArg('--decay-rate', a.decayRate ?? (() => { throw new UsageError('--schedule exponential needs --decay-rate: a factor in (0, 1] such as 0.96'); })(), 0, 1, false);
    base = exponentialDecay({ initial: lr, decaySteps: parseIntArg('--decay-steps', needs('--decay-steps', a.decaySteps), 1), decayRate });
  } else if (schedule === 'cosine') {
    const minValue = parseNumberArg('--min-lr', a.minLr ?? '0', 0, lr);
    base = cosineDecay({ initial: lr, decaySteps: parseIntArg('--decay-steps', needs('--decay-steps', a.decaySteps), 1), minValue });
  } else if (schedule === 'constant' && (a.gamma ?? '0.1') !== '0.1') {
    throw new UsageError('--gamma applies only to --schedule step; add --schedule step --step-size <updates> or drop --gamma');
  }
  const warmup = parseIntArg('--warmup', a.warmup ?? '0', 0);
  return warmup > 0 ? linearWarmup(base, { warmupSteps: warmup }) : base;
}

/** A value in [0, 1) such as a momentum or beta; the message names the option and the range. */
function parseUnit(option: string, s: string): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new UsageError(`${option} must be a number >= 0 and < 1, got '${s}'`);
  return n;
}

/** Refuses options the chosen optimizer has no use for, naming the optimizers that take them. */
function refuseInapplicable(a: OptimizerArgs, name: OptimizerName): void {
  const rules: Array<[string, unknown, readonly OptimizerName[]]> = [
    ['--momentum', a.momentum, ['sgd', 'momentum', 'nesterov', 'rmsprop']],
    ['--nesterov', a.nesterov, ['sgd', 'momentum', 'nesterov']],
    ['--beta1', a.beta1 !== undefined && a.beta1 !== '0.9' ? a.beta1 : undefined, ['adam', 'adamw']],
    ['--beta2', a.beta2 !== undefined && a.beta2 !== '0.999' ? a.beta2 : undefined, ['adam', 'adamw']],
    ['--epsilon', a.epsilon !== undefined && a.epsilon !== '1e-8' ? a.epsilon : undefined, ['rmsprop', 'adam', 'adamw']],
  ];
  for (const [opt, v, owners] of rules) {
    if (v !== undefined && !owners.includes(name)) throw new UsageError(`${opt} does not apply to --optimizer ${name}; it is an option of ${owners.join(', ')}`);
  }
}
