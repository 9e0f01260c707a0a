// `minibatch tune`: batch size and learning rate tuned together by successive halving or a grid.
import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addSamplingOptions, addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSizes } from '../batch-arg.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { sweepProgress } from '../sweep-progress.js';
import { sweepExitStatus } from '../sweep-output.js';
import { checkOutDir } from '../out-path.js';
import { cancelOnSignals, withTrialJournal } from '../signals.js';
import { addServeOptions, serveUntilInterrupted, startServing, type ServeArgs } from '../serve/serve-option.js';
import { formatNumber } from '../format.js';
import { writeFileAtomic } from '../../platform/node/atomic-file.js';
import { logGrid, tune } from '../../experiments/tune.js';
import type { TuneResult } from '../../experiments/records.js';

interface TuneOpts extends SweepArgs, ServeArgs { batchSizes: string; lrs?: string; method: string; epochs: string; seeds: string; out?: string; json?: boolean; quiet?: boolean; resume?: boolean }

export function registerTune(program: Command): void {
  const c = program.command('tune').description('tune batch size and learning rate together (successive halving or a full grid)');
  addServeOptions(addSamplingOptions(addSweepOptions(c)))
    .option('--batch-sizes <list>', 'batch sizes to tune', '1,8,32,128,full')
    .option('--lrs <min:max:count>', 'log grid of learning rates, e.g. 1e-4:1:9 (default: by optimizer)')
    .option('--method <method>', 'halving | grid', 'halving')
    .option('--epochs <n>', 'epochs of the longest rung (every cell with grid)', '10')
    .option('--seeds <n>', 'seeds per cell', '1')
    .option('--out <dir>', 'write tune.json into this folder')
    .option('--json', 'print the tuning result as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--resume', 'continue an interrupted run in --out: finished trials (trials.jsonl) are reused, not rerun')
    .addHelpText('after', `
Examples:
  minibatch tune --data mnist --batch-sizes 8,32,128 --lrs 0.001:1:7 --epochs 3
  minibatch tune --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --method grid`)
    .action((o: TuneOpts) => runCommand(async () => {
      if (o.method !== 'halving' && o.method !== 'grid') throw new UsageError(`--method must be halving or grid, got '${o.method}'`);
      if (o.resume && o.out === undefined) throw new UsageError('--resume needs the --out folder of the interrupted run (its trials.jsonl)');
      const batchSizes = parseBatchSizes(o.batchSizes); const epochs = parseIntArg('--epochs', o.epochs, 1); const seeds = parseIntArg('--seeds', o.seeds, 1, 100);
      const learningRates = o.lrs !== undefined ? parseLrGrid(o.lrs) : undefined;
      if (o.out !== undefined) checkOutDir('--out', o.out);
      const s = await setUpSweep(o);
      const live = await startServing(o, 'tune');
      const progress = sweepProgress(o.quiet === true);
      const cancel = cancelOnSignals();
      try {
        const run = (): Promise<TuneResult> => tune(s.spec, s.train, {
          validationData: s.val, optimizer: s.optimizer, batchSizes, ...s.sampling,
          ...(learningRates !== undefined ? { learningRates } : {}), method: o.method as 'halving' | 'grid',
          budget: { epochs }, seeds,
          ...(s.workers !== undefined ? { workers: s.workers } : {}), ...(s.executor ? { executor: s.executor, promotion: 'asynchronous' as const } : {}),
          signal: cancel.signal, onProgress: (d, t, r) => { progress.onProgress('tune', d, t, r); live?.progress('tune', d, t); },
          onTrialEnd: (run) => live?.trial('tune', run),
        });
        const result = o.out !== undefined ? await withTrialJournal(o.out, o.resume === true, o.quiet === true, run) : await run();
        progress.stop();
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          await writeFileAtomic(join(o.out, 'tune.json'), JSON.stringify(result, null, 1) + '\n');
        }
        if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
        if (!o.quiet) printTune(result, o.out);
        sweepExitStatus(result, o.out, o.quiet === true);
        cancel.dispose(); await serveUntilInterrupted(live, undefined, cancel.signal.aborted, o.quiet === true);
      } finally {
        progress.stop(); cancel.dispose(); await s.executor?.close(); await live?.close();
      }
    }));
}

/** "min:max:count" -> count rates evenly spaced in log between min and max. */
export function parseLrGrid(s: string): number[] {
  const parts = s.split(':');
  if (parts.length !== 3) throw new UsageError(`--lrs must be min:max:count, e.g. 1e-4:1:9, got '${s}'`);
  const min = parseNumberArg('--lrs min', parts[0]!, 0, Infinity, false);
  const max = parseNumberArg('--lrs max', parts[1]!, min, Infinity);
  return logGrid(min, max, parseIntArg('--lrs count', parts[2]!, 1, 100));
}

function printTune(r: TuneResult, out: string | undefined): void {
  const lines = ['', '  batch    best lr    val loss', ...r.bestPerBatchSize.map((b) => `  ${String(b.batchSize).padEnd(8)} ${formatNumber(b.learningRate).padEnd(10)} ${formatNumber(b.valLoss)}`),
    `  Scaling: ${r.scaling.note}`, '',
    `Best: batch size ${r.best.batchSize}, learning rate ${formatNumber(r.best.learningRate)} (validation loss ${formatNumber(r.best.valLoss)}, ${r.metric} ${formatNumber(r.best.valMetric)}; ranked by validation ${r.rankedBy ?? 'loss'})`,
    ...(out ? [`Written: ${join(out, 'tune.json')}`] : []), ''];
  process.stderr.write(lines.join('\n'));
}
