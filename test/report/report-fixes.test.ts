// What the screenshots showed (issue 14): the heat map outlines the recommended setting, the full-batch line no longer sets the y range.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clippedDomain, lossCurveSpec } from '../../src/report/chart-curves.js';
import { curveRows } from '../../src/report/chart-data.js';
import { markedCell, tuneHeatmapSpec } from '../../src/report/chart-tuning.js';
import { heatRows } from '../../src/report/chart-data.js';
import { formatNumber } from '../../src/report/format.js';
import { studyFixture } from './fixture.js';

describe('report fixes from the screenshots', () => {
  it('the heat map outlines the recommended cell when the grid has it, else the best cell', () => {
    const tune = studyFixture().tune!;
    const { rows } = heatRows(tune);
    const other = rows.find((r) => !r.best && r.loss !== null)!;
    const rec = tune.cells.find((c) => String(c.batchSize) === other.batch && formatNumber(c.learningRate) === other.lr)!;
    const marked = rows.filter(markedCell(rows, { batchSize: rec.batchSize, learningRate: rec.learningRate }));
    assert.deepEqual(marked.map((r) => [r.batch, r.lr]), [[other.batch, other.lr]]);
    assert.deepEqual(rows.filter(markedCell(rows, { batchSize: 12345, learningRate: 7 })).map((r) => r.best), [true]);
    assert.deepEqual(rows.filter(markedCell(rows)).map((r) => r.best), [true]);
    const layers = (tuneHeatmapSpec(tune, { batchSize: rec.batchSize, learningRate: rec.learningRate }) as { layer: Array<{ mark: { stroke?: string }; data: { values: Array<{ batch: string }> } }> }).layer;
    assert.deepEqual(layers.find((l) => l.mark.stroke === '#d00')!.data.values.map((v) => v.batch), [other.batch]);
  });

  it('the y range ends at the other batch sizes\' highest loss after the start when the largest batch size is above it', () => {
    const r = studyFixture();
    const cmp = structuredClone(r.compare);
    const largest = Math.max(...cmp.runs.map((x) => x.batchSize));
    for (const run of cmp.runs) if (run.batchSize === largest) for (const p of run.points) p.valLoss = 50; // a slow full-batch line
    const rows = curveRows(cmp, 'valLoss');
    const d = clippedDomain(rows, cmp);
    assert.ok(d, 'a domain is set');
    const others = rows.filter((x) => !x.batch.includes(String(largest)) && x.examplesSeen > 0);
    assert.equal(d[1], Math.max(...others.map((x) => x.max)));
    assert.ok(d[1] < 50);
    const spec = lossCurveSpec(cmp, 'valLoss', 'epoch') as { layer: Array<{ mark: { clip?: boolean }; encoding: { y: { scale: { domain?: number[] } } } }> };
    assert.ok(spec.layer.every((l) => l.mark.clip === true && l.encoding.y.scale.domain !== undefined));
    assert.equal(clippedDomain(curveRows(r.compare, 'valLoss').filter((x) => x.batch === rows[0]!.batch), { ...r.compare, summary: r.compare.summary.slice(0, 1), runs: r.compare.runs.filter((x) => x.batchSize === r.compare.runs[0]!.batchSize) }), undefined);
  });
});
