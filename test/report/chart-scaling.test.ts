// Tests of the scaling charts: updates to target by batch size (log-log) and the E-S trade-off with B_crit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareSummaryCharts, scalingCharts, studyCharts } from '../../src/report/charts.js';
import { scalingFit, tradeoffSpec, updatesToTargetSpec } from '../../src/report/chart-scaling.js';
import { renderSvg } from '../../src/report/render-svg.js';
import type { CompareResult, Point, RunRecord } from '../../src/experiments/records.js';
import { summarise, updatesToTarget, examplesToTarget } from '../../src/experiments/analysis/summary.js';
import { studyFixture } from './fixture.js';

type Layer = { data?: { values?: Array<Record<string, unknown>> }; encoding?: Record<string, { scale?: { type?: string } }> };

/** Runs that reach loss 0.5 after exactly S_min (1 + B_crit / B) updates, S_min 100, B_crit 32. */
function scaled(): CompareResult {
  const sizes = [4, 16, 64, 256];
  const runs: RunRecord[] = sizes.flatMap((b) => [1, 2].map((seed) => {
    const s = Math.round(100 * (1 + 32 / b));
    const p = (u: number, l: number): Point => ({ epoch: 0, updates: u, examplesSeen: u * b, trainSeconds: u * 1e-4, trainLoss: l, valLoss: l, valMetric: 0.9 });
    return { batchSize: b, requested: b, learningRate: 0.1, seed, points: [p(0, 2), p(s, 0.5), p(2 * s, 0.45)] };
  }));
  const summary = sizes.map((b) => {
    const mine = runs.filter((r) => r.batchSize === b);
    const v = (f: (pts: Point[]) => number) => summarise(mine.map((r) => f(r.points)));
    return {
      batchSize: b, requested: b, learningRate: 0.1, finalValLoss: v(() => 0.45), finalValMetric: v(() => 0.9),
      secondsToTarget: v(() => 1), updatesToTarget: v((p) => updatesToTarget(p, 0.5)), examplesToTarget: v((p) => examplesToTarget(p, 0.5)),
    };
  });
  return { kind: 'compare', metric: 'accuracy', batchSizes: sizes, seeds: [1, 2], runs, summary, targetLoss: 0.5 };
}

describe('scaling charts', () => {
  it('draws updates to target on log-log axes with perfect scaling and the fitted S_min (1 + B_crit/B)', async () => {
    const c = scaled();
    const fit = scalingFit(c);
    assert.ok(Math.abs(fit.bCrit - 32) < 1, String(fit.bCrit));
    const spec = updatesToTargetSpec(c)! as { layer: Layer[] };
    const enc = spec.layer[0]!.encoding!;
    assert.equal(enc['x']!.scale!.type, 'log'); assert.equal(enc['y']!.scale!.type, 'log');
    const texts = spec.layer.flatMap((l) => l.data?.values ?? []).map((v) => v['text']).filter((t) => t !== undefined);
    assert.deepEqual(texts, ['perfect scaling', `S_min (1 + ${fit.bCrit.toPrecision(3).replace(/\.?0+$/, '')}/B)`]);
    const perfect = spec.layer[0]!.data!.values!;
    const sMinLine = spec.layer[2]!.data!.values!;
    for (const l of sMinLine) assert.ok(Math.abs((l['steps'] as number) - fit.sMin * (1 + fit.bCrit / (l['batchSize'] as number))) < 1e-6);
    for (const l of perfect) assert.ok(Math.abs((l['steps'] as number) * (l['batchSize'] as number) - 900 * 4) < 1e-6, 'S x B constant: doubling the batch halves the updates');
    assert.match(await renderSvg(spec as never), /^<svg/);
  });

  it('draws examples against updates with the fitted trade-off and B_crit at (2 S_min, 2 E_min)', async () => {
    const c = scaled(); const fit = scalingFit(c);
    const spec = tradeoffSpec(c)! as { layer: Layer[] };
    const mark = spec.layer.flatMap((l) => l.data?.values ?? []).find((v) => String(v['label'] ?? '').startsWith('B_crit'))!;
    assert.ok(Math.abs((mark['steps'] as number) - 2 * fit.sMin) < 1e-9 && Math.abs((mark['examples'] as number) - 2 * fit.eMin) < 1e-9);
    assert.match(await renderSvg(spec as never), /^<svg/);
  });

  it('are in the report\'s per-batch-size section, and absent when nothing reached the target', () => {
    const ids = scalingCharts(scaled()).map((x) => x.id);
    assert.deepEqual(ids, ['updates-to-target', 'examples-vs-updates']);
    assert.ok(!compareSummaryCharts(scaled()).some((x) => x.id === 'examples-vs-updates'), 'not among the batch-coloured summary charts');
    assert.ok(studyCharts(studyFixture()).some((x) => x.id === 'updates-to-target' && x.section === 'by-batch-size'));
    assert.deepEqual(scalingCharts({ ...scaled(), targetLoss: 0.01 }), []);
    assert.deepEqual(scalingCharts({ ...scaled(), targetLoss: NaN }), []);
  });
});
