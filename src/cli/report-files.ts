// Writes a study's report folder: index.html, results.json and points.csv, each atomically; the page rendered by a worker started early when asked.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReportReply, ReportRequest } from './report-worker.js';
import { writeFileAtomic } from '../platform/node/atomic-file.js';
import { entryUrl } from '../platform/node/entries.js';
import { MinibatchError } from '../core/errors.js';
import type { StudyResult } from '../experiments/records.js';

/** The help of the sweeps' --no-report (see writeReportFiles' `page`). */
export const NO_REPORT_HELP = 'write results.json and points.csv only, not the page: no charts are drawn (minibatch report draws them from results.json later)';

/** Options of {@link writeReportFiles}. */
export interface ReportFileOptions {
  /**
   * false (the sweeps' --no-report): write only results.json and points.csv, render no chart
   * (`minibatch report` renders the page from results.json later), and remove the index.html an
   * earlier run left in `dir` (see removeStalePage). Default true.
   */
  page?: boolean;
  /** Called with the path of that earlier page once it is removed. */
  onStalePage?: (path: string) => void;
}

/** Renders and writes the three report files into `dir` (created if needed); returns their paths. */
export async function writeReportFiles(dir: string, result: StudyResult, o: ReportFileOptions = {}): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new MinibatchError('IO', `cannot create the report folder ${dir}: ${(err as Error).message}; choose another --out`, { cause: err });
  }
  const withPage = o.page !== false;
  const w = renderer; renderer = undefined;
  const page = w && withPage ? renderInWorker(w, result) : undefined;
  if (w && !withPage) void w.terminate();
  const { pointsCsv, studyResultJson } = await import('../report/results-text.js');
  const json = studyResultJson(result); const csv = pointsCsv(result); // while the worker renders the page
  const files: Array<[string, string]> = [['results.json', json], ['points.csv', csv]];
  if (withPage) files.push(['index.html', (await page) ?? await renderHere(result)]);
  for (const [name, content] of files) await writeFileAtomic(join(dir, name), content);
  if (!withPage) {
    const stale = await removeStalePage(dir); // only now: results.json is this run's
    if (stale !== undefined) o.onStalePage?.(stale);
  }
  return files.map(([name]) => join(dir, name));
}

/**
 * Removes the index.html an earlier run left in `dir`, once a run without a page (--no-report)
 * has replaced the results.json it was rendered from, so the folder never shows a page of other
 * results; returns its path when there was one.
 */
export async function removeStalePage(dir: string): Promise<string | undefined> {
  const path = join(dir, 'index.html');
  try {
    if (!(await stat(path)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  try {
    await rm(path);
  } catch (err) {
    throw new MinibatchError('IO', `cannot remove ${path}, the page of an earlier run, whose results.json this run replaced: ${(err as Error).message}; remove it, or run 'minibatch report ${join(dir, 'results.json')}' to draw this run's page over it`, { cause: err });
  }
  return path;
}

let renderer: Worker | undefined;

/**
 * Starts the worker that will render the next report (src/cli/report-worker.ts): it loads the
 * report modules and Vega and warms them up while the command loads data and trains (a core is
 * free while the data loads), so writeReportFiles does not pay for that after the trials. It
 * sleeps until then and does not keep the process alive. Call once at the start of a command
 * that ends with a report; without it, writeReportFiles renders on this thread.
 */
export function prepareReportRenderer(): void {
  if (renderer) return;
  try {
    renderer = new Worker(entryUrl('report-worker'));
    renderer.unref();
    renderer.on('error', () => { renderer = undefined; });
  } catch {
    renderer = undefined;
  }
}

/**
 * Lets the prepared worker render the charts of `early` (the study before its last figures are
 * known, e.g. before compare's throughput profile) while this thread finishes it: the charts
 * that come out the same are not rendered again for the page. Nothing without a prepared worker.
 */
export function prerenderReport(early: StudyResult): void {
  try { renderer?.postMessage({ prerender: pageInput(early) } satisfies ReportRequest); } catch { /* the page is then rendered whole */ }
}

/**
 * The result as the page reads it: without the runs' final weights (`finalParams`, kept for
 * convex models: 15 x 7850 numbers, 96 % of a softmax compare's results.json), which no chart or
 * table draws, so the worker is not sent them (nor copies, walks and collects them).
 */
export function pageInput(result: StudyResult): StudyResult {
  if (!result.compare.runs.some((r) => r.finalParams)) return result;
  return { ...result, compare: { ...result.compare, runs: result.compare.runs.map(({ finalParams: _weights, ...run }) => run) } };
}

/** The page from the prepared worker, or undefined when it failed (then rendered here); the worker ends either way. */
function renderInWorker(w: Worker, result: StudyResult): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    w.once('message', (r: ReportReply) => resolve('html' in r ? r.html : undefined));
    w.once('error', () => resolve(undefined));
    w.once('exit', () => resolve(undefined));
    w.ref();
    try { w.postMessage(pageInput(result) satisfies ReportRequest); } catch { resolve(undefined); }
  }).finally(() => { void w.terminate(); });
}

/** The page rendered on this thread (the report modules load Vega: imported only when a report is written). */
async function renderHere(result: StudyResult): Promise<string> {
  const { renderReport } = await import('../report/html.js');
  return (await renderReport(result)).html;
}
