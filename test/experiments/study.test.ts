// study: the three stages composed into one record with a recommendation backed by the runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { study, widenGrid } from '../../src/experiments/study.js';
import type { StudyResult } from '../../src/experiments/records.js';
import { logisticRegression } from '../../src/nn/models.js';
import { studyCharts } from '../../src/report/charts.js';
import { prerenderCharts, renderReport } from '../../src/report/html.js';
import { blobs, withoutTiming } from './helpers.js';

describe('study', () => {
  const data = blobs(300, 4, 3);
  const spec = logisticRegression({ inputs: 4, seed: 1 }).spec;
  const options = { batchSizes: [1, 16, 'full'] as Array<number | 'full'>, epochs: 3, seeds: 2, workers: 1, datasetName: 'blobs <b>' };

  it('runs the range test, tunes around its suggestion and compares every batch size at its tuned rate', async () => {
    const stages = new Set<string>();
    const r = await study(spec, data, { ...options, onProgress: (stage) => stages.add(stage) });
    assert.equal(r.schema, 'minibatch-study/1');
    assert.deepEqual([...stages], ['lr-range', 'tune', 'compare']);
    assert.equal(r.lrRange!.curves.length, 2);
    const lrs = [...new Set(r.tune!.cells.map((c) => c.learningRate))].sort((a, b) => a - b);
    assert.equal(lrs.length, 8);
    assert.ok(Math.abs(lrs[0]! * 30 - r.lrRange!.suggested) < 1e-9 * r.lrRange!.suggested, 'the grid starts at 1/30 of the suggestion');
    for (const s of r.compare.summary) {
      const tuned = r.tune!.bestPerBatchSize.find((b) => b.batchSize === s.batchSize)!;
      assert.equal(s.learningRate, tuned.learningRate, `batch size ${s.batchSize} compares at its tuned rate`);
    }
    assert.equal(r.compare.runs.length, 3 * 2);
    assert.ok(r.compare.summary.some((s) => s.batchSize === r.recommendation.batchSize), 'recommends a compared batch size');
    const row = r.compare.summary.find((s) => s.batchSize === r.recommendation.batchSize)!;
    assert.equal(r.recommendation.learningRate, row.learningRate);
    assert.ok(r.recommendation.evidence.length >= 3);
    assert.equal(r.dataset.name, 'blobs <b>');
    assert.equal(r.dataset.rows, 300);
    assert.equal(r.dataset.classes, 2);
    assert.ok(r.seconds > 0);
  });

  it('with a fixed learning rate skips the range test and tuning', async () => {
    const r = await study(spec, data, { ...options, learningRate: 0.1 });
    assert.equal(r.lrRange, undefined);
    assert.equal(r.tune, undefined);
    assert.ok(r.compare.summary.every((s) => s.learningRate === 0.1));
  });

  it('hands the study so far to onPartial after the comparison\'s trials, the comparison and the noise stage; charts rendered ahead keep the page', async () => {
    const early: StudyResult[] = [];
    const r = await study(spec, data, { ...options, learningRate: 0.1, onPartial: (s) => early.push(structuredClone(s)) });
    assert.ok(r.noise && r.adaptive, 'every stage ran');
    assert.equal(early.length, 3);
    const [trials, compared, noised] = early as [StudyResult, StudyResult, StudyResult];
    assert.deepEqual(trials.compare.runs, r.compare.runs, 'the trials are done: the runs are final');
    assert.equal(trials.noise, undefined);
    assert.deepEqual(withoutTiming(compared.compare), withoutTiming(r.compare));
    assert.equal(compared.noise, undefined);
    assert.deepEqual(withoutTiming(noised.noise), withoutTiming(r.noise));
    assert.equal(noised.adaptive, undefined);
    const rendered = new Map<string, string>();
    for (const e of early) await prerenderCharts(e, rendered);
    const marked = new Map([...rendered].map(([k, v]) => [k, v.replace(/^<svg /, '<svg data-early="1" ')]));
    const page = (await renderReport(r, { rendered: marked })).html;
    assert.ok((page.match(/data-early="1"/g) ?? []).length >= studyCharts(r).length / 2, 'most charts were rendered ahead');
    assert.equal((await renderReport(r, { rendered })).html, (await renderReport(r)).html);
  });

  it('is reproducible: the same options give the same record apart from timing', async () => {
    const a = await study(spec, data, { ...options, learningRate: 0.1 });
    const b = await study(spec, data, { ...options, learningRate: 0.1 });
    const strip = (r: typeof a): unknown => withoutTiming({ ...r.compare, runs: r.compare.runs.map((x) => ({ ...x, points: x.points.map((p) => ({ ...p, trainSeconds: 0 })) })), summary: [] });
    assert.deepEqual(strip(a), strip(b));
  });
});

describe('widenGrid', () => {
  it('adds three rates with the same spacing beyond each end where a best rate sits', () => {
    const grid = [0.01, 0.1, 1];
    assert.equal(widenGrid(grid, [0.1, 0.1]), undefined);
    const up = widenGrid(grid, [0.1, 1])!;
    assert.deepEqual(up.map((v) => +v.toPrecision(6)), [0.01, 0.1, 1, 10, 100, 1000]);
    const both = widenGrid(grid, [0.01, 1])!;
    assert.deepEqual(both.map((v) => +v.toPrecision(6)), [1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000]);
  });
});
