// Terminal output of the sweep commands: the summary table, the evidence, then the one recommendation last.
import { dirname, join } from 'node:path';
import { adaptiveSummaryRow } from '../experiments/adaptive-stage.js';
import type { StudyResult } from '../experiments/records.js';
import { EXIT } from './run-command.js';
import { formatNumber } from './format.js';
import { higherIsBetter } from '../train/metrics.js';

/** The per-batch-size table: final quality, exact updates to target, priced and measured seconds to it. */
function summaryTable(result: StudyResult): string[] {
  const c = result.compare;
  const metric = c.metric === 'accuracy' ? 'val acc' : `val ${c.metric}`;
  const cell = (v: number | undefined, w = 10): string => (v !== undefined && Number.isFinite(v) ? formatNumber(v) : '-').padEnd(w);
  return [
    `  batch    lr         val loss   ${metric.padEnd(9)}  updates    priced s   wall s`,
    ...c.summary.map((s) => {
      const reached = Number.isFinite(s.updatesToTarget.mean);
      return `  ${String(s.requested === 'full' ? `full(${s.batchSize})` : s.batchSize).padEnd(8)} ${formatNumber(s.learningRate).padEnd(10)} ${cell(s.finalValLoss.mean)} ${cell(s.finalValMetric.mean)} ${reached ? `${cell(s.updatesToTarget.mean)} ${cell(s.pricedSecondsToTarget?.mean)} ${cell(s.secondsToTarget.mean, 0)}${s.timesDisagree ? ' (>2x off)' : ''}` : 'target not reached'}`;
    }),
  ];
}

/**
 * Prints the summary table, the evidence and the noise-scale cross-check to stderr (or JSON to
 * stdout), ending with the one recommendation and the command that opens the report.
 */
export function printRecommendation(result: StudyResult, files: string[], json: boolean, quiet: boolean): void {
  const r = result.recommendation; const c = result.compare;
  const partial = result.partial === true || c.partial === true;
  if (json) {
    process.stdout.write(JSON.stringify({
      recommendation: r.none ? null : r, ...(r.none ? { noRecommendation: r.none, evidence: r.evidence } : {}), rankedBy: c.rankedBy ?? 'loss',
      target: { loss: c.targetLoss, ...(c.rankedBy ? { metric: c.rankedBy, value: c.target?.loss ?? null } : {}), rule: c.target?.rule ?? c.targetRule }, files, seconds: result.seconds, partial,
      summary: [...c.summary.map((s) => ({
        batchSize: s.batchSize, requested: s.requested, learningRate: s.learningRate, finalValLoss: s.finalValLoss.mean, finalValMetric: s.finalValMetric.mean,
        updatesToTarget: s.updatesToTarget.mean, examplesToTarget: s.examplesToTarget.mean, secondsPerUpdate: s.secondsPerUpdate ?? null,
        pricedSecondsToTarget: s.pricedSecondsToTarget?.mean ?? null, secondsToTarget: s.secondsToTarget.mean, timesDisagree: s.timesDisagree ?? false,
        intervals: s.intervals ?? null,
      })), ...(result.adaptive ? [adaptiveSummaryRow(result.adaptive)] : [])],
    }) + '\n');
  }
  if (quiet) return;
  const html = files.find((f) => f.endsWith('index.html'));
  const lines = [
    '', ...summaryTable(result), '',
    `  Ranked by: validation ${c.rankedBy ?? 'loss'}${c.rankedBy ? ` (${higherIsBetter(c.rankedBy) ? 'higher' : 'lower'} is better)` : ''}`,
    `  Target: ${c.target?.rule ?? formatNumber(c.targetLoss)}`,
    ...r.evidence.map((e) => `  - ${e}`), `  Compared: ${r.compared}`,
    ...(r.crossCheck ? [`  Cross-check: ${r.crossCheck.text}.`] : []),
    ...(result.adaptive ? [`  Adaptive batch size (from ${result.adaptive.initialBatchSize}, lr ${formatNumber(result.adaptive.learningRate)}): ${Number.isFinite(result.adaptive.secondsToTarget.mean) ? `${result.adaptive.secondsToTarget.mean.toFixed(3)} s to target, ${result.adaptive.sooner ? 'sooner than' : 'not sooner than'} the best fixed batch size` : 'target not reached'}`] : []),
    `  Files: ${files.join(', ')} (${result.seconds.toFixed(1)} s${partial ? ', cancelled: partial results' : ''})`, '',
    r.none ? `No recommendation: ${r.none === 'diverged' ? 'every run diverged' : 'no run finished'}` : `Recommendation: batch size ${r.batchSize}, learning rate ${formatNumber(r.learningRate)}`,
    ...(html ? [`open ${html}`] : []), '',
  ];
  process.stderr.write(lines.join('\n'));
}

/** Says on stderr (unless quiet) that the page of an earlier run was removed (see removeStalePage), and how to draw this run's. */
export function noteStalePage(removed: string, quiet: boolean): void {
  if (quiet) return;
  process.stderr.write(`removed ${removed}: it showed the earlier run whose results.json this one replaced; 'minibatch report ${join(dirname(removed), 'results.json')}' draws this run's page\n`);
}

/**
 * Sets the exit status of a finished sweep whose report is written: 130 when it was
 * interrupted (with how to resume), 1 when every run diverged, else left at 0.
 */
export function sweepExitStatus(result: { partial?: boolean; recommendation?: StudyResult['recommendation'] }, out: string | undefined, quiet: boolean): void {
  if (result.partial) {
    process.exitCode = EXIT.interrupted;
    if (!quiet) {
      process.stderr.write(out !== undefined
        ? `interrupted: the finished trials are kept in ${join(out, 'trials.jsonl')} and the report marks the results partial; run the same command with --resume to continue\n`
        : 'interrupted: partial results (give --out to keep finished trials and be able to --resume)\n');
    }
  } else if (result.recommendation?.none === 'diverged') {
    process.exitCode = EXIT.trainingFailed;
    if (!quiet) process.stderr.write('training failed: every run diverged; the report shows where\n');
  }
}
