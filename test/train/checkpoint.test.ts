// Checkpoints: exact resume (epoch boundary and mid-epoch), optimizer state, validation on load.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinibatchError } from '../../src/core/errors.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import { sgd } from '../../src/optim/sgd.js';
import { cosineDecay } from '../../src/optim/schedule.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { fit, type FitOptions, type History } from '../../src/train/fit.js';
import { loadCheckpoint, parseCheckpoint } from '../../src/train/checkpoint.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-ckpt-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const clock = (): number => 0; // pins trainSeconds so whole histories compare exactly
const data = binaryProblem(103, 4, 3);
const net = () => mlp({ layers: [4, 6, 1], activation: 'tanh', output: 'sigmoid', seed: 5 });
const base = (optimizer: Optimizer): FitOptions => ({ batchSize: 8, validationSplit: 0.2, seed: 9, clock, optimizer });

async function straight(epochs: number, opt: () => Optimizer, extra: FitOptions = {}): Promise<{ params: Float32Array; h: History }> {
  const model = net();
  const h = await fit(model, data, { ...base(opt()), epochs, ...extra });
  return { params: model.params, h };
}

describe('fit checkpoints resume bit-identically', () => {
  const optimizers: Array<[string, () => Optimizer]> = [
    ['sgd with nesterov momentum', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ['adam with a cosine schedule', () => adam({ learningRate: cosineDecay({ initial: 0.01, decaySteps: 80 }) })],
    ['centered rmsprop with momentum', () => rmsprop({ learningRate: 0.003, centered: true, momentum: 0.5 })],
  ];
  for (const [name, opt] of optimizers) {
    it(`10 epochs straight equal 5 + resume 5 (${name})`, async () => {
      const ref = await straight(10, opt);
      const path = join(dir, `${name.replace(/\W/g, '-')}.json`);
      await fit(net(), data, { ...base(opt()), epochs: 5, checkpoint: { path } });
      const model = net();
      const h = await fit(model, data, { ...base(opt()), epochs: 10, resumeFrom: path });
      assert.deepEqual(Array.from(model.params), Array.from(ref.params));
      assert.deepEqual(h.records, ref.h.records);
    });
  }

  it('a stop in the middle of an epoch resumes with the same order, batch and epoch sums', async () => {
    const opt = () => adam({ learningRate: 0.01 });
    const ref = await straight(6, opt);
    const path = join(dir, 'mid.json');
    const ac = new AbortController();
    const stopped = await fit(net(), data, {
      ...base(opt()), epochs: 6, signal: ac.signal, checkpoint: { path, everyEpochs: 2 },
      callbacks: { onBatchEnd: (b) => { if (b.epoch === 3 && b.batch === 4) ac.abort(); } },
    });
    assert.equal(stopped.stopped, 'aborted');
    const cp = await loadCheckpoint(path);
    assert.equal(cp.loop.epoch, 3); assert.equal(cp.loop.batch, 5); assert.equal(cp.loop.inEpoch, true);
    assert.equal(cp.records.length, 2, 'the partial epoch is not a record in the checkpoint');
    const model = net();
    const h = await fit(model, data, { ...base(opt()), epochs: 6, resumeFrom: cp });
    assert.deepEqual(h.records, ref.h.records, 'epoch 3 record included');
    assert.deepEqual(Array.from(model.params), Array.from(ref.params));
  });

  it('an abort right after an epoch started (order drawn, no batch run) resumes exactly', async () => {
    const opt = () => sgd({ learningRate: 0.2, momentum: 0.9 });
    const ref = await straight(4, opt);
    const path = join(dir, 'start.json');
    const ac = new AbortController();
    await fit(net(), data, { ...base(opt()), epochs: 4, signal: ac.signal, checkpoint: { path }, callbacks: { onEpochEnd: (r) => { if (r.epoch === 2) ac.abort(); } } });
    const cp = await loadCheckpoint(path);
    assert.equal(cp.loop.epoch, 3); assert.equal(cp.loop.batch, 0); assert.equal(cp.loop.inEpoch, true);
    const model = net();
    const h = await fit(model, data, { ...base(opt()), epochs: 4, resumeFrom: path });
    assert.deepEqual(h.records, ref.h.records);
    assert.deepEqual(Array.from(model.params), Array.from(ref.params));
  });

  it('keeps early stopping state across a resume', async () => {
    const opt = () => sgd({ learningRate: 3 });
    const es = { earlyStopping: { patience: 2, restoreBestWeights: true } };
    const ref = await straight(40, opt, es);
    const path = join(dir, 'early.json');
    await fit(net(), data, { ...base(opt()), epochs: 3, checkpoint: { path }, ...es });
    const model = net();
    const h = await fit(model, data, { ...base(opt()), epochs: 40, resumeFrom: path, ...es });
    assert.deepEqual(h.records, ref.h.records);
    assert.equal(h.stopped, ref.h.stopped); assert.equal(h.bestEpoch, ref.h.bestEpoch);
    assert.deepEqual(Array.from(model.params), Array.from(ref.params));
  });

  it('keeps ReduceLROnPlateau state (rate multiplier, wait and best counters) across a resume, mid-epoch too', async () => {
    const opt = () => sgd({ learningRate: 0.3, momentum: 0.5 });
    // patience 2 with a huge minDelta: after epoch 1 sets the best, a reduction every second epoch, so a
    // stop inside epoch 5 falls after one reduction with one epoch of waiting counted; resuming without
    // that state would give other rates.
    const rl = { reduceLROnPlateau: { monitor: 'valLoss' as const, factor: 0.5, patience: 2, minDelta: 1e9 } };
    const ref = await straight(9, opt, rl);
    assert.deepEqual(ref.h.lrReductions!.map((r) => r.epoch), [3, 5, 7, 9]);
    const path = join(dir, 'plateau.json');
    const ac = new AbortController();
    await fit(net(), data, {
      ...base(opt()), epochs: 9, signal: ac.signal, checkpoint: { path }, ...rl,
      callbacks: { onBatchEnd: (b) => { if (b.epoch === 5 && b.batch === 3) ac.abort(); } },
    });
    const cp = await loadCheckpoint(path);
    assert.equal(cp.reduceLr!.rateScale, 0.5); assert.equal(cp.reduceLr!.wait, 1);
    assert.deepEqual(cp.reduceLr!.reductions.map((r) => r.epoch), [3]);
    const model = net();
    const h = await fit(model, data, { ...base(opt()), epochs: 9, resumeFrom: path, ...rl });
    assert.deepEqual(h.records, ref.h.records);
    assert.deepEqual(h.lrReductions, ref.h.lrReductions);
    assert.deepEqual(Array.from(model.params), Array.from(ref.params));
    await assert.rejects(fit(net(), data, { ...base(opt()), epochs: 9, resumeFrom: path }), /saved with reduceLROnPlateau.*this run has none/);
  });

  it('saves every N epochs and at the end, replacing the file atomically (no temp files left)', async () => {
    const path = join(dir, 'every.json');
    const seen: number[] = [];
    await fit(net(), data, {
      ...base(sgd({ learningRate: 0.1 })), epochs: 5, checkpoint: { path, everyEpochs: 2 },
      callbacks: { onEpochEnd: async (r) => { if (r.epoch > 1) { try { seen.push((await loadCheckpoint(path)).records.length); } catch { seen.push(-1); } } } },
    });
    assert.deepEqual(seen, [-1, 2, 2, 4], 'on disk after epochs 2..5: none yet, then the epoch-2 and epoch-4 saves');
    assert.equal((await loadCheckpoint(path)).records.length, 5, 'the final save');
    assert.deepEqual(readFileSync(path, 'utf8').slice(0, 40).includes('minibatch-checkpoint'), true);
  });
});

describe('checkpoint validation', () => {
  const saved = join(dir, 'valid.json');
  const save = () => fit(net(), data, { ...base(sgd({ learningRate: 0.1 })), epochs: 1, checkpoint: { path: saved } });
  const rejects = async (p: Promise<unknown>, code: string, re: RegExp): Promise<void> => {
    await assert.rejects(p, (e: unknown) => e instanceof MinibatchError && e.code === code && re.test(e.message));
  };

  it('refuses another model shape, other data, other settings and another optimizer', async () => {
    await save();
    const other = mlp({ layers: [4, 7, 1], activation: 'tanh', output: 'sigmoid', seed: 5 });
    await rejects(fit(other, data, { ...base(sgd({ learningRate: 0.1 })), epochs: 2, resumeFrom: saved }), 'BAD_SHAPE', /layers 4-6-1.*layers 4-7-1/);
    await rejects(fit(net(), binaryProblem(90, 4, 3), { ...base(sgd({ learningRate: 0.1 })), epochs: 2, resumeFrom: saved }), 'BAD_SHAPE', /trainExamples is 83, this run's is 72/);
    const x = data.x.slice(); x[0] = x[0]! + 1;
    await rejects(fit(net(), data.withX(x), { ...base(sgd({ learningRate: 0.1 })), epochs: 2, resumeFrom: saved }), 'BAD_SHAPE', /dataHash/);
    await rejects(fit(net(), data, { ...base(sgd({ learningRate: 0.1 })), batchSize: 16, epochs: 2, resumeFrom: saved }), 'BAD_ARGUMENT', /batchSize 8, this run has batchSize 16/);
    await rejects(fit(net(), data, { ...base(adam()), epochs: 2, resumeFrom: saved }), 'BAD_ARGUMENT', /optimizer/);
    const soft = softmaxRegression({ inputs: 4, classes: 3 });
    await rejects(fit(soft, multiclassProblem(50, 4, 3, 1), { epochs: 1, resumeFrom: saved }), 'BAD_SHAPE', /softmax/);
  });

  it('refuses missing, truncated, foreign, future and tampered files with clear errors', async () => {
    await save();
    const text = readFileSync(saved, 'utf8');
    const write = (name: string, s: string): string => { const p = join(dir, name); writeFileSync(p, s); return p; };
    await rejects(loadCheckpoint(join(dir, 'nope.json')), 'NOT_FOUND', /no such file/);
    await rejects(loadCheckpoint(write('trunc.json', text.slice(0, text.length / 2))), 'BAD_MODEL_FILE', /not valid JSON/);
    await rejects(loadCheckpoint(write('foreign.json', '{"a":1}')), 'BAD_MODEL_FILE', /not a minibatch checkpoint/);
    const json = JSON.parse(text) as Record<string, unknown>;
    assert.throws(() => parseCheckpoint({ ...json, version: 2 }, 'x'), /version 2; this minibatch reads version 1/);
    assert.throws(() => parseCheckpoint({ ...json, loop: { ...(json.loop as object), batch: -1 } }, 'x'), /damaged: loop.batch/);
    const badOrder = { ...json, sampler: { ...(json.sampler as object), order: Buffer.from(new Uint32Array(83).fill(1).buffer).toString('base64') } };
    await rejects(fit(net(), data, { ...base(sgd({ learningRate: 0.1 })), epochs: 2, resumeFrom: badOrder as never }), 'BAD_SHAPE', /not a permutation/);
  });
});
