// `minibatch noise`: the gradient noise scale B_simple over a training run, exact and two-batch.
import type { Command } from 'commander';
import { addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSize } from '../batch-arg.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { formatNumber } from '../format.js';
import { optimizerAt } from '../../experiments/run/optimizer-spec.js';
import { noiseScale, noiseScaleTracker, type NoiseScaleResult } from '../../experiments/probes/noise-scale.js';
import { modelFromSpec } from '../../nn/models.js';
import { fit } from '../../train/fit.js';

interface NoiseOpts extends SweepArgs {
  batchSize: string; epochs: string; lr?: string; method: string; smallBatch: string; bigBatch?: string; samples: string;
  points: string; json?: boolean; quiet?: boolean;
}

export function registerNoise(program: Command): void {
  const c = program.command('noise')
    .description('gradient noise scale B_simple = tr(Sigma)/|G|^2 over a training run: the batch size beyond which bigger batches stop saving updates');
  addSweepOptions(c)
    .option('--batch-size <n>', 'batch size of the training run the noise scale is tracked along', '32')
    .option('--epochs <n>', 'epochs of that run (0: measure at the initial weights only)', '3')
    .option('--lr <rate>', 'learning rate of that run (default: 0.01; 0.001 for adam and adamw)')
    .option('--method <name>', 'estimator tracked during training: exact (per-example gradients) | two-batch', 'exact')
    .option('--small-batch <n>', 'two-batch estimator: the small batch size', '8')
    .option('--big-batch <n>', 'two-batch estimator: the big batch size (default: min(1024, training rows))')
    .option('--samples <n>', 'two-batch estimator: big batches drawn per measurement', '16')
    .option('--points <n>', 'measurements along the run (about)', '10')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no table on stderr')
    .addHelpText('after', `
B_simple is measured on the training rows at the current weights (McCandlish, Kaplan, Amodei et
al. 2018). Training at a batch size well below it wastes updates; well above it wastes examples.
At the end, the exact (per-example) and two-batch estimates are both shown at the same weights.

Examples:
  minibatch noise --data mnist --batch-size 32 --epochs 3 --lr 0.1
  minibatch noise --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --lr 0.003
  minibatch noise --data ../shared/datasets/banknote_authentication.csv --epochs 0 --json`)
    .action((o: NoiseOpts) => runCommand(async () => {
      const s = await setUpSweep(o);
      if (o.method !== 'exact' && o.method !== 'two-batch') throw new UsageError(`--method must be exact or two-batch, got '${o.method}'`);
      const n = s.train.length;
      const bs = parseBatchSize(o.batchSize); const batch = bs === 'full' ? n : Math.min(bs, n);
      const epochs = parseIntArg('--epochs', o.epochs, 0, 1e6);
      const small = parseIntArg('--small-batch', o.smallBatch, 1, n);
      const big = o.bigBatch === undefined ? Math.max(2 * small, Math.min(1024, n)) : parseIntArg('--big-batch', o.bigBatch, 2 * small);
      const samples = parseIntArg('--samples', o.samples, 2, 1e6);
      const lr = o.lr === undefined ? (o.optimizer === 'adam' ? 0.001 : 0.01) : parseNumberArg('--lr', o.lr, 0, Infinity, false);
      const twoBatch = { method: 'two-batch' as const, batchSizes: [small, big] as [number, number], samples };
      const model = modelFromSpec(s.spec);
      const updates = epochs * Math.ceil(n / batch);
      const tracker = noiseScaleTracker(model, s.train, {
        ...(o.method === 'two-batch' ? twoBatch : {}),
        ...(updates > 0 ? { everyUpdates: Math.max(1, Math.ceil(updates / parseIntArg('--points', o.points, 1, 10000))) } : {}),
      });
      tracker.measure();
      const history = epochs > 0
        ? await fit(model, s.train, { batchSize: batch, epochs, optimizer: optimizerAt(s.optimizer, lr), validationData: s.val, seed: parseIntArg('--seed', o.seed, 0), callbacks: tracker.callbacks })
        : undefined;
      const exact = noiseScale(model, s.train);
      const tb = noiseScale(model, s.train, twoBatch);
      const cost = history ? tracker.cost(history) : undefined;
      if (o.json) process.stdout.write(JSON.stringify({ batchSize: batch, learningRate: lr, epochs, points: tracker.points, exact, twoBatch: tb, cost }) + '\n');
      if (o.quiet) return;
      const lines = [
        `Gradient noise scale on ${s.datasetName} (${n} training rows), ${s.modelName}, training at batch size ${batch}, learning rate ${formatNumber(lr)}:`,
        '  epoch    updates   train loss  B_simple    smoothed',
        ...tracker.points.map((p) => `  ${p.epoch.toFixed(2).padEnd(8)} ${String(p.updates).padEnd(9)} ${formatNumber(p.loss).padEnd(11)} ${formatNumber(p.bSimple).padEnd(11)} ${formatNumber(p.smoothedBSimple)}`),
        '', `At the final weights: ${describe(exact)}`, `                      ${describe(tb)}`,
        ...(cost ? [`Cost: ${cost.measurements} measurements took ${cost.measureSeconds.toFixed(2)} s against ${cost.trainSeconds.toFixed(2)} s of training.`] : []),
        verdict(exact.bSimple, batch), '',
      ];
      process.stderr.write(lines.join('\n'));
    }));
}

function describe(r: NoiseScaleResult): string {
  const se = r.stderr ? ` +/- ${formatNumber(r.stderr.bSimple)}` : '';
  const how = r.method === 'exact' ? 'exact (per-example)' : `two-batch (${r.batchSizes?.join(' and ')}, ${r.samples} samples)`;
  return `B_simple ${formatNumber(r.bSimple)}${se} by ${how}; tr(Sigma) ${formatNumber(r.traceSigma)}, |G|^2 ${formatNumber(r.gradNormSq)}`;
}

function verdict(b: number, batch: number): string {
  if (!Number.isFinite(b)) return 'The true gradient is (numerically) zero: the weights are at an optimum, every batch size is noise-dominated.';
  if (batch < b / 3) return `Batch size ${batch} is well below B_simple ${formatNumber(b)}: larger batches (with a proportionally larger learning rate) would need fewer updates.`;
  if (batch > 3 * b) return `Batch size ${batch} is well above B_simple ${formatNumber(b)}: smaller batches would reach the same loss with fewer examples.`;
  return `Batch size ${batch} is near B_simple ${formatNumber(b)}: a balanced trade-off between updates and examples.`;
}
