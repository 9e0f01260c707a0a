// Tests that the verdict depends only on exact counts and the throughput profile, never on a noisy wall clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crossCheck, recommend } from '../../src/experiments/analysis/recommend.js';
import { compare } from '../../src/experiments/compare.js';
import { chooseTarget } from '../../src/experiments/analysis/target.js';
import { pricedTimes } from '../../src/experiments/analysis/time-to-target.js';
import { examplesToTarget, secondsToTarget, summarise, updatesToTarget } from '../../src/experiments/analysis/summary.js';
import { medianTime, rankByTime, TIE_FACTOR } from '../../src/experiments/analysis/rank-time.js';
import { Rng } from '../../src/core/rng.js';
import type { CompareResult, NoisePrediction, Point, RunRecord, ThroughputProfile } from '../../src/experiments/records.js';
import { logisticRegression } from '../../src/nn/models.js';
import { blobs } from './helpers.js';

/** A fake profile: seconds per update by batch size. */
function profile(spu: Record<number, number>): ThroughputProfile {
  const rows = Object.entries(spu).map(([b, s]) => ({ batchSize: Number(b), secondsPerUpdate: s, examplesPerSecond: Number(b) / s, updatesPerRepeat: 1, batchBytes: 0 }));
  return { kind: 'throughput', backend: 'fake', rows, peakExamplesPerSecond: Math.max(...rows.map((r) => r.examplesPerSecond)), knee: rows[0]!.batchSize, kneeFraction: 0.9, fixedBytes: 0, repeats: 1, seconds: 0 };
}

/**
 * Runs whose validation loss falls like exp(-updates / scale): batch size B reaches a loss after
 * about 1000 (1 + 32/B) updates (S_min 1000, B_crit 32). `clock(b, seed, updates)` gives the wall
 * seconds recorded at each point: any noise there must not move the verdict.
 */
function runs(clock: (b: number, seed: number, u: number) => number): RunRecord[] {
  return [8, 32, 128].flatMap((b) => [1, 2, 3].map((seed) => {
    const scale = 300 * (1 + 32 / b) * (1 + 0.01 * seed);
    const points: Point[] = Array.from({ length: 41 }, (_, i) => {
      const u = i * 100;
      const valLoss = 0.3 + 0.5 * Math.exp(-u / scale);
      return { epoch: u * b / 1000, updates: u, examplesSeen: u * b, trainSeconds: clock(b, seed, u), trainLoss: valLoss, valLoss, valMetric: 1 - valLoss };
    });
    return { batchSize: b, requested: b, learningRate: 0.1, seed, points };
  }));
}

function result(all: RunRecord[], spu: ThroughputProfile | undefined): CompareResult {
  const t = chooseTarget(all);
  const summary = [8, 32, 128].map((b) => {
    const mine = all.filter((r) => r.batchSize === b);
    const last = (r: RunRecord): Point => r.points[r.points.length - 1]!;
    return {
      batchSize: b, requested: b, learningRate: 0.1,
      finalValLoss: summarise(mine.map((r) => last(r).valLoss)), finalValMetric: summarise(mine.map((r) => last(r).valMetric)),
      secondsToTarget: summarise(mine.map((r) => secondsToTarget(r.points, t.loss))),
      examplesToTarget: summarise(mine.map((r) => examplesToTarget(r.points, t.loss))),
      updatesToTarget: summarise(mine.map((r) => updatesToTarget(r.points, t.loss))),
      ...pricedTimes(mine, b, t.loss, spu),
    };
  });
  return { kind: 'compare', metric: 'accuracy', batchSizes: [8, 32, 128], seeds: [1, 2, 3], runs: all, summary, targetLoss: t.loss, targetRule: t.kind, target: t };
}

const steady = profile({ 8: 1e-4, 32: 1.5e-4, 128: 5e-4 });

describe('the verdict', () => {
  it('is the same whatever the wall clock read during training', () => {
    const calm = recommend(undefined, result(runs((b, _s, u) => u * 1e-4 * (b / 8)), steady));
    for (let k = 0; k < 5; k++) {
      const rng = new Rng(100 + k);
      // A clock slowed at random by a neighbour: each point's reading multiplied by 1x to 20x.
      const noisy = recommend(undefined, result(runs((b, _s, u) => u * 1e-4 * (1 + 19 * rng.next())), steady));
      assert.equal(noisy.batchSize, calm.batchSize);
      assert.equal(noisy.timeBasis, 'priced');
    }
    assert.equal(calm.batchSize, 32, 'fewest updates x seconds/update: 32 (about 2000 x 1.5e-4) beats 8 (5000 x 1e-4) and 128 (1250 x 5e-4)');
  });

  it('follows the profile: cheaper large batches move it', () => {
    const rec = recommend(undefined, result(runs(() => 0), profile({ 8: 1e-4, 32: 1.5e-4, 128: 1.6e-4 })));
    assert.equal(rec.batchSize, 128);
  });

  it('flags measured wall time more than 2x off the priced time', () => {
    const c = result(runs((_b, _s, u) => u * 1e-2), steady);
    const row = c.summary.find((s) => s.batchSize === 32)!;
    assert.equal(row.timesDisagree, true);
    assert.ok(row.wallOverPriced! > 2);
    assert.match(recommend(undefined, c).evidence.join(' '), /disagree by more than 2x/);
  });

  it('treats times within 1.5x as a tie and breaks it by update counts, not by the clock', () => {
    const c = result(runs(() => 0), profile({ 8: 1e-4, 32: 1.5e-4, 128: 5e-4 }));
    const k = rankByTime(c.summary);
    assert.equal(k.basis, 'priced');
    assert.equal(TIE_FACTOR, 1.5);
    assert.ok(k.tied.every((r) => k.time(r) <= TIE_FACTOR * Math.min(...c.summary.map(k.time).filter(Number.isFinite))));
    const tied = rankByTime(result(runs(() => 0), profile({ 8: 1e-4, 32: 1.5e-4, 128: 3.4e-4 })).summary);
    assert.deepEqual(tied.tied.map((r) => r.batchSize).sort((a, b) => a - b), [32, 128], '128 within 1.5x of 32');
    assert.equal(tied.chosen!.batchSize, 128, 'the tie goes to the fewest updates to the target');
    assert.equal(medianTime([1, NaN, 3]), 3); assert.ok(Number.isNaN(medianTime([1, NaN, NaN])));
  });

  it('ties every batch size whose priced time is under 0.1 s and picks the fewest updates', () => {
    const c = result(runs(() => 0), profile({ 8: 1e-5, 32: 3e-6, 128: 2e-5 }));
    const rec = recommend(undefined, c);
    assert.equal(rec.batchSize, 128, 'fewest updates to the target (S_min (1 + 32/B) falls with B)');
    assert.match(rec.evidence.join(' '), /under 0.1 s of priced training, too little for the timings to rank/);
  });

  it('makes no noise claim with fewer than 3 seeds, and states the target rule', () => {
    const two = runs((_b, _s, u) => u).filter((r) => r.seed <= 2);
    const c = { ...result(two, steady), seeds: [1, 2] };
    const rec = recommend(undefined, c);
    const text = rec.evidence.join(' ');
    assert.match(text, /With 2 seeds per batch size no claim about seed-to-seed noise can be made/);
    assert.doesNotMatch(text, /statistically indistinguishable/);
    assert.equal(rec.seeds, 2);
    assert.match(rec.target!, /within 2 % of the best/);
  });

  it('reports bootstrap intervals over seeds for time to target and final loss', () => {
    const row = result(runs(() => 0), steady).summary[1]!;
    const i = row.intervals!;
    assert.equal(i.pricedSecondsToTarget.resamples, 1000);
    assert.ok(i.pricedSecondsToTarget.lo <= row.pricedSecondsToTarget!.mean && row.pricedSecondsToTarget!.mean <= i.pricedSecondsToTarget.hi);
    assert.ok(i.finalValLoss.lo <= row.finalValLoss.mean && row.finalValLoss.mean <= i.finalValLoss.hi);
  });

  it('sets the noise-scale model beside it as a cross-check, with the agreement', () => {
    const p = { batchSize: 16, sMin: 100 } as NoisePrediction;
    assert.equal(crossCheck({ batchSize: 32 }, p)!.text, 'the noise-scale model predicts 16; the measured grid chose 32; they agree within 2x');
    assert.match(crossCheck({ batchSize: 128 }, p)!.text, /differ by 8x, more than 2x/);
    assert.equal(crossCheck({ batchSize: 32 }, { ...p, sMin: NaN }), undefined);
  });

  it('gives the same counts and verdict for a seed on a real comparison with a fixed profile', async () => {
    const data = blobs(240);
    const spec = logisticRegression({ inputs: 4 }).spec;
    const o = { batchSizes: [4, 16, 64], learningRate: [0.05, 0.2, 0.8], epochs: 3, seeds: 3, workers: 1, throughput: profile({ 4: 1e-5, 16: 2e-5, 64: 6e-5 }) };
    const a = await compare(spec, data, o); const b = await compare(spec, data, o);
    assert.deepEqual(a.summary.map((s) => s.updatesToTarget.values), b.summary.map((s) => s.updatesToTarget.values));
    assert.deepEqual(a.summary.map((s) => s.pricedSecondsToTarget!.values), b.summary.map((s) => s.pricedSecondsToTarget!.values));
    assert.equal(recommend(undefined, a).batchSize, recommend(undefined, b).batchSize);
    assert.equal(a.targetRule, 'near-best-final');
    for (const r of a.runs) assert.ok(r.points[0]!.updates === 0 && !(r.points[0]!.valLoss <= a.targetLoss), 'the untrained model never meets the target');
  });
});
