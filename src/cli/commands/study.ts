// `minibatch study`: the main job — lr range test, joint tuning, comparison, HTML report.
import type { Command } from 'commander';
import { addSamplingOptions, addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSizes } from '../batch-arg.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { sweepProgress } from '../sweep-progress.js';
import { NO_REPORT_HELP, prepareReportRenderer, prerenderReport, writeReportFiles } from '../report-files.js';
import { noteStalePage, printRecommendation, sweepExitStatus } from '../sweep-output.js';
import { checkOutDir } from '../out-path.js';
import { VERSION } from '../../core/version.js';
import { study } from '../../experiments/study.js';
import type { StudyResult } from '../../experiments/records.js';
import { cancelOnSignals, withTrialJournal } from '../signals.js';
import { addServeOptions, checkServeWithReport, serveUntilInterrupted, startServing, type ServeArgs } from '../serve/serve-option.js';

interface StudyOpts extends SweepArgs, ServeArgs { init?: string; batchSizes: string; epochs: string; seeds: string; lr?: string; out: string; json?: boolean; quiet?: boolean; noiseScale: boolean; resume?: boolean; report: boolean }

const STUDY_HELP = `
Stages: a learning-rate range test at batch size 32, successive-halving tuning of the learning
rate for every batch size, then every batch size trained for several seeds at its best rate;
last, the gradient noise scale over one run, the critical batch size from the learning curves
and this machine's throughput profile, whose predicted best batch size is a cross-check of the
recommendation (see docs/noise-scale.md); then the adaptive batch-size policy beside the grid,
starting from the batch size that reached the target soonest, at its tuned rate.

Examples:
  minibatch study                                   # mnist digits, softmax regression
  minibatch study --data ../shared/datasets/pima-indians-diabetes.csv --model mlp:12,8 --optimizer adam --epochs 30
  minibatch study --data mnist --batch-sizes 16,32,64,128 --seeds 2 --out mnist-report
  minibatch study --data synthetic:moons --serve    # watch the learning curves live in a browser
  minibatch study --data data.csv --init tfjs-model/model.json --epochs 10   # batch size for an imported model`;

export function registerStudy(program: Command): void {
  const c = program.command('study')
    .description('the main job: which batch size and learning rate to use, with the evidence, as an HTML report');
  addServeOptions(addSamplingOptions(addSweepOptions(c)))
    .option('--batch-sizes <list>', 'batch sizes to compare', '1,8,32,128,full')
    .option('--epochs <n>', 'epochs per comparison run (and for the longest tuning rung)', '5')
    .option('--seeds <n>', 'seeds per batch size', '3')
    .option('--lr <rate>', 'skip the range test and tuning: compare every batch size at this rate')
    .option('--out <dir>', 'report folder (index.html, results.json, points.csv)', 'minibatch-report')
    .option('--json', 'print the recommendation as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--resume', 'continue an interrupted run in --out: finished trials (trials.jsonl) are reused, not rerun')
    .option('--init <model>', 'study this model: every run starts from its weights (a minibatch model file or a TF.js model.json); runs in one thread')
    .option('--no-noise-scale', 'skip the gradient noise scale, critical batch size and throughput stage')
    .option('--no-report', NO_REPORT_HELP)
    .addHelpText('after', STUDY_HELP)
    .action((o: StudyOpts) => runCommand(async () => {
      const batchSizes = parseBatchSizes(o.batchSizes); const epochs = parseIntArg('--epochs', o.epochs, 1); const seeds = parseIntArg('--seeds', o.seeds, 1, 100);
      checkOutDir('--out', o.out); checkServeWithReport(o);
      if (o.dropout !== undefined && o.noiseScale) throw new UsageError(`--dropout ${o.dropout} needs --no-noise-scale with study: the noise-scale stage measures per-example gradients, which do not model dropout (or study the model without --dropout)`);
      if (o.report) prepareReportRenderer();
      const s = await setUpSweep(o);
      const live = await startServing(o, 'study');
      const progress = sweepProgress(o.quiet === true);
      const cancel = cancelOnSignals();
      let announced = false;
      try {
        const result = await withTrialJournal(o.out, o.resume === true, o.quiet === true, () => study(s.source ?? s.spec, s.train, {
          validationData: s.val, optimizer: s.optimizer, batchSizes, ...s.sampling,
          epochs, seeds,
          ...(o.lr !== undefined ? { learningRate: parseNumberArg('--lr', o.lr, 0, Infinity, false) } : {}),
          ...(s.workers !== undefined ? { workers: s.workers } : {}), ...(s.executor ? { executor: s.executor } : {}),
          signal: cancel.signal, noiseScale: o.noiseScale,
          onProgress: (stage, done, total, running) => {
            progress.onProgress(stage, done, total, running); live?.progress(stage, done, total);
            if (stage === 'compare' && done === total && total > 0 && o.noiseScale && o.quiet !== true && !announced) {
              announced = true; progress.stop();
              process.stderr.write('noise-scale: measuring the gradient noise scale and the throughput profile...\n');
            }
          },
          onTrialEnd: (stage, run) => live?.trial(stage, run),
          ...(o.report ? { onPartial: (early: StudyResult) => prerenderReport(early) } : {}),
          datasetName: s.datasetName, modelDescription: s.modelName, createdBy: `minibatch ${VERSION}`,
        }));
        progress.stop();
        const files = await writeReportFiles(o.out, result, { page: o.report, onStalePage: (p) => noteStalePage(p, o.quiet === true) });
        printRecommendation(result, files, o.json === true, o.quiet === true);
        sweepExitStatus(result, o.out, o.quiet === true);
        cancel.dispose(); await serveUntilInterrupted(live, o.out, cancel.signal.aborted, o.quiet === true);
      } finally {
        progress.stop(); cancel.dispose(); await s.executor?.close(); await live?.close();
      }
    }));
}
