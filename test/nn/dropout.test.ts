// Dropout: validation, evaluation as the identity, the masks' rate and scale, seeded bits, finite differences with fixed masks, model files.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import type { Batch } from '../../src/data/batch.js';
import { createBackend } from '../../src/kernels/select.js';
import { nativeKernels } from '../../src/kernels/native/native-status.js';
import type { DenseRunner } from '../../src/kernels/wasm/dense-runner.js';
import type { DropoutMasks } from '../../src/kernels/backend.js';
import { noiseScale } from '../../src/experiments/probes/noise-scale.js';
import { modelFromJson, modelToJson } from '../../src/nn/model-json.js';
import type { Activation, Model } from '../../src/nn/model.js';
import { mlp } from '../../src/nn/models.js';
import { dropoutRng } from '../../src/nn/dropout.js';
import { STAT_SIZE } from '../../src/nn/losses.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { onlineLearner } from '../../src/train/online.js';
import { checkPayload, makePayload } from '../../src/platform/node/queue/protocol.js';
import type { TrialJob } from '../../src/experiments/run/trial.js';
import { assertAllClose, assertClose } from '../helpers/assert-close.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

const js = createBackend('js');
const bad = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof MinibatchError && re.test(e.message));

describe('mlp dropout option', () => {
  it('a number sets every hidden layer, an array one rate each; 0 everywhere means no dropout', () => {
    assert.deepEqual(mlp({ layers: [8, 12, 8, 1], dropout: 0.2 }).spec.dropout, [0.2, 0.2]);
    assert.deepEqual(mlp({ layers: [8, 12, 8, 1], dropout: [0.5, 0] }).spec.dropout, [0.5, 0]);
    const none = mlp({ layers: [8, 12, 8, 1], dropout: 0 });
    assert.equal('dropout' in none.spec, false); assert.equal(none.dropout, null);
    assert.equal('dropout' in mlp({ layers: [8, 12, 8, 1] }).spec, false);
  });

  it('refuses rates outside [0, 1), a wrong count and a model without hidden layers, naming the value', () => {
    bad(() => mlp({ layers: [8, 12, 1], dropout: 1 }), /dropout must be a rate in \[0, 1\).*got 1/);
    bad(() => mlp({ layers: [8, 12, 1], dropout: -0.1 }), /got -0\.1/);
    bad(() => mlp({ layers: [8, 12, 1], dropout: Number.NaN }), /got NaN/);
    bad(() => mlp({ layers: [8, 12, 8, 1], dropout: [0.2] }), /one rate per hidden layer \(2 for layers 8-12-8-1\), got 1/);
    bad(() => mlp({ layers: [8, 12, 8, 1], dropout: [0.2, 1.5] }), /dropout\[1\] must be a rate in \[0, 1\), got 1\.5/);
    bad(() => mlp({ layers: [8, 1], dropout: 0.2 }), /dropout needs hidden layers, but layers 8-1 has none/);
    bad(() => mlp({ layers: [8, 12, 1], dropout: '0.2' as unknown as number }), /got "0\.2"/);
  });
});

describe('dropout masks', () => {
  it('zero a fraction ~p of the units and scale the rest by exactly 1/(1-p) (a seeded draw)', () => {
    for (const p of [0.1, 0.3, 0.5]) {
      const model = mlp({ layers: [3, 40, 20, 1], dropout: p, seed: 4, backend: js });
      const masks = model.dropout!.draw(500);
      const scale = Math.fround(1 / (1 - p));
      for (const [l, w] of [[0, 40], [1, 20]] as const) {
        const m = masks[l]!.subarray(0, 500 * w);
        const zeros = m.filter((v) => v === 0).length;
        assert.ok(m.every((v) => v === 0 || v === scale), `layer ${l}: every value is 0 or ${scale}`);
        // Binomial(n, p): 5 standard deviations either way.
        const sd = Math.sqrt(m.length * p * (1 - p));
        assert.ok(Math.abs(zeros - p * m.length) < 5 * sd, `p ${p} layer ${l}: ${zeros} of ${m.length} dropped`);
      }
    }
  });

  it('are the documented draws: unit dropped when dropoutRng(seed).nextUint32() < round(p 2^32), layer by layer, row by row', () => {
    const model = mlp({ layers: [2, 5, 3, 1], dropout: [0.5, 0.25], seed: 9, backend: js });
    model.dropout!.reseed(123);
    const masks = model.dropout!.draw(4);
    const rng = dropoutRng(123); const expected: number[][] = [[], []];
    for (const [l, w, p] of [[0, 5, 0.5], [1, 3, 0.25]] as const) {
      for (let i = 0; i < 4 * w; i++) expected[l]!.push(rng.nextUint32() < Math.round(p * 2 ** 32) ? 0 : Math.fround(1 / (1 - p)));
    }
    assert.deepEqual(Array.from(masks[0]!.subarray(0, 20)), expected[0]);
    assert.deepEqual(Array.from(masks[1]!.subarray(0, 12)), expected[1]);
    assert.deepEqual(model.dropout!.getState().slice(0, 4), rng.getState().slice(0, 4).map((v) => v! >>> 0), 'the state continues as the Rng');
  });

  it('the same seed gives the same masks, another seed others, and a layer at rate 0 has none', () => {
    const a = mlp({ layers: [3, 10, 6, 1], dropout: [0.4, 0], seed: 2, backend: js });
    const b = mlp({ layers: [3, 10, 6, 1], dropout: [0.4, 0], seed: 2, backend: js });
    const ma = Array.from(a.dropout!.draw(7)[0]!.subarray(0, 70)); const mb = Array.from(b.dropout!.draw(7)[0]!.subarray(0, 70));
    assert.deepEqual(ma, mb);
    assert.equal(a.dropout!.draw(7)[1], null);
    b.dropout!.reseed(3);
    assert.notDeepEqual(Array.from(b.dropout!.draw(7)[0]!.subarray(0, 70)), ma);
  });
});

/** A model with dropout and its twin without (same layers and seed, so the same weights). */
function twins(activation: Activation, backend = js): [Model, Model] {
  return [mlp({ layers: [4, 9, 6, 1], activation, dropout: 0.3, seed: 6, backend }), mlp({ layers: [4, 9, 6, 1], activation, seed: 6, backend })];
}

describe('dropout is off at evaluation', () => {
  it('predict, lossOnly and lossAndGrad without masks equal the model without dropout, bit for bit', () => {
    const data = binaryProblem(40, 4, 1); const batch: Batch = { x: data.x, y: data.y, size: 40 };
    for (const backend of [js, createBackend('wasm')]) {
      const [d, plain] = twins('relu', backend);
      assert.deepEqual(Array.from(d.predict(data.x)), Array.from(plain.predict(data.x)));
      const s1 = new Float64Array(STAT_SIZE); const s2 = new Float64Array(STAT_SIZE);
      assert.equal(d.lossOnly(d.params, batch, s1), plain.lossOnly(plain.params, batch, s2));
      const g1 = new Float32Array(d.params.length); const g2 = new Float32Array(d.params.length);
      assert.equal(d.lossAndGrad(d.params, batch, g1), plain.lossAndGrad(plain.params, batch, g2));
      assert.deepEqual(Array.from(g1), Array.from(g2));
      d.dispose(); plain.dispose();
    }
  });

  it('a training step draws masks: its loss is that of the network with those masks applied by hand', () => {
    const data = binaryProblem(30, 4, 2); const batch: Batch = { x: data.x, y: data.y, size: 30 };
    const [d] = twins('tanh');
    const masks = d.dropout!.draw(30);
    const g = new Float32Array(d.params.length);
    const loss = d.lossAndGrad(d.params, batch, g, 1, undefined, masks);
    assertClose(loss, handLoss(d, batch, masks), { rtol: 1e-5 }, 'loss with masks');
    const plain = d.lossAndGrad(d.params, batch, g, 1);
    assert.notEqual(loss, plain, 'the masks change the loss');
    assert.throws(() => d.lossAndGrad(d.params, batch, g, 1, undefined, [new Float32Array(10), null]), /dropout masks for hidden layer 0 hold 10 values, a batch of 30 rows of layers 4-9-6-1 needs 270/);
  });
});

/** The summed binary cross-entropy of a 4-9-6-1 sigmoid-output net with masks, in float64 from getWeights. */
function handLoss(model: Model, batch: Batch, masks: DropoutMasks): number {
  const [W1, b1, W2, b2, W3, b3] = model.getWeights() as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const f = (z: number): number => (model.spec.activation === 'tanh' ? Math.tanh(z) : Math.max(0, z));
  const layer = (a: number[], W: Float32Array, b: Float32Array, n: number): number[] =>
    Array.from({ length: n }, (_, j) => a.reduce((s, v, i) => s + v * W[i * n + j]!, b[j]!));
  let total = 0;
  for (let r = 0; r < batch.size; r++) {
    const x = Array.from(batch.x.subarray(r * 4, r * 4 + 4));
    const h1 = layer(x, W1, b1, 9).map((z, j) => f(z) * masks[0]![r * 9 + j]!);
    const h2 = layer(h1, W2, b2, 6).map((z, j) => f(z) * masks[1]![r * 6 + j]!);
    const z = layer(h2, W3, b3, 1)[0]!; const y = batch.y[r]!;
    total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return total;
}

describe('dropout gradients match central finite differences with fixed masks', () => {
  const acts: Activation[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid', 'linear'];
  for (const act of acts) {
    for (const kind of ['js', 'wasm'] as const) {
      it(`${act} hidden layers, 3-7-5-3 softmax, ${kind} backend`, () => {
        const model = mlp({ layers: [3, 7, 5, 3], activation: act, dropout: [0.3, 0.5], seed: 8, leakySlope: 0.1, backend: createBackend(kind) });
        const data = multiclassProblem(6, 3, 3, 5); const batch: Batch = { x: data.x.slice(), y: data.y.slice(), size: 6 };
        const masks = model.dropout!.draw(6);
        const grad = new Float32Array(model.params.length);
        model.lossAndGrad(model.params, batch, grad, 1, undefined, masks);
        const num = numericGradient(model, batch, masks);
        const scale = Math.max(...Array.from(num, Math.abs));
        assertAllClose(grad, num, { rtol: 3e-3, atol: 2e-4 * scale }, `${act} gradient`);
        model.dispose();
      });
    }
  }
});

/** Central differences (Richardson-extrapolated) of the summed loss with the given masks held fixed. */
function numericGradient(model: Model, batch: Batch, masks: DropoutMasks, h = 1e-2): Float64Array {
  const p = model.params.slice(); const scratch = new Float32Array(p.length); const out = new Float64Array(p.length);
  const diff = (i: number, step: number): number => {
    const orig = p[i]!;
    p[i] = orig + step; const hi = p[i]!; const lp = model.lossAndGrad(p, batch, scratch, 1, undefined, masks);
    p[i] = orig - step; const lo = p[i]!; const lm = model.lossAndGrad(p, batch, scratch, 1, undefined, masks);
    p[i] = orig;
    return (lp - lm) / (hi - lo);
  };
  for (let i = 0; i < p.length; i++) out[i] = (4 * diff(i, h / 2) - diff(i, h)) / 3;
  return out;
}

describe('training with dropout', () => {
  const data = binaryProblem(120, 4, 7);
  const train = async (seed: number, kind: 'js' | 'wasm' | 'auto', act: Activation = 'relu'): Promise<{ model: Model; losses: number[] }> => {
    const model = mlp({ layers: [4, 16, 8, 1], activation: act, dropout: 0.25, seed: 3, backend: createBackend(kind) });
    const h = await fit(model, data, { batchSize: 10, epochs: 5, seed, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), clock: () => 0 });
    return { model, losses: h.records.map((r) => r.trainLoss) };
  };

  it('the same fit seed gives the same bits; another seed other masks and weights', async () => {
    const a = await train(5, 'js'); const b = await train(5, 'js'); const c = await train(6, 'js');
    assert.deepEqual(Array.from(a.model.params), Array.from(b.model.params));
    assert.notDeepEqual(Array.from(a.model.params), Array.from(c.model.params));
  });

  it('dropout changes training: the twin without dropout (same init, seed and batches) ends elsewhere', async () => {
    const a = await train(5, 'js');
    const plain = mlp({ layers: [4, 16, 8, 1], dropout: 0, seed: 3, backend: js });
    await fit(plain, data, { batchSize: 10, epochs: 5, seed: 5, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }) });
    assert.notDeepEqual(Array.from(a.model.params), Array.from(plain.params));
  });

  it('trainOnBatch applies dropout too (as Keras train_on_batch does), from the seeded stream of the model', () => {
    const rows = [[0.5, -1, 2, 0.1], [1, 0, -0.5, 0.3]]; const ys = [1, 0];
    const step = (dropout: number): number[] => {
      const model = mlp({ layers: [4, 16, 8, 1], dropout, seed: 3, backend: js });
      const learner = onlineLearner(model, { optimizer: sgd({ learningRate: 0.1 }) });
      for (let i = 0; i < 5; i++) learner.trainOnBatch(rows, ys);
      return Array.from(model.params);
    };
    assert.deepEqual(step(0.3), step(0.3));
    assert.notDeepEqual(step(0.3), step(0));
  });

  it('the adaptive batch size runs with dropout (its meter sees the masked gradients) and repeats bit for bit', async () => {
    const run = async (): Promise<{ params: number[]; sizes: number[] }> => {
      const model = mlp({ layers: [4, 16, 8, 1], dropout: 0.2, seed: 3, backend: js });
      const h = await fit(model, data, { batchSize: 'adaptive', adaptive: { initial: 4 }, epochs: 6, seed: 2, optimizer: sgd({ learningRate: 0.05 }), clock: () => 0 });
      return { params: Array.from(model.params), sizes: h.records.map((r) => r.batchSize) };
    };
    const a = await run(); const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.params.every(Number.isFinite));
  });

  for (const act of ['relu', 'tanh'] as const) {
    it(`JS, WASM and auto backends apply the same masks and agree within float32 rounding (${act})`, async () => {
      const ref = await train(5, 'js', act);
      for (const kind of ['wasm', 'auto'] as const) {
        const r = await train(5, kind, act);
        assertAllClose(r.losses, ref.losses, { rtol: 2e-4, atol: 1e-6 }, `${kind} learning curve`);
        assertAllClose(Array.from(r.model.params), Array.from(ref.model.params), { rtol: 2e-3, atol: 2e-4 }, `${kind} weights`);
        r.model.dispose();
      }
    });
  }
});

const nk = nativeKernels();
describe('dropout on layers dispatched to the native kernels', { skip: nk ? false : 'native addon not built or switched off' }, () => {
  it('a 37-131-67-5 net with dropout trains alike with and without the native layers', async () => {
    const data = multiclassProblem(96, 37, 5, 4);
    const run = async (native: boolean): Promise<Model> => {
      const model = mlp({ layers: [37, 131, 67, 5], activation: 'tanh', output: 'softmax', dropout: [0.2, 0.4], seed: 3, backend: createBackend('auto', { native }) });
      await fit(model, data, { batchSize: 32, epochs: 3, seed: 2, optimizer: sgd({ learningRate: 0.05 }) });
      return model;
    };
    const nat = await run(true); const wasm = await run(false);
    assert.ok((nat as unknown as { engine: DenseRunner }).engine.layerOnNative(0), 'the first layer runs native');
    assertAllClose(Array.from(nat.params), Array.from(wasm.params), { rtol: 2e-3, atol: 2e-4 }, 'native vs WASM weights');
    nat.dispose(); wasm.dispose();
  });
});

describe('dropout in model files and around the noise scale', () => {
  it('model JSON keeps the rates; a file without them loads without dropout; a wrong count is refused', () => {
    const model = mlp({ layers: [3, 5, 4, 1], dropout: [0.1, 0.4], seed: 2, backend: js });
    const json = JSON.parse(JSON.stringify(modelToJson(model, 'test')));
    const back = modelFromJson(json, 'm.json', js);
    assert.deepEqual(back.spec.dropout, [0.1, 0.4]);
    assert.deepEqual(Array.from(back.params), Array.from(model.params));
    const old = structuredClone(json); delete old.model.dropout;
    assert.equal(modelFromJson(old, 'old.json', js).dropout, null);
    const damaged = structuredClone(json); damaged.model.dropout = [0.1];
    assert.throws(() => modelFromJson(damaged, 'd.json', js), /d\.json is damaged: model\.dropout has 1 rates, layers 3-5-4-1 have 2 hidden layers/);
    const tooHigh = structuredClone(json); tooHigh.model.dropout = [0.1, 1];
    assert.throws(() => modelFromJson(tooHigh, 'h.json', js), /h\.json is damaged: model\.dropout\.1/);
  });

  it('the per-example noise-scale estimator refuses a model with dropout, saying what to do', () => {
    const data = binaryProblem(50, 3, 1);
    const model = mlp({ layers: [3, 6, 1], dropout: 0.2, backend: js });
    for (const method of ['exact', 'two-batch'] as const) {
      assert.throws(() => noiseScale(model, data, { method }), (e: unknown) => e instanceof MinibatchError &&
        /do not model dropout.*dropout \[0\.2\].*measure the noise scale on the model without dropout/.test(e.message));
    }
  });

  it('draws no new mask buffers once the batch size was seen (no allocation per step)', () => {
    const model = mlp({ layers: [3, 6, 1], dropout: 0.2, backend: js });
    const first = model.dropout!.draw(8)[0];
    assert.equal(model.dropout!.draw(8)[0], first); assert.equal(model.dropout!.draw(5)[0], first);
    assert.notEqual(model.dropout!.draw(9)[0], first, 'a bigger batch grows the buffer once');
  });
});

describe('dropout in distributed trial jobs', () => {
  it('a sweep job for a model with dropout passes the Redis payload check (workers train it with its rates)', () => {
    const spec = mlp({ layers: [4, 6, 1], dropout: 0.3, backend: js }).spec;
    const job = { model: spec, optimizer: sgd({ learningRate: 0.1 }).spec, varyInit: false,
      settings: { requested: 8 as const, learningRate: 0.1, seed: 1, budget: { epochs: 1 }, evalEvery: Infinity, divergenceFactor: 1000, keepParams: false } };
    const checked = checkPayload(makePayload(job as unknown as TrialJob, 'a'.repeat(64)));
    assert.notEqual(typeof checked, 'string', String(checked));
    assert.deepEqual((checked as { job: TrialJob }).job.model.dropout, [0.3]);
    const bad = { ...job, model: { ...spec, dropout: [1.5] } };
    assert.match(String(checkPayload(makePayload(bad as unknown as TrialJob, 'a'.repeat(64)))), /bad job payload/);
  });
});
