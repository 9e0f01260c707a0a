// `minibatch profile`: this machine's training throughput by batch size, the knee and memory per batch.
import type { Command } from 'commander';
import { addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { formatNumber } from '../format.js';
import { powersOfTwo, throughputProfile } from '../../experiments/probes/throughput.js';
import { modelFromSpec } from '../../nn/models.js';

interface ProfileOpts extends SweepArgs { batchSizes?: string; maxBatchSize?: string; repeats: string; minMs: string; json?: boolean; quiet?: boolean }

export function registerProfile(program: Command): void {
  const c = program.command('profile')
    .description('throughput of a training step by batch size on this machine: examples/s, seconds per update, the knee, memory');
  addSweepOptions(c)
    .option('--batch-sizes <list>', 'batch sizes to time, e.g. 1,8,64 (default: 1, 2, 4, ... up to the training rows)')
    .option('--max-batch-size <n>', 'largest batch size of the default doubling list')
    .option('--repeats <n>', 'timed repeats per batch size (the median is kept)', '5')
    .option('--min-ms <ms>', 'minimum milliseconds of each repeat', '8')
    .option('--json', 'print the profile as JSON on stdout')
    .option('--quiet', 'no table on stderr')
    .addHelpText('after', `
Each step is gather + forward + backward + optimizer update on a copy of the model (evaluation
excluded), after a warm-up. The knee is the smallest batch size reaching 90 % of the peak
examples/s: beyond it a bigger batch costs proportionally more time per update.

Examples:
  minibatch profile --data mnist
  minibatch profile --data mnist --model mlp:128 --max-batch-size 1024 --json
  minibatch profile --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8`)
    .action((o: ProfileOpts) => runCommand(async () => {
      const s = await setUpSweep(o);
      const n = s.train.length;
      if (o.batchSizes !== undefined && o.maxBatchSize !== undefined) throw new UsageError('give either --batch-sizes or --max-batch-size, not both');
      const sizes = o.batchSizes !== undefined
        ? o.batchSizes.split(',').map((p) => parseIntArg('--batch-sizes', p, 1, n))
        : powersOfTwo(o.maxBatchSize === undefined ? n : parseIntArg('--max-batch-size', o.maxBatchSize, 1, n));
      const p = throughputProfile(modelFromSpec(s.spec), s.train, {
        batchSizes: sizes, optimizer: s.optimizer, repeats: parseIntArg('--repeats', o.repeats, 1, 1000),
        minMs: parseNumberArg('--min-ms', o.minMs, 0, 60000),
      });
      if (o.json) process.stdout.write(JSON.stringify(p) + '\n');
      if (o.quiet) return;
      const lines = [
        `Throughput of ${s.modelName} on ${s.datasetName} (${n} training rows, ${p.backend} backend, median of ${p.repeats} repeats):`,
        '  batch     s/update     examples/s   batch memory',
        ...p.rows.map((r) => `  ${String(r.batchSize).padEnd(9)} ${formatNumber(r.secondsPerUpdate).padEnd(12)} ${String(Math.round(r.examplesPerSecond)).padEnd(12)} ${bytes(r.batchBytes)}${r.batchSize === p.knee ? '   <- knee' : ''}`),
        '', `Knee: batch size ${p.knee} reaches ${Math.round(100 * p.kneeFraction)} % of the peak ${Math.round(p.peakExamplesPerSecond)} examples/s; parameters and optimizer state take up to ${bytes(p.fixedBytes)}. (${p.seconds.toFixed(1)} s)`, '',
      ];
      process.stderr.write(lines.join('\n'));
    }));
}

function bytes(b: number): string {
  return b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`;
}
