// The report page: a StudyResult -> one self-contained, script-free, phone-readable index.html.
import type { StudyResult } from '../experiments/records.js';
import { NOISE_SECTION, SECTIONS, studyCharts, studyTune, type ReportChart } from './charts.js';
import { escapeHtml as esc, formatNumber, neutraliseBidiDeep } from './format.js';
import { noiseNoteHtml, noiseSummaryHtml, recommendationHtml, setupHtml, summaryTableHtml } from './html-parts.js';
import { renderSvg } from './render-svg.js';
import { FONT_STACK } from './theme.js';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:${FONT_STACK};color:#1d1d1f;background:#fafafa;line-height:1.5;font-size:16px}
main{max-width:1040px;margin:0 auto;padding:12px 16px 48px}
h1{font-size:1.5rem;margin:.6em 0 .2em;line-height:1.25}
h2{font-size:1.25rem;margin:1.6em 0 .4em;border-bottom:1px solid #ddd;padding-bottom:.2em}
h3{font-size:1rem;margin:0 0 .4em}
.sub{color:#555;margin:0 0 1em}
.recommend{background:#eef6ff;border:1px solid #b6d4f5;border-radius:8px;padding:4px 16px 8px}
.recommend h2{border:0;margin-top:.6em}
.choice{font-size:1.2rem;margin:.2em 0 .6em}
.evidence{padding-left:1.2em;margin:.4em 0}
.compared{color:#333;font-size:.95rem}
.warn{background:#fff4e5;border:1px solid #f0c27a;border-radius:8px;padding:8px 12px}
nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:.8em 0;list-style:none}
nav a{color:#0b5cad}
dl.setup{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.setup dt{font-weight:600;color:#444}
dl.setup dd{margin:0;overflow-wrap:anywhere}
code{font-size:.9em;background:#f0f0f0;border-radius:3px;padding:0 3px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,460px),1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:12px}
figure svg{display:block;max-width:100%;height:auto;margin:0 auto}
figcaption{font-size:.9rem;color:#444;margin-top:8px}
.note{color:#333}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.86rem;min-width:100%;background:#fff;font-variant-numeric:tabular-nums}
.table-note{color:#555;font-size:.9rem;margin:.2em 0 .6em}
th,td{padding:6px 8px;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}
thead th{background:#f3f3f3;font-weight:600;white-space:normal;vertical-align:bottom}
thead th:first-child,tbody th{text-align:left}
tbody th{position:sticky;left:0;background:#fff}
tr.chosen th{background:#eef6ff}
tr.chosen{background:#eef6ff}
table.kv th,table.kv td{white-space:normal;overflow-wrap:anywhere}
table.kv th{position:static;width:60%}
#fig-tune-heatmap{overflow-x:auto}
#fig-tune-heatmap svg{max-width:none}
footer{margin-top:32px;color:#666;font-size:.85rem}
@media (max-width:520px){body{font-size:15px}main{padding:8px 10px 32px}figure{padding:8px}dl.setup{grid-template-columns:1fr}dl.setup dd{margin-bottom:6px}table.kv th,table.kv td{display:block;width:auto;text-align:left}table.kv th{border-bottom:0;padding-bottom:0}}
`.trim();

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** Receives chart-compiler warnings, prefixed with the chart id (default: dropped). */
  onWarning?: (message: string) => void;
  /**
   * Charts rendered earlier (see {@link prerenderCharts}): a chart whose id and spec are the
   * same as one in here is not rendered again. The page is the same bytes either way.
   */
  rendered?: Map<string, string>;
}

/** The key of a chart in a {@link ReportOptions.rendered} map: its id and its whole spec (NaN, infinities and -0 spelled out). */
function chartKey(chart: ReportChart): string {
  const exact = (_k: string, v: unknown): unknown => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${Object.is(v, -0) ? '-0' : v}` : v);
  return `${chart.id}\n${JSON.stringify(chart.spec, exact)}`;
}

/**
 * Renders the charts of `raw` (e.g. a study before its throughput profile was timed) into
 * `rendered`, for a later {@link renderReport} of the final result: its charts that did not
 * change are then not rendered again.
 */
export async function prerenderCharts(raw: StudyResult, rendered: Map<string, string>, options: Omit<ReportOptions, 'rendered'> = {}): Promise<void> {
  for (const chart of studyCharts(neutraliseBidiDeep(raw))) {
    const key = chartKey(chart);
    if (!rendered.has(key)) rendered.set(key, await chartSvg(chart, options.onWarning));
  }
}

/**
 * Renders a study as ONE self-contained HTML page: the recommendation in words at the top,
 * what was run, the per-batch-size table, then every chart as inline SVG with a "how to read
 * this chart" caption. No script, no stylesheet or font link, no external URL of any kind;
 * every string from the result is HTML-escaped. Deterministic: the same result (or the same
 * result read back from its results.json) gives byte-identical HTML.
 */
export async function renderReport(raw: StudyResult, options: ReportOptions = {}): Promise<{ html: string }> {
  // Labels (column, class, data set names) reach the page and its SVG: no bidi controls in either.
  const result = neutraliseBidiDeep(raw);
  const charts = studyCharts(result);
  const figures = new Map<string, string>();
  for (const chart of charts) figures.set(chart.id, figureHtml(chart, options.rendered?.get(chartKey(chart)) ?? await chartSvg(chart, options.onWarning)));
  const allSections = [...SECTIONS, ...(result.noise ? [NOISE_SECTION] : [])];
  const sections = allSections.map((s) => {
    const inSection = charts.filter((c) => c.section === s.id);
    if (inSection.length === 0) return '';
    return `<section id="${s.id}"><h2>${esc(s.title)}</h2>${sectionNote(result, s.id)}
<div class="charts">
${inSection.map((c) => figures.get(c.id) ?? '').join('\n')}
</div></section>`;
  }).filter(Boolean);
  const nav = [
    ['recommendation', 'Recommendation'], ['setup', 'What was run'], ['summary', 'Summary table'],
    ...allSections.filter((s) => charts.some((c) => c.section === s.id)).map((s) => [s.id, s.title]),
  ].map(([id, t]) => `<li><a href="#${id}">${esc(t ?? '')}</a></li>`).join('');
  const title = `Batch size study: ${result.dataset.name}`;
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${CSS}
</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="sub">${esc(result.model.description)}</p>
${recommendationHtml(result)}${noiseSummaryHtml(result)}
${partialHtml(result)}
<nav aria-label="Contents"><ul>${nav}</ul></nav>
${setupHtml(result)}
<section id="summary"><h2>Summary by batch size</h2>
${summaryTableHtml(result.compare, result.recommendation.batchSize)}
</section>
${sections.join('\n')}
<footer>Written by ${esc(result.createdBy)} from results.json (schema ${esc(result.schema)}). The study took ${esc(formatNumber(result.seconds))} s.</footer>
</main>
</body>
</html>
`;
  return { html };
}

function chartSvg(chart: ReportChart, onWarning?: (message: string) => void): Promise<string> {
  return renderSvg(chart.spec, { idPrefix: chart.id, onWarning: onWarning && ((m) => onWarning(`${chart.id}: ${m}`)) });
}

function figureHtml(chart: ReportChart, svg: string): string {
  return `<figure id="fig-${chart.id}">
<h3>${esc(chart.title)}</h3>
${svg.replace(/^<svg /, `<svg role="img" aria-label="${esc(chart.title)}" `)}
<figcaption><strong>How to read this chart:</strong> ${esc(chart.caption)}</figcaption>
</figure>`;
}

/** A sentence under a section title that ties the charts to the numbers in the result. */
function sectionNote(result: StudyResult, section: string): string {
  const t = studyTune(result); const lr = result.lrRange;
  if (section === 'learning-rate') {
    const parts: string[] = [];
    if (t) parts.push(`Tuning (${t.method}) found the lowest validation loss ${formatNumber(t.best.valLoss)} at batch size ${t.best.batchSize} with learning rate ${formatNumber(t.best.learningRate)}. ${t.scaling.note}`);
    if (lr) {
      parts.push(`The range test at batch size ${lr.batchSize} suggests learning rate ${formatNumber(lr.suggested)} (seeds agree within ${formatNumber(lr.spreadLog10, 2)} decades).`);
      if (lr.rule) parts.push(`The suggestion is ${lr.rule.replace(/\.\s*$/, '')}.`);
      const capped = lr.curves.filter((c) => c.stopped === false && c.minLossLr !== undefined && c.minLossLr >= (lr.maxLr ?? Infinity) / 2).length;
      if (capped > 0) parts.push(`For ${capped} of ${lr.curves.length} seeds the loss did not blow up before the largest rate tried, and the lowest loss came at the top of the ramp, so the suggestion may be capped by it.`);
    }
    return parts.length ? `<p class="note">${esc(parts.join(' '))}</p>` : '';
  }
  if (section === NOISE_SECTION.id) return noiseNoteHtml(result);
  if (section === 'validation-loss') {
    return `<p class="note">${esc(`The same runs drawn against four clocks. Each batch size uses its own learning rate (see the table); ${result.compare.seeds.length} seeds each.`)}</p>`;
  }
  return '';
}

/** A warning when any part of the study was cancelled and holds only the runs that finished. */
function partialHtml(result: StudyResult): string {
  const parts = [
    result.compare.partial ? 'the batch-size comparison' : '',
    studyTune(result)?.partial ? 'the learning-rate tuning' : '',
    result.lrRange?.partial ? 'the range test' : '',
  ].filter(Boolean);
  if (parts.length === 0) return '';
  return `<p class="warn"><strong>Incomplete:</strong> ${esc(parts.join(', '))} ${parts.length > 1 ? 'were' : 'was'} cancelled; the charts show only the runs that finished.</p>`;
}
