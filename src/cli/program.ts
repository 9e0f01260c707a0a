// The minibatch command's program: parses the command line and dispatches to a command (loaded by src/cli/main.ts).
import '../platform/node/install.js';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../core/version.js';
import { backendNotice } from '../kernels/select.js';
import { EXIT, quietOnBrokenPipe } from './run-command.js';

type Register = (program: Command) => void;
/**
 * Each command's module, loaded on demand: a run of one command loads only its own code (and
 * `--help`, `--version` or an unknown name load them all), which keeps start-up short.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  train: async () => (await import('./commands/train.js')).registerTrain,
  evaluate: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  predict: async () => (await import('./commands/predict.js')).registerPredict,
  study: async () => (await import('./commands/study.js')).registerStudy,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  tune: async () => (await import('./commands/tune.js')).registerTune,
  'lr-find': async () => (await import('./commands/lr-find.js')).registerLrFind,
  report: async () => (await import('./commands/report.js')).registerReport,
  noise: async () => (await import('./commands/noise.js')).registerNoise,
  profile: async () => (await import('./commands/profile.js')).registerProfile,
  export: async () => (await import('./commands/export.js')).registerExport,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  playground: async () => (await import('./commands/playground.js')).registerPlayground,
};

quietOnBrokenPipe();
const program = new Command();
program.name('minibatch')
  .description('Train models by batch, stochastic and mini-batch gradient descent, and find the batch size and learning rate to use.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'minibatch: ')) });
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);
program.addHelpText('after', `
Examples:
  minibatch study                                  # the main job on the built-in mnist digits
  minibatch train --data data.csv --batch-size 32 --epochs 50 --out model.json
  minibatch compare --data data.csv --batch-sizes 1,8,32,128,full --epochs 20
  minibatch <command> --help                       # options of one command

Environment:
  MINIBATCH_BACKEND=js|wasm|auto   kernels: auto (default) puts each layer on the faster of WASM SIMD and JS
  MINIBATCH_THREADS=<n>            threads large kernel calls are split over (default: the cores, at most 4;
                                   results are the same bits on any number; 1 on a machine you share)`);
for (const c of program.commands) {
  c.exitOverride();
  // Every default shown the same way, as written on the command line: `(default: 50)`, not commander's JSON `(default: "50")`.
  for (const o of c.options) if (o.defaultValueDescription === undefined && (typeof o.defaultValue === 'string' || typeof o.defaultValue === 'number')) o.defaultValueDescription = String(o.defaultValue);
}
program.hook('preAction', () => { try { const n = backendNotice(); if (n !== null) process.stderr.write(`${n}\n`); } catch { /* a bad MINIBATCH_NATIVE_ISA is reported by the command */ } });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else throw err;
}
