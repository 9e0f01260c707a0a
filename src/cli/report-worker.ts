// The report renderer's worker thread: loads the report modules and Vega (its single-file build, see platform/node/chart-library.ts) at once, warms them up on a small chart, then renders the study it is sent (charts rendered ahead reused).
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import type { StudyResult } from '../experiments/records.js';
import { installChartLibrary } from '../platform/node/chart-library.js';

/** What the worker is sent: a study to render into a page (answered), or one to render the charts of ahead of it (not answered). */
export type ReportRequest = StudyResult | { prerender: StudyResult };

/** What the worker answers: the page's HTML, or why it could not render (the caller then renders itself). */
export type ReportReply = { html: string } | { error: string };

const port = parentPort;
if (port) {
  installChartLibrary();
  // Started while the sweep loads its data and trains: the import and a first render (Vega's code
  // compiled and warmed by the JIT) cost CPU then rather than after the trials.
  const loaded = import('../report/html.js').then(async (m) => {
    const { renderSvg } = await import('../report/render-svg.js');
    await renderSvg(WARM_UP, { idPrefix: 'warm-up' }).catch(() => undefined);
    return m;
  });
  const rendered = new Map<string, string>();
  let queue: Promise<unknown> = loaded;
  port.on('message', (msg: ReportRequest) => {
    // One at a time, in order: the page waits for the charts rendered ahead of it.
    queue = queue.then(async () => {
      const m = await loaded;
      if ('prerender' in msg) { await m.prerenderCharts(msg.prerender, rendered).catch(() => undefined); return; }
      try {
        port.postMessage({ html: (await m.renderReport(msg, { rendered })).html } satisfies ReportReply);
      } catch (e) {
        port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies ReportReply);
      }
    });
  });
}

/** A small line chart with points, a legend and axes: the kinds of marks the report draws. */
const WARM_UP = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { values: Array.from({ length: 40 }, (_, i) => ({ x: i + 1, y: Math.exp(-i / 10), s: String(i % 3) })) },
  layer: [
    { mark: 'line', encoding: { x: { field: 'x', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'y', type: 'quantitative' }, color: { field: 's', type: 'nominal' } } },
    { mark: 'point', encoding: { x: { field: 'x', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'y', type: 'quantitative' }, color: { field: 's', type: 'nominal' } } },
  ],
} as unknown as TopLevelSpec;
