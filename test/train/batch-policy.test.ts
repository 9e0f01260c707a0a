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
import { defaultMaxBatch, gainRatio, roundPow2 } from '../../src/train/batch-policy.js';
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
    for (const b of sizes.slice(1)) if (b < 200) assert.equal(roundPow2(b), b, 'sizes below the bound are powers of two');
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
      assert.ok(cp.policy && cp.policy.meter, 'the policy and its noise meter are saved');
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
