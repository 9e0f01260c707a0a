#!/usr/bin/env node
// The minibatch command: parses the command line and dispatches to a command.
import '../platform/node/install.js';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../core/version.js';
import { backendNotice } from '../kernels/select.js';
import { EXIT } from './run-command.js';
import { registerTrain } from './commands/train.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerPredict } from './commands/predict.js';
import { registerStudy } from './commands/study.js';
import { registerCompare } from './commands/compare.js';
import { registerTune } from './commands/tune.js';
import { registerLrFind } from './commands/lr-find.js';
import { registerReport } from './commands/report.js';
import { registerNoise } from './commands/noise.js';
import { registerProfile } from './commands/profile.js';
import { registerExport } from './commands/export.js';
import { registerWorker } from './commands/worker.js';
import { registerPlayground } from './commands/playground.js';

const program = new Command();
program.name('minibatch')
  .description('Train models by batch, stochastic and mini-batch gradient descent, and find the batch size and learning rate to use.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'minibatch: ')) });
registerTrain(program);
registerEvaluate(program);
registerPredict(program);
registerStudy(program);
registerCompare(program);
registerTune(program);
registerLrFind(program);
registerReport(program);
registerNoise(program);
registerProfile(program);
registerExport(program);
registerWorker(program);
registerPlayground(program);
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
for (const c of program.commands) c.exitOverride();
program.hook('preAction', () => { try { const n = backendNotice(); if (n !== null) process.stderr.write(`${n}\n`); } catch { /* a bad MINIBATCH_NATIVE_ISA is reported by the command */ } });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else throw err;
}
