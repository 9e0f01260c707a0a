// Golden bits: hashes of the final weights of seeded runs on every training path, recorded before the one-loop refactor.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../src/kernels/select.js';
import { Model } from '../../src/nn/model.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { streamCsv } from '../../src/platform/node/stream-csv.js';
import { runJob } from '../../src/experiments/run/trial.js';
import { lrRangeTest } from '../../src/experiments/probes/lr-range.js';
import { binaryProblem, multiclassProblem } from '../helpers/problems.js';

/**
 * The sha256 (first 16 hex digits) of the bytes of a Float32Array or of a Float64Array built from
 * numbers. A refactor must keep every value below; change one only with a written reason (in the
 * commit message and beside the value).
 */
function hash(a: Float32Array | number[]): string {
  const bytes = a instanceof Float32Array ? a : Float64Array.from(a);
  return createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex').slice(0, 16);
}

const GOLDEN = {
  fitJs: 'fe519bdea452566b',
  fitWasm: 'd7ea29ee94f0aed5',
  fitAuto: 'd7ea29ee94f0aed5',
  fitSoftmaxAuto: '69e700fa7db547de',
  trial: '0969287849c74b55',
  trialPoints: '30d0c1f6b253371a',
  lrRange: '5caa450383644697',
  stream: '9d60a7c941cfc76d',
};

const record = process.env['MINIBATCH_GOLDEN_PRINT'] === '1';
function check(name: keyof typeof GOLDEN, got: string): void {
  if (record) { console.log(`GOLDEN ${name}: '${got}',`); return; }
  assert.equal(got, GOLDEN[name], `${name}: the final weights changed bits`);
}

describe('golden bits of seeded runs', () => {
  const binary = binaryProblem(300, 8, 7);
  const multi = multiclassProblem(400, 10, 4, 3);

  for (const [kind, name] of [['js', 'fitJs'], ['wasm', 'fitWasm'], ['auto', 'fitAuto']] as const) {
    it(`fit of an 8-12-8-1 MLP with Adam on the ${kind} backend`, async () => {
      const base = mlp({ layers: [8, 12, 8, 1], output: 'sigmoid', seed: 11 });
      const model = new Model(base.spec, createBackend(kind));
      await fit(model, binary, { batchSize: 16, epochs: 4, optimizer: adam({ learningRate: 0.01 }), validationSplit: 0.2, seed: 5 });
      check(name, hash(model.params));
    });
  }

  it('fit of a 10-64-4 softmax MLP with Nesterov momentum on the auto backend (WASM layers, softmax kernel)', async () => {
    const base = mlp({ layers: [10, 64, 4], output: 'softmax', seed: 2 });
    const model = new Model(base.spec, createBackend('auto'));
    await fit(model, multi, { batchSize: 128, epochs: 5, optimizer: sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), seed: 9 });
    check('fitSoftmaxAuto', hash(model.params));
  });

  it('a compare trial (runJob) with an evaluation every 100 examples', () => {
    const spec = softmaxRegression({ inputs: 10, classes: 4, seed: 4 }).spec;
    const train = multi.subset(Array.from({ length: 300 }, (_, i) => i));
    const val = multi.subset(Array.from({ length: 100 }, (_, i) => 300 + i));
    const rec = runJob({
      model: spec, varyInit: true,
      optimizer: { type: 'sgd', learningRate: { type: 'constant', value: 0.3 }, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
      settings: { requested: 8, learningRate: 0.3, seed: 2, budget: { epochs: 3 }, evalEvery: 100, divergenceFactor: 1000, keepParams: true },
    }, train, val);
    check('trial', hash(rec.finalParams!));
    check('trialPoints', hash(rec.points.flatMap((p) => [p.updates, p.examplesSeen, p.trainLoss, p.valLoss, p.valMetric])));
  });

  it('a learning-rate range test', async () => {
    const spec = mlp({ layers: [8, 6, 1], output: 'sigmoid', seed: 1 }).spec;
    const r = await lrRangeTest(spec, binary, { steps: 60, seeds: 2, batchSize: 16 });
    check('lrRange', hash(r.curves.flatMap((c) => [...(c.rawLosses ?? []), ...c.losses, c.suggested])));
  });

  it('a streamed fit over a CSV file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-golden-'));
    const p = join(dir, 's.csv');
    const rows = ['a,b,c,d,y'];
    for (let i = 0; i < 500; i++) {
      const x = [Math.sin(i), Math.cos(i * 0.7), ((i * 37) % 101) / 50 - 1, ((i * 13) % 17) / 8 - 1];
      rows.push(`${x.map((v) => v.toFixed(4)).join(',')},${x[0]! + 0.5 * x[2]! > 0 ? 1 : 0}`);
    }
    writeFileSync(p, rows.join('\n') + '\n');
    const source = await streamCsv(p, { blockBytes: 2048 });
    const model = mlp({ layers: [4, 5, 1], output: 'sigmoid', seed: 3 });
    await fitStream(model, source, { batchSize: 10, epochs: 3, bufferRows: 120, seed: 6, optimizer: sgd({ learningRate: 0.2, momentum: 0.5 }) });
    check('stream', hash(model.params));
  });
});
