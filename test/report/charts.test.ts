// Tests of the chart specs: seed alignment, axes, batch-size colours, and use from bare records.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareCurveCharts, compareSummaryCharts, lossCurveSpec, lrRangeCharts, lrRangeSpec, studyCharts, studyTune, tuneCharts,
} from '../../src/report/charts.js';
import { curveRows, heatRows, spreadRows } from '../../src/report/chart-data.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { batchKeys } from '../../src/report/theme.js';
import { studyFixture } from './fixture.js';

/** All encodings of a (layered) spec, flattened. */
function encodings(spec: object): Array<Record<string, { field?: string; scale?: { type?: string; domain?: unknown } } | undefined>> {
  const s = spec as { encoding?: never; layer?: object[] };
  return [...(s.encoding ? [s.encoding] : []), ...(s.layer ?? []).flatMap((l) => encodings(l))];
}

describe('chart data', () => {
  const r = studyFixture();

  it('lines seeds up by examplesSeen: every comparable point of a batch size holds all seeds', () => {
    const rows = curveRows(r.compare, 'valLoss').filter((x) => x.batch === '32');
    const run = r.compare.runs.find((x) => x.batchSize === 32)!;
    assert.equal(rows.length, run.points.length);
    for (const row of rows) {
      assert.equal(row.n, 3);
      assert.ok(row.min <= row.mean && row.mean <= row.max);
    }
    assert.deepEqual(rows.map((x) => x.examplesSeen), run.points.map((p) => p.examplesSeen));
  });

  it('keeps a diverged seed up to where it stopped and averages the others after', () => {
    const rows = curveRows(r.compare, 'valLoss').filter((x) => x.batch === '1');
    const stop = r.compare.runs.find((x) => x.diverged)!.points.at(-1)!.examplesSeen;
    assert.ok(rows.filter((x) => x.examplesSeen <= stop).every((x) => x.n === 3));
    assert.ok(rows.filter((x) => x.examplesSeen > stop).every((x) => x.n === 2));
  });

  it('orders batch sizes ascending with the full batch labelled and last', () => {
    assert.deepEqual(batchKeys(r.compare).map((k) => k.label), ['1', '8', '32', '128', 'full (800)']);
  });

  it('skips seeds that never reached the target and counts them', () => {
    const rows = spreadRows(r.compare, (s) => s.secondsToTarget);
    const full = rows.find((x) => x.batch === 'full (800)')!;
    assert.equal(full.finite, 0);
    assert.ok(Number.isNaN(full.mean));
    assert.ok(rows.filter((x) => x.batch !== 'full (800)').every((x) => x.finite === 3));
  });

  it('marks diverged tuning cells, flags the best once and keeps the last rung of halving', () => {
    const tune = r.tune!;
    const { rows, batches, lrs } = heatRows(tune);
    assert.equal(rows.length, 30);
    assert.deepEqual(batches, ['1', '8', '32', '128', '800']);
    assert.deepEqual(lrs, ['0.003', '0.01', '0.03', '0.1', '0.3', '1']);
    assert.ok(rows.filter((x) => x.diverged).every((x) => x.loss === null && x.text === '\u00d7'));
    assert.equal(rows.filter((x) => x.best).length, 1);
    const cell = tune.cells[0]!;
    const halved = { ...tune, method: 'halving' as const, cells: [{ ...cell, rung: 0 }, { ...cell, rung: 2, valLoss: { ...cell.valLoss, mean: 0.5 } }, { ...tune.cells[1]!, rung: 1 }] };
    const h = heatRows(halved).rows;
    assert.equal(h.length, 2);
    assert.equal(h[0]!.loss, 0.5);
    assert.deepEqual(h.map((x) => x.early), [false, true]);
    assert.equal(h[1]!.text, `(${h[1]!.text.slice(1, -1)})`);
  });
});

describe('chart specs', () => {
  const r = studyFixture();

  it('gives every per-batch-size chart the same colour domain and colours', () => {
    const colours = [...compareCurveCharts(r.compare), ...compareSummaryCharts(r.compare)]
      .flatMap((c) => encodings(c.spec)).map((e) => e['color']?.scale).filter((s) => s !== undefined).map((s) => JSON.stringify(s));
    assert.ok(colours.length >= 10);
    assert.equal(new Set(colours).size, 1);
  });

  it('uses log x for updates and seconds, linear x for epochs and examples, and drops x = 0 on log axes', () => {
    for (const [axis, log] of [['epoch', false], ['examplesSeen', false], ['updates', true], ['trainSeconds', true]] as const) {
      const spec = lossCurveSpec(r.compare, 'valLoss', axis);
      const x = encodings(spec)[0]!['x']!;
      assert.equal(x.scale?.type === 'log', log, axis);
      const values = (spec as { data: { values: Array<Record<string, number>> } }).data.values;
      assert.equal(values.some((v) => v[axis] === 0), !log, axis);
    }
  });

  it('draws the distance to the full batch only when the summary carries it', () => {
    assert.ok(compareSummaryCharts(r.compare).some((c) => c.id === 'distance-to-full-batch'));
    const nonConvex = { ...r.compare, summary: r.compare.summary.map(({ distanceToFullBatch: _d, ...s }) => s) };
    assert.ok(!compareSummaryCharts(nonConvex).some((c) => c.id === 'distance-to-full-batch'));
  });

  it('caps the range-test loss axis at 1.5x the largest starting loss and marks the suggestion', () => {
    const spec = lrRangeSpec(r.lrRange!) as unknown as { layer: Array<{ data: { values: Array<{ lr: number }> } }> };
    const y = encodings(spec)[0]!['y']!;
    const top = Math.max(...r.lrRange!.curves.map((c) => c.losses[0]!)) * 1.5;
    assert.equal((y.scale!.domain as number[])[1], top);
    assert.equal(spec.layer[1]!.data.values[0]!.lr, r.lrRange!.suggested);
  });

  it('lists every chart of a study once, in section order', () => {
    const charts = studyCharts(r);
    assert.equal(new Set(charts.map((c) => c.id)).size, charts.length);
    const sections = charts.map((c) => c.section);
    assert.deepEqual(sections, [...sections].sort((a, b) => ['validation-loss', 'training-loss', 'by-batch-size', 'learning-rate'].indexOf(a) - ['validation-loss', 'training-loss', 'by-batch-size', 'learning-rate'].indexOf(b)));
  });

  it('takes the tuning of the comparison when the study has none of its own', () => {
    const s = { ...r, tune: undefined, compare: { ...r.compare, tune: r.tune } };
    assert.equal(studyTune(s), r.tune);
    assert.ok(studyCharts(s).some((c) => c.id === 'tune-heatmap'));
  });

  it('renders charts from a bare CompareResult, TuneResult and LrRangeResult', async () => {
    const specs = [...compareCurveCharts(r.compare).slice(0, 1), ...compareSummaryCharts(r.compare), ...tuneCharts(r.tune!), ...lrRangeCharts(r.lrRange!)];
    for (const c of specs) {
      const warnings: string[] = [];
      const svg = await renderSvg(c.spec, { idPrefix: c.id, onWarning: (m) => warnings.push(m) });
      assert.ok(svg.startsWith('<svg '), c.id);
      assert.deepEqual(warnings, [], c.id);
    }
  });
});
