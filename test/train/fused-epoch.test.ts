// The fused batch-1 SGD epoch (FusedEpoch, the WASM sgdEpoch kernel): the same bits as the general steps, resume, divergence, and that it is taken.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DivergenceError } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import type { Backend } from '../../src/kernels/backend.js';
import { createBackend } from '../../src/kernels/select.js';
import type { Model } from '../../src/nn/model.js';
import { linearRegression, logisticRegression, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { cosineDecay, stepDecay } from '../../src/optim/schedule.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit, type FitOptions, type History } from '../../src/train/fit.js';
import { fusedEpochs } from '../../src/train/fused-epoch.js';
import { binaryProblem, multiclassProblem, regressionProblem } from '../helpers/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-fused-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const clock = (): number => 0; // pins trainSeconds so whole histories compare exactly

interface Outcome { params: Float32Array; grad: Float32Array; opt: ReturnType<Optimizer['getState']>; h: History | undefined; error: unknown; calls: number }

/** fit on the fused path (fast true) or the general steps, with everything the two must agree on. */
async function run(model: () => Model, data: Dataset, opt: () => Optimizer, o: FitOptions, fast: boolean): Promise<Outcome> {
  const m = model(); const optimizer = opt(); const before = fusedEpochs.calls;
  fusedEpochs.enabled = fast;
  let h: History | undefined; let error: unknown;
  try { h = await fit(m, data, { clock, ...o, optimizer }); } catch (e) { error = e; } finally { fusedEpochs.enabled = true; }
  return { params: m.params.slice(), grad: m.gradientBuffer().slice(), opt: optimizer.getState(), h, error, calls: fusedEpochs.calls - before };
}

function assertSame(a: Outcome, b: Outcome): void {
  assert.deepEqual(a.params, b.params);
  assert.deepEqual(a.grad, b.grad);
  assert.deepEqual(a.opt, b.opt);
  assert.deepEqual(a.h, b.h);
}

const auto = createBackend('auto');
const plain = createBackend('wasm', { relaxed: false });
const binary = binaryProblem(101, 30, 3);
const narrow = binaryProblem(77, 2, 4);
const single = binaryProblem(57, 1, 5);
const regression = regressionProblem(93, 5, 1, 6);
const classes = multiclassProblem(101, 12, 4, 3);
/** Rows of 37 inputs, 10 classes, with the inputs of (row + column) % 3 = 0 set to 0 and every 7th zero negative: zero inputs the softmax kernel skips. */
const sparse = ((): Dataset => {
  const d = multiclassProblem(120, 37, 10, 8);
  for (let i = 0; i < d.length; i++) for (let j = 0; j < 37; j++) if ((i + j) % 3 === 0) d.x[i * 37 + j] = (i + j) % 7 === 0 ? -0 : 0;
  return d;
})();

const models: Array<[string, (b: Backend) => Model, Dataset]> = [
  ['logistic 30-1', (backend) => logisticRegression({ inputs: 30, seed: 2, backend }), binary],
  ['logistic 2-1 (JS kernels under auto)', (backend) => logisticRegression({ inputs: 2, seed: 3, backend }), narrow],
  ['logistic 1-1 (JS under auto; the scalar gradient on WASM)', (backend) => logisticRegression({ inputs: 1, seed: 7, backend }), single],
  ['linear 5-1', (backend) => linearRegression({ inputs: 5, seed: 4, backend }), regression],
  ['softmax 12-4', (backend) => softmaxRegression({ inputs: 12, classes: 4, seed: 4, backend }), classes],
  ['softmax 37-10 on sparse rows (zero inputs skipped)', (backend) => softmaxRegression({ inputs: 37, classes: 10, seed: 6, backend }), sparse],
];
/** Each optimizer at a learning rate scaled by s (smaller for linear regression, which diverges sooner). */
const optimizers: Array<[string, (s: number) => Optimizer]> = [
  ['plain', (s) => sgd({ learningRate: 0.05 * s })],
  ['momentum 0.9', (s) => sgd({ learningRate: 0.02 * s, momentum: 0.9 })],
  ['nesterov + weight decay', (s) => sgd({ learningRate: 0.02 * s, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['dampening + cosine schedule', (s) => sgd({ learningRate: cosineDecay({ initial: 0.05 * s, decaySteps: 150 }), momentum: 0.5, dampening: 0.3 })],
  ['weight decay + step schedule', (s) => sgd({ learningRate: stepDecay({ initial: 0.05 * s, stepSize: 40, gamma: 0.5 }), weightDecay: 0.01 })],
];

describe('the fused batch-1 SGD epoch gives the bits of the general steps', () => {
  for (const [backendName, backend] of [['auto', auto], ['wasm without relaxed SIMD', plain]] as const) {
    for (const [modelName, model, data] of models) {
      for (const [optName, opt] of optimizers) {
        it(`${modelName}, ${optName} (${backendName}): params, gradient, optimizer state and history`, async () => {
          for (const reduction of ['mean', 'sum'] as const) {
            for (const shuffle of [true, false]) {
              const o: FitOptions = { batchSize: 1, epochs: 3, seed: 11, reduction, shuffle, validationSplit: 0.2, metrics: ['auc'] };
              const linear = modelName.startsWith('linear');
              if (linear) delete o.metrics;
              if (modelName.startsWith('softmax')) o.metrics = ['accuracy'];
              const fast = await run(() => model(backend), data, () => opt(linear ? 0.2 : 1), o, true);
              const general = await run(() => model(backend), data, () => opt(linear ? 0.2 : 1), o, false);
              assert.equal(fast.error, undefined);
              assert.equal(fast.calls, 3, 'one kernel call per epoch (the first update of each run is a general step)');
              assert.equal(general.calls, 0);
              assertSame(fast, general);
            }
          }
        });
      }
    }
  }

  it('the JS-kernel layer case is really on the JS kernels under auto (so both kernel variants are covered)', () => {
    const m = logisticRegression({ inputs: 2, seed: 3, backend: auto }) as unknown as { engine: { layerOnWasm(l: number): boolean } };
    const w = logisticRegression({ inputs: 30, seed: 3, backend: auto }) as unknown as { engine: { layerOnWasm(l: number): boolean } };
    assert.equal(m.engine.layerOnWasm(0), false);
    assert.equal(w.engine.layerOnWasm(0), true);
  });

  it('validation data given, early stopping, reduceLROnPlateau and several fits on one model keep the bits', async () => {
    const val = binaryProblem(132, 30, 3).subset(Array.from({ length: 31 }, (_, i) => 101 + i)); // 31 more rows of the same rule
    const o: FitOptions = { batchSize: 1, epochs: 5, seed: 2, validationData: val, earlyStopping: { patience: 3, minDelta: 1e6 },
      reduceLROnPlateau: { patience: 0, factor: 0.5, minDelta: 1e6 } };
    const twice = async (fast: boolean): Promise<Outcome> => {
      const m = logisticRegression({ inputs: 30, seed: 9 }); const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
      fusedEpochs.enabled = fast;
      try {
        await fit(m, binary, { ...o, clock, optimizer: opt });
        const h = await fit(m, binary, { ...o, clock, optimizer: opt, seed: 3 });
        return { params: m.params.slice(), grad: m.gradientBuffer().slice(), opt: opt.getState(), h, error: undefined, calls: 0 };
      } finally { fusedEpochs.enabled = true; }
    };
    const fast = await twice(true);
    assertSame(fast, await twice(false));
    assert.ok((fast.h?.lrReductions?.length ?? 0) > 0, 'the rate was lowered between epochs');
  });
});

describe('resume and divergence on the fused path', () => {
  const model = (): Model => logisticRegression({ inputs: 30, seed: 5 });
  const opt = (): Optimizer => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true });
  const base: FitOptions = { batchSize: 1, seed: 4, validationSplit: 0.1 };

  it('a checkpoint saved mid-epoch (and at an epoch end) resumes to the bits of one fused run', async () => {
    const straight = await run(model, binary, opt, { ...base, epochs: 4 }, true);
    const mid = join(dir, 'mid.json');
    const ac = new AbortController();
    // Saved by an abort from onBatchEnd (which sends that run through the general steps) in epoch 2.
    await run(model, binary, opt, { ...base, epochs: 4, signal: ac.signal, checkpoint: { path: mid },
      callbacks: { onBatchEnd: (b) => { if (b.epoch === 2 && b.batch === 37) ac.abort(); } } }, true);
    const resumed = await run(model, binary, opt, { ...base, epochs: 4, resumeFrom: mid }, true);
    assert.equal(resumed.calls, 3, 'the rest of epoch 2, then epochs 3 and 4');
    assertSame(resumed, straight);
    const end = join(dir, 'end.json');
    await run(model, binary, opt, { ...base, epochs: 2, checkpoint: { path: end } }, true);
    assertSame(await run(model, binary, opt, { ...base, epochs: 4, resumeFrom: end }, true), straight);
  });

  it('a huge learning rate stops with DivergenceError at the same update on both paths', async () => {
    const big = (): Optimizer => sgd({ learningRate: 1e4 });
    const lin = (): Model => linearRegression({ inputs: 5, seed: 1 });
    for (const [m, data] of [[lin, regression], [model, binary]] as const) {
      const fast = await run(m, data, big, { batchSize: 1, epochs: 3, seed: 1 }, true);
      const general = await run(m, data, big, { batchSize: 1, epochs: 3, seed: 1 }, false);
      assert.ok(fast.error instanceof DivergenceError, `fast path: ${String(fast.error)}`);
      assert.ok(general.error instanceof DivergenceError);
      assert.equal(fast.calls, 1);
      assert.equal(fast.error.message, general.error.message);
      assert.equal(fast.error.epoch, general.error.epoch);
      assert.ok(Object.is(fast.error.loss, general.error.loss));
      assert.deepEqual(fast.error.records, general.error.records);
      assert.deepEqual(fast.params, general.params);
      assert.deepEqual(fast.grad, general.grad);
      assert.deepEqual(fast.opt, general.opt);
    }
  });

  it('softmax: a -0 bias, signed zero inputs and weights that overflow to infinity give the same bits and the same divergence', async () => {
    const soft = (bias: number[]) => (): Model => {
      const m = softmaxRegression({ inputs: 37, classes: 10, seed: 6 });
      m.params.set(bias, 370);
      return m;
    };
    const negZero = soft([-0, -0, 0.25, -0, 0, -0.5, -0, 0.1, -0, -0]);
    const plain = (): Optimizer => sgd({ learningRate: 0.1 });
    const fast = await run(negZero, sparse, plain, { batchSize: 1, epochs: 2, seed: 3 }, true);
    assert.equal(fast.error, undefined);
    assert.equal(fast.calls, 2);
    assertSame(fast, await run(negZero, sparse, plain, { batchSize: 1, epochs: 2, seed: 3 }, false));
    // Inputs of 1e30 at a rate of 1e10 drive weights past the float32 range: row 0 (the first update,
    // a general step) makes input 5's weights infinite, and row 1, the kernel's first, has input 5 at 0:
    // 0 x inf is NaN there, so the kernel must not skip that zero (it leaves its zero-skipping forward
    // when a weight is not finite), and the run diverges where the general one does.
    const huge = new Dataset(sparse.x.map((v, i) => (i % 37 === 5 && v !== 0 ? 1e30 : v)), sparse.y, sparse.length);
    const wild = (): Optimizer => sgd({ learningRate: 1e10 });
    const o: FitOptions = { batchSize: 1, epochs: 2, seed: 3, shuffle: false, divergenceFactor: 1e300 };
    const a = await run(negZero, huge, wild, o, true); const b = await run(negZero, huge, wild, o, false);
    assert.ok(a.error instanceof DivergenceError, `fused path: ${String(a.error)}`);
    assert.equal(a.calls, 1);
    assert.ok(a.params.subarray(50, 60).some((v) => !Number.isFinite(v)), 'an input-5 weight is infinite');
    assert.equal(String(a.error), String(b.error));
    assertSame(a, b);
  });

  it('a divergence limit within reach of the row losses (checked exactly, not certified ahead) keeps the bits, diverging or not', async () => {
    // With divergenceFactor near 1 the limit is about 1-3 and many rows' bound base + 0.7 passes it
    // while their loss does not: the kernel then checks before the update, as the general step does.
    const rate = (): Optimizer => sgd({ learningRate: 0.05 });
    let diverged = 0;
    for (const divergenceFactor of [1.5, 1.8, 2, 2.2, 2.5, 3]) {
      const o: FitOptions = { batchSize: 1, epochs: 3, seed: 2, divergenceFactor };
      const fast = await run(model, binary, rate, o, true);
      const general = await run(model, binary, rate, o, false);
      assert.equal(fast.calls > 0, true);
      assert.equal(String(fast.error), String(general.error), `factor ${divergenceFactor}`);
      if (fast.error) diverged++;
      assertSame(fast, general);
    }
    assert.ok(diverged > 0 && diverged < 6, `${diverged} of 6 limits diverged: the cases should cover both outcomes`);
  });
});

describe('when the fused path is taken', () => {
  const model = (): Model => logisticRegression({ inputs: 30, seed: 5 });
  const taken = async (o: FitOptions, opt: () => Optimizer = () => sgd({ learningRate: 0.05 }), m = model): Promise<number> =>
    (await run(m, binary, opt, { batchSize: 1, epochs: 2, seed: 1, ...o }, true)).calls;

  it('is taken by plain fit at batch size 1 through the model capability', async () => {
    const m = model(); let spied = 0;
    const own = m.sgdEpoch.bind(m);
    m.sgdEpoch = (job) => { spied++; return own(job); };
    await fit(m, binary, { batchSize: 1, epochs: 2, seed: 1, optimizer: sgd({ learningRate: 0.05 }) });
    assert.equal(spied, 2);
    assert.equal(await taken({}), 2);
  });

  it('is not taken with another batch size, onBatchEnd, clipping, row weights, an adaptive batch size or adam', async () => {
    assert.equal(await taken({ batchSize: 2 }), 0);
    assert.equal(await taken({ callbacks: { onBatchEnd: () => {} } }), 0);
    assert.equal(await taken({ clipNorm: 1 }), 0);
    assert.equal(await taken({ sampleWeight: new Float32Array(binary.length).fill(1) }), 0);
    assert.equal(await taken({ batchSizeSchedule: { type: 'step', every: 1, factor: 1 } }), 0);
    assert.equal(await taken({}, () => adam({ learningRate: 0.01 })), 0);
    assert.equal(await taken({}, undefined, () => logisticRegression({ inputs: 30, seed: 5, backend: createBackend('js') })), 0);
  });
});
