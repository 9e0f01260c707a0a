// Terminal output of the sweep commands: the recommendation and the per-batch-size summary.
import { adaptiveSummaryRow } from '../experiments/adaptive-stage.js';
import type { StudyResult } from '../experiments/records.js';
import { formatNumber } from './format.js';

/** Prints the recommendation and summary table to stderr (or JSON to stdout). */
export function printRecommendation(result: StudyResult, files: string[], json: boolean, quiet: boolean): void {
  const r = result.recommendation; const c = result.compare;
  if (json) {
    process.stdout.write(JSON.stringify({
      recommendation: r, files, seconds: result.seconds, partial: c.partial ?? false,
      summary: [...c.summary.map((s) => ({ batchSize: s.batchSize, requested: s.requested, learningRate: s.learningRate, finalValLoss: s.finalValLoss.mean, finalValMetric: s.finalValMetric.mean, secondsToTarget: s.secondsToTarget.mean })),
        ...(result.adaptive ? [adaptiveSummaryRow(result.adaptive)] : [])],
    }) + '\n');
  }
  if (quiet) return;
  const metric = c.metric === 'accuracy' ? 'val acc' : 'val mse';
  const lines = [
    '', `Recommendation: batch size ${r.batchSize}, learning rate ${formatNumber(r.learningRate)}`,
    ...r.evidence.map((e) => `  - ${e}`), `  Compared: ${r.compared}`, '',
    `  batch    lr         val loss   ${metric.padEnd(9)}  s to target`,
    ...c.summary.map((s) => `  ${String(s.requested === 'full' ? `full(${s.batchSize})` : s.batchSize).padEnd(8)} ${formatNumber(s.learningRate).padEnd(10)} ${formatNumber(s.finalValLoss.mean).padEnd(10)} ${formatNumber(s.finalValMetric.mean).padEnd(10)} ${Number.isFinite(s.secondsToTarget.mean) ? s.secondsToTarget.mean.toFixed(3) : 'not reached'}`),
    ...(result.adaptive ? [`  adaptive ${formatNumber(result.adaptive.learningRate).padEnd(10)} ${formatNumber(result.adaptive.finalValLoss.mean).padEnd(10)} ${''.padEnd(10)} ${Number.isFinite(result.adaptive.secondsToTarget.mean) ? result.adaptive.secondsToTarget.mean.toFixed(3) : 'not reached'} (from ${result.adaptive.initialBatchSize}, ${result.adaptive.sooner ? 'sooner than' : 'not sooner than'} the best fixed batch size)`] : []),
    '', `Report: ${files.join(', ')} (${result.seconds.toFixed(1)} s${c.partial ? ', cancelled: partial results' : ''})`, '',
  ];
  process.stderr.write(lines.join('\n'));
}
