// `minibatch lr-find`: the learning-rate range test (Smith 2015) with its suggestion and spread.
import type { Command } from 'commander';
import { addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSize } from '../batch-arg.js';
import { parseIntArg } from '../numbers.js';
import { runCommand } from '../run-command.js';
import { formatNumber } from '../format.js';
import { lrRangeTest } from '../../experiments/probes/lr-range.js';

interface LrFindOpts extends SweepArgs { batchSize: string; seeds: string; steps: string; json?: boolean; quiet?: boolean }

export function registerLrFind(program: Command): void {
  const c = program.command('lr-find').description('learning-rate range test: ramp the rate until the loss blows up, suggest a rate');
  addSweepOptions(c)
    .option('--batch-size <n>', 'batch size of the test', '32')
    .option('--seeds <n>', 'repeats with different seeds (the spread shows how stable the suggestion is)', '3')
    .option('--steps <n>', 'updates in the ramp', '100')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', `
Examples:
  minibatch lr-find --data mnist --batch-size 32
  minibatch lr-find --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam`)
    .action((o: LrFindOpts) => runCommand(async () => {
      const s = await setUpSweep(o);
      const r = await lrRangeTest(s.spec, s.train, {
        validationData: s.val, optimizer: s.optimizer, batchSize: parseBatchSize(o.batchSize),
        seeds: parseIntArg('--seeds', o.seeds, 1, 100), steps: parseIntArg('--steps', o.steps, 10, 100000),
      });
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      if (!o.quiet) {
        process.stderr.write([
          `Suggested learning rate: ${formatNumber(r.suggested)} (spread ${r.spreadLog10.toFixed(2)} decades over ${r.curves.length} seeds, batch size ${r.batchSize})`,
          ...r.curves.map((c) => `  seed ${c.seed}: ${formatNumber(c.suggested)}`),
          '',
        ].join('\n'));
      }
    }));
}
