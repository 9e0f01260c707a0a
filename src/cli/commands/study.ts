// `minibatch study`: the main job — lr range test, joint tuning, comparison, HTML report.
import type { Command } from 'commander';
import { addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSizes } from '../batch-arg.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand } from '../run-command.js';
import { sweepProgress } from '../sweep-progress.js';
import { writeReportFiles } from '../report-files.js';
import { printRecommendation } from '../sweep-output.js';
import { VERSION } from '../../core/version.js';
import { study } from '../../experiments/study.js';
import { cancelOnSignals } from '../signals.js';

interface StudyOpts extends SweepArgs { batchSizes: string; epochs: string; seeds: string; lr?: string; out: string; json?: boolean; quiet?: boolean }

export function registerStudy(program: Command): void {
  const c = program.command('study')
    .description('the main job: which batch size and learning rate to use, with the evidence, as an HTML report');
  addSweepOptions(c)
    .option('--batch-sizes <list>', 'batch sizes to compare', '1,8,32,128,full')
    .option('--epochs <n>', 'epochs per comparison run (and for the longest tuning rung)', '5')
    .option('--seeds <n>', 'seeds per batch size', '3')
    .option('--lr <rate>', 'skip the range test and tuning: compare every batch size at this rate')
    .option('--out <dir>', 'report folder (index.html, results.json, points.csv)', 'minibatch-report')
    .option('--json', 'print the recommendation as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
Stages: a learning-rate range test at batch size 32, successive-halving tuning of the learning
rate for every batch size, then every batch size trained for several seeds at its best rate.

Examples:
  minibatch study                                   # mnist digits, softmax regression
  minibatch study --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --epochs 30
  minibatch study --data mnist --batch-sizes 16,32,64,128 --seeds 2 --out mnist-report`)
    .action((o: StudyOpts) => runCommand(async () => {
      const s = await setUpSweep(o);
      const progress = sweepProgress(o.quiet === true);
      const cancel = cancelOnSignals();
      try {
        const result = await study(s.spec, s.train, {
          validationData: s.val, optimizer: s.optimizer, batchSizes: parseBatchSizes(o.batchSizes),
          epochs: parseIntArg('--epochs', o.epochs, 1), seeds: parseIntArg('--seeds', o.seeds, 1, 100),
          ...(o.lr !== undefined ? { learningRate: parseNumberArg('--lr', o.lr, 0, Infinity, false) } : {}),
          ...(s.workers !== undefined ? { workers: s.workers } : {}),
          signal: cancel.signal, onProgress: progress.onProgress,
          datasetName: s.datasetName, modelDescription: s.modelName, createdBy: `minibatch ${VERSION}`,
        });
        progress.stop();
        const files = await writeReportFiles(o.out, result);
        printRecommendation(result, files, o.json === true, o.quiet === true);
      } finally {
        progress.stop(); cancel.dispose();
      }
    }));
}
