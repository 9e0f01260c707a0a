// HTML fragments of the report: the recommendation, the study set-up, the per-batch-size table.
import type { CompareResult, StudyResult } from '../experiments/records.js';
import { batchLabel, escapeHtml as esc, formatCount, formatMeanSd, formatNumber, formatSeconds } from './format.js';
import { batchKeys } from './theme.js';

/** The recommendation block: the choice in words, the evidence sentences, what was compared. */
export function recommendationHtml(result: StudyResult): string {
  const r = result.recommendation;
  const key = batchKeys(result.compare).find((k) => k.batchSize === r.batchSize);
  const size = key ? batchLabel(key.batchSize, key.requested) : String(r.batchSize);
  const evidence = r.evidence.map((e) => `<li>${esc(e)}</li>`).join('');
  const choice = r.none === 'diverged' ? '<p class="choice warn"><strong>No recommendation: every run diverged.</strong> The charts and the table show where each run failed.</p>'
    : r.none === 'cancelled' ? '<p class="choice warn"><strong>No recommendation: the sweep was cancelled before any run finished.</strong></p>'
      : `<p class="choice">Use batch size <strong>${esc(size)}</strong> with learning rate <strong>${esc(formatNumber(r.learningRate))}</strong>.</p>`;
  return `<section class="recommend" id="recommendation">
<h2>Recommendation</h2>
${choice}
${r.target ? `<p class="compared"><strong>Target:</strong> ${esc(r.target)}.</p>` : ''}
${evidence ? `<ul class="evidence">${evidence}</ul>` : ''}
<p class="compared"><strong>What was compared:</strong> ${esc(r.compared)}</p>
${r.crossCheck ? `<p class="compared"><strong>Cross-check:</strong> ${esc(r.crossCheck.text)}.</p>` : ''}
</section>`;
}

/** Up to `max` names joined with commas, then "and N more". */
function nameList(names: readonly string[], max = 24): string {
  const shown = names.slice(0, max).map((n) => `<code>${esc(n)}</code>`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** The set-up: data set, model, optimizer, metric, seeds and budget of the study. */
export function setupHtml(result: StudyResult): string {
  const d = result.dataset; const c = result.compare;
  const rows: Array<[string, string]> = [
    ['Data set', `${esc(d.name)}: ${formatCount(d.rows)} rows, ${formatCount(d.features)} features${d.classes === undefined ? '' : `, ${formatCount(d.classes)} classes`}`],
    ['Features', d.featureNames.length ? nameList(d.featureNames) : '\u2014'],
  ];
  if (d.classNames && d.classNames.length) rows.push(['Classes', nameList(d.classNames)]);
  rows.push(
    ['Model', esc(result.model.description)],
    ['Optimizer', describeOptimizer(c.optimizer ?? result.model.optimizer)],
    ['Ranked by', c.rankedBy ? `validation ${esc(c.rankedBy)} (tuning, target and quality check)` : `validation loss; metric shown: ${esc(c.metric)}`],
    ['Batch sizes', esc(batchKeys(c).map((k) => k.label).join(', '))],
    ['Seeds', esc(c.seeds.join(', '))],
    ['Budget', esc(budgetText(c))],
    ['Target loss', `${esc(formatNumber(c.targetLoss))} (${c.target ? esc(c.target.rule) : c.targetRule === 'near-best' ? '1.1 \u00d7 the lowest validation loss any run reached; every batch size is timed to reach it' : 'the validation loss every batch size is timed to reach'})`],
    ['Study time', esc(formatSeconds(result.seconds))],
  );
  return `<section id="setup"><h2>What was run</h2><dl class="setup">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></section>`;
}

/** The training budget, evaluation interval and data split of a comparison, in words. */
function budgetText(c: CompareResult): string {
  const b = c.budget;
  const parts = [
    !b ? '' : 'epochs' in b ? `${formatNumber(b.epochs)} epochs per run` : 'examples' in b ? `${formatCount(b.examples)} training examples per run` : `${formatSeconds(b.seconds)} of training per run`,
    c.evalEvery !== undefined && Number.isFinite(c.evalEvery) ? `evaluated every ${formatCount(c.evalEvery)} examples` : '',
    c.trainExamples !== undefined ? `${formatCount(c.trainExamples)} training rows` : '',
    c.validationExamples !== undefined ? `${formatCount(c.validationExamples)} validation rows` : '',
    c.workers !== undefined && c.workers > 1 ? `${c.workers} worker threads` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '\u2014';
}

/** A one-line optimizer description: its `type`/`name` field and scalar settings, escaped. */
function describeOptimizer(opt: unknown): string {
  if (opt === null || typeof opt !== 'object') return opt === undefined ? '\u2014' : esc(String(opt));
  const o = opt as Record<string, unknown>;
  const name = typeof o['type'] === 'string' ? o['type'] : typeof o['name'] === 'string' ? o['name'] : 'optimizer';
  const settings = Object.keys(o).sort().filter((k) => k !== 'type' && k !== 'name')
    .map((k) => [k, o[k]] as const)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : String(v)}`);
  return esc(settings.length ? `${name} (${settings.join(', ')})` : name);
}

/** The per-batch-size table: learning rate, final loss and metric, cost to the target, divergences. */
export function summaryTableHtml(compare: CompareResult, recommended: number): string {
  const hasDist = compare.summary.some((s) => s.distanceToFullBatch);
  const hasOpt = compare.summary.some((s) => s.distanceToOptimum);
  const priced = compare.summary.some((s) => s.pricedSecondsToTarget);
  const head = ['batch size', 'learning rate', 'final val loss', `final val ${compare.metric}`, ...(priced ? ['priced seconds to target'] : []), priced ? 'wall seconds to target' : 'seconds to target',
    'examples to target', 'updates to target', ...(hasDist ? ['distance to full batch'] : []), ...(hasOpt ? ['distance to optimum'] : []), 'diverged runs'];
  const body = batchKeys(compare).map((k) => {
    const s = compare.summary.find((x) => x.batchSize === k.batchSize && x.requested === k.requested);
    if (!s) return '';
    const runs = compare.runs.filter((r) => r.batchSize === k.batchSize && r.requested === k.requested && r.learningRate === s.learningRate);
    const reached = s.secondsToTarget.values.filter((v) => Number.isFinite(v)).length;
    const of = reached < s.secondsToTarget.values.length ? ` (${reached} of ${s.secondsToTarget.values.length} seeds)` : '';
    const cells = [
      k.label, formatNumber(s.learningRate), formatMeanSd(s.finalValLoss.mean, s.finalValLoss.sd),
      formatMeanSd(s.finalValMetric.mean, s.finalValMetric.sd),
      ...(priced ? [reached && s.pricedSecondsToTarget ? `${formatMeanSd(s.pricedSecondsToTarget.mean, s.pricedSecondsToTarget.sd)}${s.timesDisagree ? ' (wall >2x off)' : ''}` : 'not reached'] : []),
      reached ? `${formatMeanSd(s.secondsToTarget.mean, s.secondsToTarget.sd)}${of}` : 'not reached',
      reached ? formatCount(s.examplesToTarget.mean) : '\u2014', reached ? formatCount(s.updatesToTarget.mean) : '\u2014',
      ...(hasDist ? [s.distanceToFullBatch ? formatMeanSd(s.distanceToFullBatch.mean, s.distanceToFullBatch.sd) : '\u2014'] : []),
      ...(hasOpt ? [s.distanceToOptimum ? formatMeanSd(s.distanceToOptimum.mean, s.distanceToOptimum.sd) : '\u2014'] : []),
      `${runs.filter((r) => r.diverged).length} of ${runs.length}`,
    ];
    const cls = k.batchSize === recommended ? ' class="chosen"' : '';
    return `<tr${cls}>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`;
  }).join('\n');
  return `<p class="table-note">Each batch size at its learning rate: mean \u00b1 sd over seeds. The highlighted row is the recommendation. Seconds, examples and updates to the target loss are averaged over the seeds that reached it; priced seconds are the exact updates to the target times this machine's seconds per update from the throughput profile (what the recommendation ranks), wall seconds what the clock read during the sweep.</p>
<div class="table-wrap"><table>
<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/**
 * The noise-scale model's recommendation, shown right after the grid's (empty without a noise
 * stage): its batch size and learning rate, whether it agrees, and its evidence sentences.
 */
export function noiseSummaryHtml(result: StudyResult): string {
  const n = result.noise; if (!n) return '';
  const p = n.prediction;
  const check = result.recommendation.crossCheck;
  const head = check
    ? `${esc(check.text[0]!.toUpperCase() + check.text.slice(1))}. The measured comparison above is the recommendation; this model only checks it.`
    : `The noise-scale model could not be calibrated (no batch size reached the target), so it checks nothing here.`;
  return `
<section class="recommend" id="noise-model">
<h2>Cross-check: the noise-scale model</h2>
<p class="choice">${head}</p>
<ul class="evidence">${p.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>
</section>`;
}

/** The numbers of the noise-scale stage as a small table under its section title. */
export function noiseNoteHtml(result: StudyResult): string {
  const n = result.noise; if (!n) return '';
  const tb = n.twoBatch; const t = n.throughput; const c = n.tracking.cost;
  const row = (k: string, v: string): string => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const kneeRow = t.rows.find((r) => r.batchSize === t.knee);
  const rows = [
    row('B_simple at the end of the tracking run (exact, per-example)', formatNumber(n.exact.bSimple)),
    row(`B_simple, two-batch estimate (batches ${tb.batchSizes?.join(' and ') ?? '?'}, ${tb.samples ?? '?'} samples)`, `${formatNumber(tb.bSimple)}${tb.stderr ? ` \u00b1 ${formatNumber(tb.stderr.bSimple)}` : ''}`),
    row('B_noise used for the prediction', formatNumber(n.prediction.bNoise)),
    row(`B_crit from the learning curves (target loss ${formatNumber(n.critical.targetLoss)})`, Number.isFinite(n.critical.bCrit) ? formatNumber(n.critical.bCrit) : (n.critical.note ?? 'no fit')),
    row('Throughput knee (batch size)', `${formatNumber(t.knee)}${kneeRow ? ` (${formatCount(Math.round(kneeRow.examplesPerSecond))} examples/s, peak ${formatCount(Math.round(t.peakExamplesPerSecond))})` : ''}`),
    row('Memory per batch at the knee', kneeRow ? `${formatCount(kneeRow.batchBytes)} bytes (plus ${formatCount(t.fixedBytes)} bytes of parameters and optimizer state)` : '\u2014'),
    row('Cost of tracking the noise scale', `${c.measurements} measurements, ${formatSeconds(c.measureSeconds)} against ${formatSeconds(c.trainSeconds)} of training`),
  ];
  return `<p class="note">${esc('McCandlish, Kaplan, Amodei et al. (2018), "An Empirical Model of Large-Batch Training": below the noise scale a bigger batch saves updates almost in proportion; above it, it mostly wastes examples. Timings are of this machine and vary between runs.')}</p>
<div class="table-wrap"><table class="kv"><tbody>
${rows.join('\n')}
</tbody></table></div>`;
}
