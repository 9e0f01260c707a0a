// The report rendered by the early-started worker (prepareReportRenderer) is byte-identical to the page rendered on the main thread.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageInput, prepareReportRenderer, writeReportFiles } from '../../src/cli/report-files.js';
import { Worker } from 'node:worker_threads';
import { prerenderCharts, renderReport } from '../../src/report/html.js';
import { studyCharts } from '../../src/report/charts.js';
import type { ReportReply } from '../../src/cli/report-worker.js';
import { studyFixture } from '../report/fixture.js';

describe('report worker', () => {
  it('is sent the result without the runs\' final weights, which the page does not draw', async () => {
    const result = studyFixture();
    result.compare.runs.forEach((run, i) => { run.finalParams = Array.from({ length: 50 }, (_, j) => Math.sin(i + j)); });
    const sent = pageInput(result);
    assert.ok(sent.compare.runs.every((run) => !('finalParams' in run)));
    assert.ok(result.compare.runs.every((run) => run.finalParams?.length === 50), 'the result itself keeps them');
    assert.deepEqual(sent.compare.runs, result.compare.runs.map(({ finalParams: _w, ...run }) => run));
    assert.equal((await renderReport(sent)).html, (await renderReport(result)).html);
    assert.equal(pageInput(sent), sent, 'nothing to take out: the same object');
  });

  it('charts rendered ahead are reused only when id and spec are the same, and the page keeps its bytes', async () => {
    const result = studyFixture();
    const early = structuredClone(result);
    early.compare.summary.forEach((row) => { row.learningRate *= 2; }); // changes the summary-based charts, not the curves
    const rendered = new Map<string, string>();
    await prerenderCharts(early, rendered);
    assert.equal(rendered.size, studyCharts(early).length);
    const plain = (await renderReport(result)).html;
    assert.equal((await renderReport(result, { rendered })).html, plain);
    const marked = new Map([...rendered].map(([k, v]) => [k, v.replace(/^<svg /, '<svg data-early="1" ')]));
    const reused = (await renderReport(result, { rendered: marked })).html;
    const count = (reused.match(/data-early="1"/g) ?? []).length;
    assert.ok(count > 0 && count < studyCharts(result).length, `reused ${count} of ${studyCharts(result).length} charts`);
  });

  it('a worker sent the early study first still answers with the final page', async () => {
    const result = studyFixture(); const early = structuredClone(result);
    early.compare.summary.forEach((row) => { row.learningRate *= 2; });
    const w = new Worker(new URL('../../src/cli/report-worker.js', import.meta.url));
    try {
      w.postMessage({ prerender: early });
      const reply = await new Promise<ReportReply>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); w.postMessage(result); });
      assert.ok('html' in reply);
      assert.equal(reply.html, (await renderReport(result)).html);
    } finally { await w.terminate(); }
  });

  it('answers a study with the page renderReport gives here', async () => {
    const result = studyFixture({ hostile: true });
    const w = new Worker(new URL('../../src/cli/report-worker.js', import.meta.url));
    try {
      const reply = await new Promise<ReportReply>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); w.postMessage(result); });
      assert.ok('html' in reply, 'error' in reply ? reply.error : '');
      assert.equal(reply.html, (await renderReport(result)).html);
    } finally { await w.terminate(); }
  });

  it('writes the same three files as rendering on this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minibatch-report-worker-'));
    try {
      const result = studyFixture();
      await writeReportFiles(join(dir, 'here'), result);
      prepareReportRenderer();
      await writeReportFiles(join(dir, 'worker'), result);
      for (const f of ['index.html', 'results.json', 'points.csv']) {
        assert.equal(readFileSync(join(dir, 'worker', f), 'utf8'), readFileSync(join(dir, 'here', f), 'utf8'), f);
      }
      assert.match(readFileSync(join(dir, 'worker', 'index.html'), 'utf8'), /<svg role="img"/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
