// `minibatch compare`: learning curves of several batch sizes side by side, with a report.
import type { Command } from 'commander';
import { addSamplingOptions, addSweepOptions, setUpSweep, type SweepArgs } from '../sweep-setup.js';
import { parseBatchSizes } from '../batch-arg.js';
import { parseIntArg, parseNumberArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { sweepProgress } from '../sweep-progress.js';
import { NO_REPORT_HELP, prepareReportRenderer, prerenderReport, writeReportFiles } from '../report-files.js';
import { noteStalePage, printRecommendation, sweepExitStatus } from '../sweep-output.js';
import { checkOutDir } from '../out-path.js';
import { cancelOnSignals, withTrialJournal } from '../signals.js';
import { addServeOptions, checkServeWithReport, serveUntilInterrupted, startServing, type ServeArgs } from '../serve/serve-option.js';
import { VERSION } from '../../core/version.js';
import { compare } from '../../experiments/compare.js';
import { studyResult } from '../../experiments/study.js';
import type { CompareResult, StudyResult } from '../../experiments/records.js';

interface CompareOpts extends SweepArgs, ServeArgs { batchSizes: string; lr: string; epochs?: string; budgetSeconds?: string; seeds: string; out: string; json?: boolean; quiet?: boolean; resume?: boolean; report: boolean }

export function registerCompare(program: Command): void {
  const c = program.command('compare').description('train every batch size for several seeds and compare their learning curves');
  addServeOptions(addSamplingOptions(addSweepOptions(c)))
    .option('--batch-sizes <list>', 'batch sizes to compare', '1,8,32,128,full')
    .option('--lr <rate>', "one learning rate for all, or 'tuned' (a quick tune per batch size first)", 'tuned')
    .option('--epochs <n>', 'epochs per run (default: 10)')
    .option('--budget-seconds <s>', 'training seconds per run instead of epochs (not reproducible)')
    .option('--seeds <n>', 'seeds per batch size', '3')
    .option('--out <dir>', 'report folder (index.html, results.json, points.csv)', 'minibatch-compare')
    .option('--json', 'print the recommendation as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--resume', 'continue an interrupted run in --out: finished trials (trials.jsonl) are reused, not rerun')
    .option('--no-report', NO_REPORT_HELP)
    .addHelpText('after', `
Examples:
  minibatch compare --data mnist --batch-sizes 8,32,128 --lr 0.1 --epochs 3
  minibatch compare --data ../shared/datasets/banknote_authentication.csv --model logistic --budget-seconds 0.5`)
    .action((o: CompareOpts) => runCommand(async () => {
      if (o.epochs !== undefined && o.budgetSeconds !== undefined) throw new UsageError('give either --epochs or --budget-seconds, not both');
      const budget = o.budgetSeconds !== undefined ? { seconds: parseNumberArg('--budget-seconds', o.budgetSeconds, 0, Infinity, false) }
        : { epochs: parseIntArg('--epochs', o.epochs ?? '10', 1) };
      const lr = o.lr === 'tuned' ? 'tuned' as const : parseNumberArg('--lr', o.lr, 0, Infinity, false);
      const batchSizes = parseBatchSizes(o.batchSizes); const seeds = parseIntArg('--seeds', o.seeds, 1, 100);
      checkOutDir('--out', o.out); checkServeWithReport(o);
      if (o.report) prepareReportRenderer();
      const s = await setUpSweep(o);
      const live = await startServing(o, 'compare');
      const progress = sweepProgress(o.quiet === true);
      const cancel = cancelOnSignals();
      const t0 = performance.now();
      const asStudy = (cmp: CompareResult): StudyResult => studyResult(s.spec, s.train, { compare: cmp }, {
        datasetName: s.datasetName, modelDescription: s.modelName, createdBy: `minibatch ${VERSION}`,
        validationData: s.val, optimizer: s.optimizer, seconds: (performance.now() - t0) / 1000,
      });
      try {
        const cmp = await withTrialJournal(o.out, o.resume === true, o.quiet === true, () => compare(s.spec, s.train, {
          validationData: s.val, optimizer: s.optimizer, batchSizes, ...s.sampling, learningRate: lr, budget,
          seeds, ...(s.workers !== undefined ? { workers: s.workers } : {}), ...(s.executor ? { executor: s.executor } : {}),
          signal: cancel.signal, onProgress: (d, t, r) => { progress.onProgress('compare', d, t, r); live?.progress('compare', d, t); },
          onTrialEnd: (run) => live?.trial('compare', run),
          ...(o.report ? { onTrialsDone: (early: CompareResult) => prerenderReport(asStudy(early)) } : {}),
        }));
        progress.stop();
        const result = asStudy(cmp);
        const files = await writeReportFiles(o.out, result, { page: o.report, onStalePage: (p) => noteStalePage(p, o.quiet === true) });
        printRecommendation(result, files, o.json === true, o.quiet === true);
        sweepExitStatus(result, o.out, o.quiet === true);
        cancel.dispose(); await serveUntilInterrupted(live, o.out, cancel.signal.aborted, o.quiet === true);
      } finally {
        progress.stop(); cancel.dispose(); await s.executor?.close(); await live?.close();
      }
    }));
}
