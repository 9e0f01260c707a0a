// Batch sizes that change between epochs: adaptive policy, step schedule, records, checkpoints, LR rule.
import '../../src/platform/node/install.js'; // the Node platform when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinibatchError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { BatchSampler } from '../../src/data/batch-sampler.js';
import { mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit, type FitOptions, type History } from '../../src/train/fit.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { fitCostModel } from '../../src/train/goodput.js';
import { BatchPolicy, defaultMaxBatch, gainRatio, MIN_PAIRS, nextAdaptiveBatch, pairsPerEpoch, resolvePolicy } from '../../src/train/batch-policy.js';
import { binaryProblem, indexedDataset, SpyModel } from '../helpers/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-policy-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const clock = (): number => 0;
const data = binaryProblem(2000, 6, 4);
const net = () => mlp({ layers: [6, 8, 1], activation: 'tanh', output: 'sigmoid', seed: 3 });
const adaptive = (extra: FitOptions = {}): FitOptions => ({
  batchSize: 'adaptive', adaptive: { initial: 4 }, optimizer: sgd({ learningRate: 0.05 }), validationSplit: 0.2, seed: 2, clock, ...extra,
});

describe('batchSize adaptive', () => {
  it('grows the batch from the measured noise scale, never shrinking, up to the default bound', async () => {
    const h = await fit(net(), data, { ...adaptive(), epochs: 8 });
    const sizes = h.records.map((r) => r.batchSize);
    assert.equal(sizes[0], 4);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! >= sizes[i - 1]!, `sizes ${sizes.join(',')}`);
    assert.ok(sizes[sizes.length - 1]! >= 32, `the batch grew: ${sizes.join(',')}`);
    assert.ok(sizes.every((b) => b <= defaultMaxBatch(1600)), `bounded by min(n/8, 1024) = ${defaultMaxBatch(1600)}`);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] === sizes[i - 1] || sizes[i] === Math.min(2 * sizes[i - 1]!, defaultMaxBatch(1600)), `at most doubled per epoch: ${sizes.join(',')}`);
  });

  it('respects adaptive.max (e.g. the throughput knee)', async () => {
    const h = await fit(net(), data, { ...adaptive({ adaptive: { initial: 4, max: 16 } }), epochs: 6 });
    assert.equal(Math.max(...h.records.map((r) => r.batchSize)), 16);
  });

  it('scales the learning rate by AdaScale\'s gain for SGD and its square root for Adam', async () => {
    const s = await fit(net(), data, { ...adaptive(), epochs: 5 });
    for (const r of s.records) {
      const k = r.learningRate / 0.05;
      assert.ok(k >= 1 - 1e-12 && k <= r.batchSize / 4 + 1e-9, `gain ${k} within [1, B/B0] at B ${r.batchSize}`);
    }
    assert.ok(s.records.some((r) => r.learningRate > 0.05), 'the rate grew with the batch');
    const none = await fit(net(), data, { ...adaptive({ adaptive: { initial: 4, lrRule: 'none' } }), epochs: 4 });
    assert.ok(none.records.every((r) => r.learningRate === 0.05));
    const a = await fit(net(), data, { ...adaptive({ optimizer: adam({ learningRate: 0.01 }) }), epochs: 4 });
    for (const r of a.records) assert.ok(r.learningRate / 0.01 <= Math.sqrt(r.batchSize / 4) + 1e-9);
  });

  it('grows at most x growth per epoch, only when B_simple reaches the grown size, from enough batch pairs', () => {
    const s = { growth: 2, max: 256, initial: 8 };
    assert.equal(nextAdaptiveBatch(1e6, 8, s, 8000), 16, 'a huge noise scale still only doubles the batch');
    assert.equal(nextAdaptiveBatch(Infinity, 64, s, 8000), 128, 'Infinity (|G|^2 <= 0) counts as large');
    assert.equal(nextAdaptiveBatch(1e6, 256, s, 8000), 256, 'never above max');
    assert.equal(nextAdaptiveBatch(1e6, 200, s, 8000), 256, 'clamped to max');
    assert.equal(nextAdaptiveBatch(31, 16, s, 8000), 16, 'B_simple below the grown size: stay');
    assert.equal(nextAdaptiveBatch(32, 16, s, 8000), 32);
    assert.equal(nextAdaptiveBatch(NaN, 16, s, 8000), 16, 'not measured: stay');
    assert.equal(nextAdaptiveBatch(1e6, 16, { ...s, growth: 4 }, 8000), 64, 'growth 4 quadruples');
    assert.equal(pairsPerEpoch(8, 60), 3);
    assert.ok(pairsPerEpoch(8, 60) < MIN_PAIRS);
    assert.equal(nextAdaptiveBatch(1e6, 8, s, 60), 8, 'an epoch of 3 pairs is too few to act on');
    assert.equal(nextAdaptiveBatch(1e6, 8, s, 64), 16, '4 pairs are enough');
    assert.throws(() => resolvePolicy(100, 'adaptive', { growth: 1 }, undefined, sgd({ learningRate: 0.1 })), /adaptive.growth must be a number > 1/);
  });

  it('with a throughput profile, grows only when goodput (examples/s x efficiency) rises (Pollux)', () => {
    const s = { growth: 2, max: 1024, initial: 8 };
    const flat = { alpha: 1e-4, beta: 1e-7 }; // updates cost about the same up to ~1000 rows
    const linear = { alpha: 0, beta: 1e-6 }; // every example costs the same: a bigger batch buys no speed
    assert.equal(nextAdaptiveBatch(1e5, 64, s, 1e5, flat), 128, 'cheap bigger batches, large noise scale: grow');
    assert.equal(nextAdaptiveBatch(1e5, 64, s, 1e5, linear), 64, 'no throughput gain: stay, however noisy');
    assert.equal(nextAdaptiveBatch(40, 64, s, 1e5, flat), 128, 'flat cost: even B_simple < 2B pays (goodput, not the margin rule)');
    assert.equal(nextAdaptiveBatch(1, 64, s, 1e5, { alpha: 1e-6, beta: 1e-6 }), 64, 'small noise scale, costly examples: stay');
    const mild = { alpha: 2e-6, beta: 1e-7 }; // banknote-like: throughput gains fade past ~20 rows
    assert.equal(nextAdaptiveBatch(Infinity, 32, s, 1e5, mild), 64, 'pure noise, uncapped gain: Pollux grows');
    assert.equal(nextAdaptiveBatch(Infinity, 32, s, 1e5, mild, (m) => Math.min(m / 8, 4)), 32, 'the rate factor capped at x4: 64 would make half the progress per example, so stay');
    const policy = resolvePolicy(1000, 'adaptive', { initial: 8, throughput: [{ batchSize: 16, secondsPerUpdate: 2 }, { batchSize: 8, secondsPerUpdate: 1 }] }, undefined, sgd({ learningRate: 0.1 }));
    assert.deepEqual(policy && policy.type === 'adaptive' ? policy.throughput : undefined, [{ batchSize: 8, secondsPerUpdate: 1 }, { batchSize: 16, secondsPerUpdate: 2 }], 'rows checked and sorted');
    assert.throws(() => resolvePolicy(1000, 'adaptive', { throughput: [{ batchSize: 8, secondsPerUpdate: 0 }] }, undefined, sgd({ learningRate: 0.1 })), /adaptive.throughput\[0\].secondsPerUpdate/);
  });

  it('fit with a throughput profile: no growth where every example costs the same, growth where updates cost the same', async () => {
    const rows = (cost: (b: number) => number) => [1, 2, 4, 8, 16, 32, 64, 128, 256].map((b) => ({ batchSize: b, secondsPerUpdate: cost(b) }));
    const linear = await fit(net(), data, { ...adaptive({ adaptive: { initial: 4, throughput: rows((b) => 1e-6 * b) } }), epochs: 5 });
    assert.deepEqual(linear.records.map((r) => r.batchSize), [4, 4, 4, 4, 4], 'a bigger batch buys no speed: stay at B0');
    const flat = await fit(net(), data, { ...adaptive({ adaptive: { initial: 4, throughput: rows(() => 1e-3) } }), epochs: 5 });
    const sizes = flat.records.map((r) => r.batchSize);
    assert.ok(sizes[sizes.length - 1]! > 4, `cheap bigger batches: grow (${sizes.join(',')})`);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] === sizes[i - 1] || sizes[i] === 2 * sizes[i - 1]!, sizes.join(','));
  });

  it('the policy decides by the profile as measured, not by a line fitted to it', () => {
    // 16 timed at twice 8 (no gain there), larger sizes cheaper per row: a fitted alpha + beta M line credits 16 with a gain.
    const timed = [{ batchSize: 8, secondsPerUpdate: 2.2e-6 }, { batchSize: 16, secondsPerUpdate: 4.4e-6 }, { batchSize: 32, secondsPerUpdate: 5e-6 }, { batchSize: 64, secondsPerUpdate: 6e-6 }];
    const noisy = { g2Sum: 0, trSum: 0, pairs: 0, prevLen: 0, prev: new Float32Array(3), ema: { g: 1e-6, t: 1, k: 1 } };
    const sizes = (throughput: { batchSize: number; secondsPerUpdate: number }[]): number[] => {
      const policy = new BatchPolicy(resolvePolicy(4000, 'adaptive', { initial: 8, throughput }, undefined, sgd({ learningRate: 0.1 }))!, 3, 4000);
      const sampler = new BatchSampler(4000, 8, new Rng(1)); const opt = sgd({ learningRate: 0.1 });
      const out: number[] = [];
      for (let e = 1; e <= 3; e++) { policy.beginEpoch(e, sampler, opt); out.push(policy.batchSize); policy.meter!.setState(noisy); policy.endEpoch(1 / e); }
      return out;
    };
    assert.deepEqual(sizes(timed), [8, 8, 8], 'no measured gain at 16: stay at 8');
    const fitted = fitCostModel(timed);
    assert.deepEqual(sizes([8, 16, 32, 64].map((b) => ({ batchSize: b, secondsPerUpdate: fitted.alpha + fitted.beta * b }))), [8, 16, 32], 'the fitted line, given as the profile, grows: the check above can fail');
  });

  it('backs off when the loss rises under a scaled learning rate: caps the scale one growth step down and holds the batch', () => {
    const spec = resolvePolicy(4000, 'adaptive', { initial: 8 }, undefined, sgd({ learningRate: 0.1 }))!;
    const policy = new BatchPolicy(spec, 3, 4000);
    const sampler = new BatchSampler(4000, 8, new Rng(1)); const opt = sgd({ learningRate: 0.1 });
    const huge = { g2Sum: 0, trSum: 0, pairs: 0, prevLen: 0, prev: new Float32Array(3), ema: { g: 1e-6, t: 1, k: 1 } };
    policy.beginEpoch(1, sampler, opt);
    policy.meter!.setState(huge);
    const epoch = (e: number, loss: number): [number, number] => { policy.endEpoch(loss); policy.meter!.setState(huge); policy.beginEpoch(e, sampler, opt); return [policy.batchSize, policy.lrScale]; };
    assert.equal(policy.batchSize, 8);
    const [b2, r2] = epoch(2, 1.0); assert.equal(b2, 16); assert.ok(Math.abs(r2 - 2) < 1e-3);
    const [b3, r3] = epoch(3, 0.5); assert.equal(b3, 32); assert.ok(Math.abs(r3 - 4) < 1e-3);
    const [b4, r4] = epoch(4, 0.6); assert.equal(b4, 32, 'the loss rose: the batch holds'); assert.ok(Math.abs(r4 - 2) < 1e-3, `scale capped at 4 / 2, got ${r4}`);
    assert.equal(opt.lrScale, r4);
    const [b5, r5] = epoch(5, 0.4); assert.equal(b5, 64, 'the loss fell: growth resumes'); assert.ok(Math.abs(r5 - 2) < 1e-3, 'the cap stays');
    const restored = new BatchPolicy(spec, 3, 4000);
    restored.setState(policy.getState(), sampler, sgd({ learningRate: 0.1 }), 'test');
    assert.deepEqual(restored.getState(), policy.getState());
  });

  it('bounds the learning-rate factor by adaptive.maxGain (default 4) and never raises the rate after a loss rise at the tuned rate', () => {
    const huge = { g2Sum: 0, trSum: 0, pairs: 0, prevLen: 0, prev: new Float32Array(3), ema: { g: 1e-6, t: 1, k: 1 } };
    const run = (options: { initial: number; maxGain?: number }, losses: number[], prevLoss: number | null = null): Array<[number, number]> => {
      const spec = resolvePolicy(8000, 'adaptive', options, undefined, sgd({ learningRate: 0.1 }))!;
      const policy = new BatchPolicy(spec, 3, 8000);
      const sampler = new BatchSampler(8000, options.initial, new Rng(1)); const opt = sgd({ learningRate: 0.1 });
      policy.beginEpoch(1, sampler, opt);
      policy.setState({ ...policy.getState(), backoff: { prevLoss, cap: null, hold: false } }, sampler, opt, 'test');
      const out: Array<[number, number]> = [];
      losses.forEach((loss, i) => { policy.meter!.setState(huge); policy.endEpoch(loss); policy.meter!.setState(huge); policy.beginEpoch(i + 2, sampler, opt); out.push([policy.batchSize, policy.lrScale]); });
      return out;
    };
    const falling = run({ initial: 8 }, [1, 0.9, 0.8, 0.7]);
    assert.deepEqual(falling.map(([b]) => b), [16, 32, 64, 128], 'the batch still doubles');
    assert.ok(Math.abs(falling[1]![1] - 4) < 1e-3, `x4 at B = 32, got ${falling[1]![1]}`);
    assert.deepEqual(falling.slice(2).map(([, r]) => r), [4, 4], 'the gain (about 8, 16) is capped at 4');
    assert.deepEqual(run({ initial: 8, maxGain: 1 }, [1, 0.9]).map(([, r]) => r), [1, 1], 'maxGain 1 keeps the tuned rate');
    const rise = run({ initial: 8 }, [1.1, 0.9, 0.8, 0.7], 1); // the first epoch (factor 1) ends above the loss before it
    assert.deepEqual(rise.map(([b]) => b), [16, 32, 64, 128], 'a rise at factor 1 does not hold the batch');
    assert.ok(rise.every(([, r]) => r === 1), `a rise at the tuned rate keeps the factor at 1: ${rise.map(([, r]) => r).join(',')}`);
    assert.throws(() => resolvePolicy(8000, 'adaptive', { maxGain: 0.5 }, undefined, sgd({ learningRate: 0.1 })), /adaptive\.maxGain/);
  });

  it('gainRatio is (b/B0 + 1)/(b/B + 1): 1 at B0, B/B0 for pure noise, 1 for none', () => {
    assert.equal(gainRatio(100, 32, 32), 1);
    assert.equal(gainRatio(Infinity, 64, 8), 8);
    assert.ok(Math.abs(gainRatio(0, 64, 8) - 1) < 1e-15);
    assert.ok(Math.abs(gainRatio(64, 64, 8) - 9 / 2) < 1e-12);
  });

  it('resumes bit-identically mid-epoch and at an epoch boundary (policy state in the checkpoint)', async () => {
    const ref = await fit(net(), data, { ...adaptive(), epochs: 7 });
    assert.ok(new Set(ref.records.map((r) => r.batchSize)).size > 1, 'the batch size changed in the reference run');
    const refModel = net(); await fit(refModel, data, { ...adaptive(), epochs: 7 });
    for (const at of [{ epoch: 4, batch: 3 }, { epoch: 3, batch: -1 }]) {
      const path = join(dir, `ad-${at.epoch}.json`);
      const ac = new AbortController();
      await fit(net(), data, {
        ...adaptive(), epochs: 7, signal: ac.signal, checkpoint: { path },
        callbacks: at.batch < 0 ? { onEpochEnd: (r) => { if (r.epoch === at.epoch) ac.abort(); } } : { onBatchEnd: (b) => { if (b.epoch === at.epoch && b.batch === at.batch) ac.abort(); } },
      });
      const cp = await loadCheckpoint(path);
      assert.ok(cp.policy && cp.policy.meter && cp.policy.backoff, 'the policy, its noise meter and its back-off are saved');
      const model = net();
      const h: History = await fit(model, data, { ...adaptive(), epochs: 7, resumeFrom: path });
      assert.deepEqual(h.records, ref.records);
      assert.deepEqual(Array.from(model.params), Array.from(refModel.params));
    }
  });

  it('refuses to resume a fixed-batch checkpoint as adaptive', async () => {
    const path = join(dir, 'fixed.json');
    await fit(net(), data, { batchSize: 4, epochs: 1, optimizer: sgd({ learningRate: 0.05 }), validationSplit: 0.2, seed: 2, clock, checkpoint: { path } });
    await assert.rejects(fit(net(), data, { ...adaptive(), epochs: 2, resumeFrom: path }), /batch-size policy/);
  });
});

describe('batchSizeSchedule (Smith et al. 2017)', () => {
  it('doubles every `every` epochs up to max, keeps the rate, and visits every row once per epoch', async () => {
    const model = new SpyModel();
    const h = await fit(model, indexedDataset(37), { batchSize: 2, batchSizeSchedule: { type: 'step', every: 2, max: 16 }, epochs: 8, seed: 4, optimizer: sgd({ learningRate: 0.01 }) });
    assert.deepEqual(h.records.map((r) => r.batchSize), [2, 2, 4, 4, 8, 8, 16, 16]);
    assert.ok(h.records.every((r) => r.learningRate === 0.01));
    let k = 0;
    for (const r of h.records) {
      const rows: number[] = [];
      const batches = Math.ceil(37 / r.batchSize);
      for (let b = 0; b < batches; b++) {
        const got = model.batches[k++]!;
        assert.equal(got.length, Math.min(r.batchSize, 37 - b * r.batchSize));
        rows.push(...got);
      }
      assert.deepEqual(rows.sort((x, y) => x - y), Array.from({ length: 37 }, (_, i) => i), `epoch ${r.epoch}`);
    }
    assert.equal(k, model.batches.length);
  });

  it('every record of a fixed batch size carries it', async () => {
    const h = await fit(net(), data, { batchSize: 64, epochs: 2, seed: 1 });
    assert.deepEqual(h.records.map((r) => r.batchSize), [64, 64]);
  });

  it('rejects bad combinations with the option names', async () => {
    await assert.rejects(fit(net(), data, { batchSize: 'adaptive', batchSizeSchedule: { type: 'step', every: 2 } }), /batchSizeSchedule needs a fixed starting batchSize/);
    await assert.rejects(fit(net(), data, { batchSize: 8, adaptive: { max: 64 } }), /needs batchSize: 'adaptive'/);
    await assert.rejects(fit(net(), data, { batchSize: 8, batchSizeSchedule: { type: 'step', every: 0 } }), MinibatchError);
  });
});

describe('BatchSampler.resize', () => {
  it('changes the size only between epochs', () => {
    const s = new BatchSampler(10, 3, new Rng(1));
    s.resize(4); s.next();
    assert.throws(() => s.resize(5), /only between epochs/);
    while (!s.epochDone) s.next();
    s.resize(5);
    assert.equal(s.batchesPerEpoch, 2);
  });
});
