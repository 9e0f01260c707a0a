// `minibatch export` end to end: exported files predict like `minibatch predict`; --init trains imports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/index.js';
import { assertFails, assertOk, dataset, leftoverTmp, readCsvText, runCli, skipUnless, tempDir, REPO } from '../cli/helpers.js';
import { maxDiff, onnxPredict, tfjsPredict } from './helpers.js';

/** A TF.js model read from a folder on disk through an in-memory IOHandler (no fetch, no network). */
async function loadTfjsDir(dir: string): Promise<tf.LayersModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
  const bytes = readFileSync(join(dir, json.weightsManifest[0]!.paths[0]!));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
}

/** Raw feature rows (no header) and the last probability column of `minibatch predict`'s CSV. */
function features(csvPath: string, nf: number, header: boolean): Float32Array {
  const lines = readFileSync(csvPath, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(header ? 1 : 0);
  return Float32Array.from(lines.flatMap((l) => l.split(',').slice(0, nf).map(Number)));
}
function lastProbability(csv: string): Float32Array {
  const { rows } = readCsvText(csv);
  return Float32Array.from(rows.map((r) => Number(r[r.length - 1])));
}

/** Trains, predicts and exports `data`; checks TF.js and ONNX Runtime against the predict CSV. */
async function checkExports(dir: string, data: string, nf: number, header: boolean, model: string): Promise<void> {
  const m = join(dir, 'm.json');
  assertOk(await runCli(['train', '--data', data, '--model', model, '--epochs', '15', '--optimizer', 'adam', '--lr', '0.01', '--out', m, '--quiet']));
  const p = await runCli(['predict', '--model', m, '--data', data]);
  assertOk(p);
  const expected = lastProbability(p.stdout); const x = features(data, nf, header);
  const t = await runCli(['export', '--model', m, '--format', 'tfjs', '--out', join(dir, 'tfjs')]);
  assertOk(t);
  assert.match(t.stderr, /standardize scaling is folded into the first layer/);
  const dTf = maxDiff(tfjsPredict(await loadTfjsDir(join(dir, 'tfjs')), x, nf), expected);
  assert.ok(dTf < 1e-5, `TF.js: max difference ${dTf} from minibatch predict`);
  assertOk(await runCli(['export', '--model', m, '--format', 'onnx', '--out', join(dir, 'm.onnx')]));
  assertOk(await runCli(['export', '--model', m, '--format', 'onnx', '--out', join(dir, 'onnx-dir')]));
  for (const file of [join(dir, 'm.onnx'), join(dir, 'onnx-dir', 'model.onnx')]) {
    const d = maxDiff(await onnxPredict(readFileSync(file), x, nf), expected);
    assert.ok(d < 1e-5, `ONNX ${file}: max difference ${d} from minibatch predict`);
  }
  assert.deepEqual([...leftoverTmp(dir), ...leftoverTmp(join(dir, 'tfjs'))], []);
}

describe('minibatch export (CLI)', () => {
  let t: ReturnType<typeof tempDir>; let csv: string;
  before(() => {
    t = tempDir('export');
    const rng = new Rng(9); const lines = ['glucose,pressure,age,label'];
    for (let i = 0; i < 300; i++) {
      const g = 120 + 30 * (2 * rng.next() - 1); const bp = 70 + 12 * (2 * rng.next() - 1); const age = 20 + 40 * rng.next();
      lines.push(`${g.toFixed(1)},${bp.toFixed(1)},${Math.round(age)},${g + 0.5 * age + 5 * rng.next() > 145 ? 'yes' : 'no'}`);
    }
    csv = join(t.dir, 'raw.csv'); writeFileSync(csv, lines.join('\n') + '\n');
  });
  after(() => t.cleanup());

  it('TF.js and ONNX exports predict raw rows like minibatch predict within 1e-5 (synthetic CSV)', async () => {
    await checkExports(t.dir, csv, 3, true, 'mlp:8');
  });

  it('on Pima: TF.js and ONNX exports predict like minibatch predict within 1e-5', { skip: skipUnless('pima-indians-diabetes.csv') }, async () => {
    const dir = join(t.dir, 'pima'); mkdirSync(dir);
    await checkExports(dir, dataset('pima-indians-diabetes.csv'), 8, false, 'mlp:12,8');
  });

  it('train --init and study --init continue from an exported TF.js model', async () => {
    const m = join(t.dir, 'base.json'); const dir = join(t.dir, 'base-tfjs');
    assertOk(await runCli(['train', '--data', csv, '--model', 'mlp:4', '--epochs', '2', '--scale', 'none', '--out', m, '--quiet']));
    assertOk(await runCli(['export', '--model', m, '--format', 'tfjs', '--out', dir, '--quiet']));
    const r = await runCli(['train', '--data', csv, '--init', join(dir, 'model.json'), '--epochs', '2', '--lr', '1e-12', '--validation', '0', '--json', '--quiet']);
    assertOk(r);
    // At a learning rate of 1e-12 the imported weights stay put, so the loss equals the source model's.
    const before = await runCli(['evaluate', '--model', m, '--data', csv, '--json']);
    const lossInit = (JSON.parse(r.stdout) as { final: { trainLoss: number } }).final.trainLoss;
    assert.ok(Math.abs(lossInit - (JSON.parse(before.stdout) as { loss: number }).loss) < 1e-5, `${lossInit} vs ${before.stdout}`);
    const s = await runCli(['study', '--data', csv, '--init', dir, '--lr', '0.05', '--batch-sizes', '8,full', '--epochs', '1', '--seeds', '1', '--no-noise-scale', '--out', join(t.dir, 'report'), '--quiet']);
    assertOk(s);
    assert.ok(existsSync(join(t.dir, 'report', 'results.json')));
  });

  it('refuses bad input with exit 2 and a one-line message', async () => {
    const m = join(t.dir, 'cat.json');
    assertFails(await runCli(['export', '--model', m, '--format', 'keras', '--out', t.dir]), 2, /--format must be tfjs or onnx, got 'keras'/);
    assertFails(await runCli(['export', '--model', m, '--format', 'tfjs', '--out', 'x.onnx']), 2, /names an \.onnx file but --format is tfjs/);
    assertFails(await runCli(['export', '--model', join(t.dir, 'none.json'), '--format', 'onnx', '--out', t.dir]), 2, /cannot read model file .*none\.json: no such file/);
    assertOk(await runCli(['train', '--data', join(REPO, 'test/fixtures/csv/categorical.csv'), '--target', 'rings', '--epochs', '1', '--validation', '0', '--out', m, '--quiet']));
    assertFails(await runCli(['export', '--model', m, '--format', 'onnx', '--out', join(t.dir, 'cat.onnx')]), 2, /one-hot columns of categorical features \(sex=/, /--one-hot-inputs/);
    assertOk(await runCli(['export', '--model', m, '--format', 'onnx', '--out', join(t.dir, 'cat.onnx'), '--one-hot-inputs', '--quiet']));
    const bad = join(t.dir, 'dropout'); mkdirSync(bad);
    writeFileSync(join(bad, 'model.json'), JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [
      { class_name: 'Dense', config: { name: 'dense_1', units: 4, activation: 'relu', batch_input_shape: [null, 3] } },
      { class_name: 'GaussianNoise', config: { name: 'noise_1', stddev: 0.2 } }, { class_name: 'Dense', config: { name: 'dense_2', units: 1, activation: 'sigmoid' } },
    ] } }, weightsManifest: [] }));
    assertFails(await runCli(['train', '--data', csv, '--init', bad]), 2, /layer 'noise_1' is a GaussianNoise/, /imports Dense/);
  });
});
