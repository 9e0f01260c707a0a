// The study's noise-scale stage: fields in results.json that round-trip, and report sections that render deterministically.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { study } from '../../src/experiments/study.js';
import { logisticRegression } from '../../src/nn/models.js';
import { parseStudyResult, studyResultJson } from '../../src/report/results-file.js';
import { renderReport } from '../../src/report/html.js';
import { studyCharts } from '../../src/report/charts.js';
import { blobs } from './helpers.js';

describe('study with the noise-scale stage', () => {
  it('adds B_simple over training, B_crit, the throughput profile and a prediction beside the grid recommendation', async () => {
    const data = blobs(400, 4, 3, 1.0);
    const spec = logisticRegression({ inputs: 4, seed: 1 }).spec;
    const r = await study(spec, data, { batchSizes: [1, 8, 32, 'full'], epochs: 3, seeds: 2, workers: 1, learningRate: 0.1 });
    const n = r.noise!;
    assert.ok(n, 'the stage ran');
    assert.equal(n.tracking.batchSize, r.recommendation.batchSize);
    assert.equal(n.tracking.points[0]!.updates, 0);
    assert.ok(n.tracking.points.length >= 4);
    assert.equal(n.exact.method, 'exact'); assert.equal(n.twoBatch.method, 'two-batch');
    assert.equal(n.critical.points.length, r.compare.summary.length);
    assert.deepEqual(n.throughput.rows.map((x) => x.batchSize), [1, 2, 4, 8, 16, 32, 64, 128, 256, 320]);
    assert.ok(n.prediction.rows.some((x) => x.batchSize === n.prediction.batchSize));
    assert.ok(n.prediction.evidence.length >= 3);
    assert.equal(n.tracking.cost.measurements, n.tracking.points.length);

    const back = parseStudyResult(JSON.parse(studyResultJson(r)), 'results.json');
    assert.deepEqual(JSON.parse(studyResultJson(back)), JSON.parse(studyResultJson(r)), 'results.json round-trips');
    const a = (await renderReport(r)).html; const b = (await renderReport(back)).html;
    assert.equal(a, b, 'the page from results.json is byte-identical');
    assert.ok(a.includes('<section id="noise-scale"><h2>Noise scale, critical batch size and throughput</h2>'));
    assert.ok(a.includes('id="noise-model"'));
    const ids = studyCharts(r).filter((c) => c.section === 'noise-scale').map((c) => c.id);
    assert.deepEqual(ids.filter((id) => id !== 'noise-over-training'), ['throughput', 'predicted-time'].filter((id) => ids.includes(id)));
    assert.ok(ids.includes('throughput'));
    assert.equal(a.split('<svg').length - 1, studyCharts(r).length);
  });

  it('is skipped with noiseScale: false', async () => {
    const r = await study(logisticRegression({ inputs: 4, seed: 1 }).spec, blobs(200, 4, 3), { batchSizes: [8, 'full'], epochs: 2, seeds: 1, workers: 1, learningRate: 0.1, noiseScale: false });
    assert.equal(r.noise, undefined);
  });
});
