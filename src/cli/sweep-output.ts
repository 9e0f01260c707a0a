// Terminal output of the sweep commands: the recommendation, the per-batch-size summary, the exit status.
import { join } from 'node:path';
import type { StudyResult } from '../experiments/records.js';
import { EXIT } from './run-command.js';
import { formatNumber } from './format.js';

/** Prints the recommendation and summary table to stderr (or JSON to stdout). */
export function printRecommendation(result: StudyResult, files: string[], json: boolean, quiet: boolean): void {
  const r = result.recommendation; const c = result.compare;
  const partial = result.partial === true || c.partial === true;
  if (json) {
    process.stdout.write(JSON.stringify({
      recommendation: r.none ? null : r, ...(r.none ? { noRecommendation: r.none, evidence: r.evidence } : {}), files, seconds: result.seconds, partial,
      summary: c.summary.map((s) => ({ batchSize: s.batchSize, requested: s.requested, learningRate: s.learningRate, finalValLoss: s.finalValLoss.mean, finalValMetric: s.finalValMetric.mean, secondsToTarget: s.secondsToTarget.mean })),
    }) + '\n');
  }
  if (quiet) return;
  const metric = c.metric === 'accuracy' ? 'val acc' : 'val mse';
  const head = r.none ? `No recommendation: ${r.none === 'diverged' ? 'every run diverged' : 'no run finished'}` : `Recommendation: batch size ${r.batchSize}, learning rate ${formatNumber(r.learningRate)}`;
  const lines = [
    '', head,
    ...r.evidence.map((e) => `  - ${e}`), `  Compared: ${r.compared}`, '',
    `  batch    lr         val loss   ${metric.padEnd(9)}  s to target`,
    ...c.summary.map((s) => `  ${String(s.requested === 'full' ? `full(${s.batchSize})` : s.batchSize).padEnd(8)} ${formatNumber(s.learningRate).padEnd(10)} ${formatNumber(s.finalValLoss.mean).padEnd(10)} ${formatNumber(s.finalValMetric.mean).padEnd(10)} ${Number.isFinite(s.secondsToTarget.mean) ? s.secondsToTarget.mean.toFixed(3) : 'not reached'}`),
    '', `Report: ${files.join(', ')} (${result.seconds.toFixed(1)} s${partial ? ', cancelled: partial results' : ''})`, '',
  ];
  process.stderr.write(lines.join('\n'));
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
