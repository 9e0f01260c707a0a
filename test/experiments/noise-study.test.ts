// The study's noise-scale stage: fields in results.json that round-trip, report sections that render deterministically, and its tracking run on a trial worker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { study } from '../../src/experiments/study.js';
import { logisticRegression } from '../../src/nn/models.js';
import { parseStudyResult, studyResultJson } from '../../src/report/results-file.js';
import { renderReport } from '../../src/report/html.js';
import { studyCharts } from '../../src/report/charts.js';
import { blobs, withoutTiming } from './helpers.js';
import { MinibatchError } from '../../src/core/errors.js';
import type { NoiseStudy } from '../../src/experiments/records.js';
import { DEFAULT_OPTIMIZER } from '../../src/experiments/run/optimizer-spec.js';
import { TrialPool } from '../../src/experiments/run/pool.js';

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

  it('gives the same tracking run and noise scales on a trial worker (workers: 2) as on this thread', async () => {
    const data = blobs(400, 4, 3, 1.0);
    const spec = logisticRegression({ inputs: 4, seed: 1 }).spec;
    const o = { batchSizes: [1, 8, 32, 'full'] as Array<number | 'full'>, epochs: 3, seeds: 2, learningRate: 0.1, adaptive: false };
    const here = (await study(spec, data, { ...o, workers: 1 })).noise!;
    const worker = (await study(spec, data, { ...o, workers: 2 })).noise!;
    const exact = (n: NoiseStudy): unknown => withoutTiming({ ...n.tracking, cost: undefined, points: n.tracking.points.map((p) => ({ ...p, seconds: 0 })), exact: { ...n.exact, seconds: 0 }, twoBatch: { ...n.twoBatch, seconds: 0 } });
    assert.deepEqual(exact(worker), exact(here));
    assert.ok(here.tracking.points.length >= 4);
    assert.deepEqual(worker.throughput.rows.map((x) => x.batchSize), here.throughput.rows.map((x) => x.batchSize));
  });

  it('a tracking run that diverges on the worker leaves the stage out, as on this thread', async () => {
    const data = blobs(400, 4, 3, 1.0);
    const spec = logisticRegression({ inputs: 4, seed: 1 }).spec;
    const pool = new TrialPool(data, data, 1);
    try {
      const wild = await pool.track({ model: spec, batchSize: 8, learningRate: 1e9, optimizer: DEFAULT_OPTIMIZER, epochs: 3, everyUpdates: 5 });
      assert.equal(wild, undefined);
      const ac = new AbortController(); ac.abort();
      assert.equal(await pool.track({ model: spec, batchSize: 8, learningRate: 0.1, optimizer: DEFAULT_OPTIMIZER, epochs: 3, everyUpdates: 5 }, ac.signal), undefined);
      await assert.rejects(pool.track({ model: { ...spec, layers: [7, 1] }, batchSize: 8, learningRate: 0.1, optimizer: DEFAULT_OPTIMIZER, epochs: 1, everyUpdates: 5 }),
        (e: unknown) => e instanceof MinibatchError && /the noise-scale tracking run failed in a worker thread/.test(e.message));
    } finally { await pool.close(false); }
  });

  it('is skipped with noiseScale: false', async () => {
    const r = await study(logisticRegression({ inputs: 4, seed: 1 }).spec, blobs(200, 4, 3), { batchSizes: [8, 'full'], epochs: 2, seeds: 1, workers: 1, learningRate: 0.1, noiseScale: false });
    assert.equal(r.noise, undefined);
  });
});
