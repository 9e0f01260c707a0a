// Shared set-up of the sweep commands: data, split, scaling, model spec and optimizer spec.
import { loadDataArg } from './data-arg.js';
import { buildModel, defaultModelName, parseDropoutArg, taskOf } from './model-arg.js';
import { addOptimizerOptions, optimizerFromArgs, type OptimizerArgs } from './optimizer-arg.js';
import { parseChoice, parseIntArg, parseNumberArg } from './numbers.js';
import { isBuiltinName } from '../data/builtin.js';
import type { Dataset } from '../data/dataset.js';
import { applyScaling, fitScaling, SCALING_METHODS as SCALINGS } from '../data/scaling.js';
import { split } from '../data/split.js';
import { markSteady } from '../kernels/backend.js';
import type { ModelSpec } from '../nn/model.js';
import { ACTIVATIONS } from '../nn/models.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import type { ModelSource } from '../experiments/run/setup.js';
import type { SweepMetric } from '../experiments/records.js';
import { METRIC_KEYS } from '../train/metrics.js';
import { copies, loadInit } from './init-model.js';
import { UsageError } from './run-command.js';
import type { RedisExecutor } from '../platform/node/queue/coordinator.js';

/** Options every sweep command takes. */
export interface SweepArgs extends OptimizerArgs {
  data: string; target?: string; model?: string; activation: string;
  validation: string; seed: string; scale?: string; missing: string; workers?: string;
  /** A model to start every run from (study --init); its scaling replaces --scale. */
  init?: string;
  delimiter?: string; categorical?: string;
  redis?: string; resume?: boolean; quiet?: boolean;
  /** compare, tune and study: --no-shuffle, --drop-last, --metric and --dropout. */
  shuffle?: boolean; dropLast?: boolean; metric?: string; dropout?: string;
}

export interface SweepSetup {
  train: Dataset; val: Dataset; spec: ModelSpec; optimizer: OptimizerSpec;
  modelName: string; datasetName: string; workers?: number;
  /** With --init: copies of that model (same weights every run; the seed varies only the shuffling). */
  source?: ModelSource;
  /** With --redis: the trials run on `minibatch worker` processes (the command closes it). */
  executor?: RedisExecutor;
  /** fit's shuffle and dropLast for every trial, and the metric that ranks them (empty at the defaults). */
  sampling: { shuffle?: false; dropLast?: true; metric?: SweepMetric };
}

/** Declares the shared options on a command (data, model, optimizer, split, scaling, workers). */
export function addSweepOptions<T extends { option(flags: string, desc: string, def?: string): T }>(c: T): T {
  const o = c
    .option('--data <source>', 'a CSV file, mnist, or synthetic:linear|blobs|moons', 'mnist')
    .option('--target <column>', 'target column name or 0-based index (default: the last column)')
    .option('--model <name>', 'logistic | linear | softmax | mlp:12,8 (default: from the target)')
    .option('--activation <name>', `hidden activation for mlp: ${ACTIVATIONS.join(', ')}`, 'relu')
    .option('--validation <fraction>', 'share of rows held out for validation', '0.2')
    .option('--scale <method>', 'standardize | minmax | none (default: standardize for CSV files, none for built-ins)')
    .option('--missing <how>', 'missing values (?): error | drop | mean', 'error')
    .option('--delimiter <char>', "CSV field separator: one character such as ';' or '|', or tab (default: ',')")
    .option('--categorical <columns>', 'comma-separated columns to one-hot encode even though they hold numbers (default: none)')
    .option('--seed <n>', 'seed of the split and of model initialisation', '1')
    .option('--workers <n>', 'worker threads for parallel trials (default: one per core)')
    .option('--redis <url>', 'run the trials on `minibatch worker` processes through this Redis (see docs/distributed.md)');
  return addOptimizerOptions(o);
}

/** --no-shuffle, --drop-last, --metric and --dropout of the sweeps that train whole runs (compare, tune, study). */
export function addSamplingOptions<T extends { option(flags: string, desc: string, def?: string): T }>(c: T): T {
  return c
    .option('--no-shuffle', 'keep the row order in every epoch of every run (default: reshuffle every epoch)')
    .option('--drop-last', 'skip the smaller last batch of each epoch in every run (default: keep it)')
    .option('--metric <name>', `what ranks the runs and sets the target: loss (validation loss) or a validation metric: ${METRIC_KEYS.join(', ')} (higher is better for accuracy, precision, recall, f1, auc, r2)`, 'loss')
    .option('--dropout <rate>', 'mlp: share of hidden units zeroed in training after each hidden layer, 0 to <1 (default: 0)');
}

/**
 * Loads the data, holds out a seeded stratified validation split, fits the scaling on the
 * training rows only and applies it to both, and builds the model and optimizer specs.
 */
export async function setUpSweep(a: SweepArgs): Promise<SweepSetup> {
  const seed = parseIntArg('--seed', a.seed, 0);
  const fraction = parseNumberArg('--validation', a.validation, 0, 0.9, false);
  const activation = parseChoice('--activation', a.activation, ACTIVATIONS);
  const scale = a.scale ?? (isBuiltinName(a.data) ? 'none' : 'standardize');
  const method = parseChoice('--scale', scale, SCALINGS);
  const loaded = await loadDataArg({ data: a.data, ...(a.target !== undefined ? { target: a.target } : {}), missing: a.missing, seed, delimiter: a.delimiter, categorical: a.categorical });
  const task = taskOf(loaded);
  if (a.init !== undefined && a.workers !== undefined && a.workers !== '1') throw new UsageError(`--workers ${a.workers} cannot be used with --init: runs from an imported model train in this thread; drop --workers`);
  const init = a.init !== undefined ? await loadInit(a.init, loaded, a.data, task, a.model) : undefined;
  const raw = init?.raw ?? loaded;
  // Stratify only class targets: integer regression targets (counts) are not classes.
  // In shared memory: the trial threads read these rows without another copy.
  const parts = split(raw, { testFraction: fraction, seed, stratify: task.kind === 'classification', shared: true });
  const scaling = init?.scaling ?? fitScaling(parts.train, method);
  const train = applyScaling(parts.train, scaling); const val = applyScaling(parts.test, scaling);
  // The command never changes these rows: one resident copy of them serves every model of this thread.
  for (const rows of [train.x, train.y, val.x, val.y]) markSteady(rows);
  const modelName = a.init !== undefined ? `init:${a.init}` : a.model ?? defaultModelName(task);
  const spec = init?.model.spec ?? buildModel(modelName, train, task, activation, seed, parseDropoutArg(a.dropout, modelName)).spec;
  const optimizer = optimizerFromArgs(a, 0.01).spec;
  return {
    sampling: {
      ...(a.shuffle === false ? { shuffle: false as const } : {}), ...(a.dropLast === true ? { dropLast: true as const } : {}),
      ...(a.metric !== undefined && a.metric !== 'loss' ? { metric: parseChoice<SweepMetric>('--metric', a.metric, ['loss', ...METRIC_KEYS]) } : {}),
    },
    train, val, spec, optimizer, modelName, datasetName: a.data, ...(init ? { source: copies(init.model) } : {}),
    ...(a.workers !== undefined ? { workers: parseIntArg('--workers', a.workers, 1, 256) } : {}),
    ...(a.redis !== undefined ? { executor: await remoteExecutor(a) } : {}),
  };
}

/** The Redis executor of --redis, loaded only then (BullMQ and ioredis cost a third of a second at start-up). */
async function remoteExecutor(a: { redis?: string; resume?: boolean; quiet?: boolean }): Promise<RedisExecutor> {
  const { redisExecutor } = await import('../platform/node/queue/coordinator.js');
  return redisExecutor({ url: a.redis!, resume: a.resume === true, log: (l) => { if (!a.quiet) process.stderr.write(`redis: ${l}\n`); } });
}
