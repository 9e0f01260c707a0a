// End-to-end runs of the built CLI: train -> evaluate -> predict on Pima, iris classes, regression.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertNoStack, assertOk, CLI, dataset, leftoverTmp, parseJson, readCsvText, runCli, skipUnless, tempDir,
  type CliResult,
} from './helpers.js';
import { adam, applyScaling, fit, fitScaling, loadCsv, mlp, split } from '../../src/index.js';

const PIMA = 'pima-indians-diabetes.csv';

interface Rec { epoch: number; updates: number; examplesSeen: number; trainSeconds: number; trainLoss: number; learningRate: number; metrics: { accuracy?: number }; valLoss?: number; valMetrics?: { accuracy?: number } }

describe('pima: train -> evaluate -> predict', { skip: skipUnless(PIMA) }, () => {
  let dir = ''; let cleanup = (): void => {};
  const trainArgs = ['train', '--data', dataset(PIMA), '--model', 'mlp:12,8', '--optimizer', 'adam', '--lr', '0.001', '--epochs', '30'];
  let train: CliResult; let evaluate: CliResult; let predict: CliResult;
  let labels: number[] = [];

  before(async () => {
    ({ dir, cleanup } = tempDir('e2e'));
    train = await runCli([...trainArgs, '--out', 'model.json', '--json'], { cwd: dir });
    evaluate = await runCli(['evaluate', '--model', 'model.json', '--data', dataset(PIMA), '--json'], { cwd: dir });
    predict = await runCli(['predict', '--model', 'model.json', '--data', dataset(PIMA), '--out', 'predictions.csv'], { cwd: dir });
    labels = readFileSync(dataset(PIMA), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => Number(l.split(',')[8]));
  });
  after(() => cleanup());

  it('train exits 0 and prints one JSON result with the whole learning curve', () => {
    assertOk(train);
    const j = parseJson(train);
    assert.equal(j.command, 'train');
    assert.equal(j.model, 'mlp:12,8');
    assert.equal(j.batchSize, 32);
    assert.equal(j.epochs, 30);
    assert.equal(j.stopped, null);
    assert.equal(j.modelPath, 'model.json');
    const history = j.history as Rec[];
    assert.equal(history.length, 30);
    // Stratified 80/20 split of 500 + 268 rows: 400 + 214 train, 100 + 54 validation.
    const trainRows = 614; const perEpoch = Math.ceil(trainRows / 32);
    history.forEach((r, i) => {
      assert.equal(r.epoch, i + 1);
      assert.equal(r.updates, perEpoch * (i + 1));
      assert.equal(r.examplesSeen, trainRows * (i + 1));
      assert.equal(r.learningRate, 0.001);
      assert.ok(Number.isFinite(r.trainLoss) && r.trainLoss > 0);
      assert.ok(r.metrics.accuracy! >= 0 && r.metrics.accuracy! <= 1);
      const va = r.valMetrics!.accuracy! * 154;
      assert.ok(Math.abs(va - Math.round(va)) < 1e-6, 'validation accuracy is a count out of 154 rows');
      if (i > 0) assert.ok(r.trainSeconds >= history[i - 1]!.trainSeconds);
    });
    assert.ok(history[29]!.trainLoss < history[0]!.trainLoss, 'the training loss falls');
    const final = j.final as { trainLoss: number; metrics: { accuracy: number }; valLoss: number; valMetrics: { accuracy: number } };
    assert.equal(final.trainLoss, history[29]!.trainLoss);
    assert.equal(final.valMetrics.accuracy, history[29]!.valMetrics!.accuracy);
    assert.ok(final.valMetrics.accuracy >= 0 && final.valMetrics.accuracy <= 1);
  });

  it('train gives the library result: same split, scaling, model and seed', async () => {
    const raw = await loadCsv(dataset(PIMA));
    const parts = split(raw, { testFraction: 0.2, seed: 1 });
    const s = fitScaling(parts.train, 'standardize');
    const model = mlp({ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid', seed: 1 });
    const h = await fit(model, applyScaling(parts.train, s), {
      batchSize: 32, epochs: 30, optimizer: adam({ learningRate: 0.001 }), validationData: applyScaling(parts.test, s), seed: 1,
    });
    const cli = parseJson(train).history as Rec[];
    assert.deepEqual(cli.map((r) => [r.trainLoss, r.valLoss]), h.records.map((r) => [r.trainLoss, r.valLoss]));
  });

  it('the model file is a minibatch-model JSON carrying names, scaling and the training setup', () => {
    const file = join(dir, 'model.json');
    assert.ok(existsSync(file));
    const m = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string; version: number; model: { layers: number[]; activation: string; output: string };
      meta: { features: string[]; scaling: { method: string; offset: number[] }; training: Record<string, unknown> };
    };
    assert.equal(m.format, 'minibatch-model');
    assert.equal(m.version, 1);
    assert.deepEqual(m.model.layers, [8, 12, 8, 1]);
    assert.equal(m.model.output, 'sigmoid');
    assert.equal(m.meta.features.length, 8);
    assert.equal(m.meta.scaling.method, 'standardize');
    assert.equal(m.meta.scaling.offset.length, 8);
    assert.equal(m.meta.training.batchSize, 32);
    assert.equal(m.meta.training.epochs, 30);
    assert.deepEqual(leftoverTmp(dir), []);
  });

  it('the same command and seed write the same model file', async () => {
    assertOk(await runCli([...trainArgs, '--out', 'again.json', '--quiet'], { cwd: dir }));
    assert.equal(readFileSync(join(dir, 'again.json'), 'utf8'), readFileSync(join(dir, 'model.json'), 'utf8'));
  });

  it('evaluate exits 0 with a finite loss and an accuracy over all 768 rows', () => {
    assertOk(evaluate);
    const j = parseJson(evaluate) as { command: string; examples: number; loss: number; metrics: { accuracy: number } };
    assert.equal(j.command, 'evaluate');
    assert.equal(j.examples, 768);
    assert.ok(Number.isFinite(j.loss) && j.loss > 0);
    const acc = j.metrics.accuracy;
    assert.ok(acc >= 0 && acc <= 1);
    assert.ok(Math.abs(acc * 768 - Math.round(acc * 768)) < 1e-6, 'accuracy is a count of 768 rows');
  });

  it('predict writes row,predicted,p_0,p_1 for rows 1..768: probabilities sum to 1, predicted is the argmax', () => {
    assertOk(predict);
    assert.match(predict.stderr, /768 predictions written to predictions\.csv/);
    assert.equal(predict.stdout, '');
    const { header, rows } = readCsvText(readFileSync(join(dir, 'predictions.csv'), 'utf8'));
    assert.deepEqual(header, ['row', 'predicted', 'p_0', 'p_1']);
    assert.equal(rows.length, 768);
    rows.forEach((cells, i) => {
      assert.equal(cells.length, 4);
      assert.equal(cells[0], String(i + 1));
      const p0 = Number(cells[2]); const p1 = Number(cells[3]);
      assert.ok(p0 >= 0 && p0 <= 1 && p1 >= 0 && p1 <= 1, `row ${i + 1}: ${cells.join(',')}`);
      assert.ok(Math.abs(p0 + p1 - 1) < 1e-5, `row ${i + 1}: ${p0} + ${p1}`);
      assert.equal(cells[1], p1 > p0 ? '1' : '0', `row ${i + 1}: ${cells.join(',')}`);
    });
  });

  it("evaluate's accuracy and loss agree with predict's probabilities", () => {
    const ev = parseJson(evaluate) as { loss: number; metrics: { accuracy: number } };
    const { rows } = readCsvText(readFileSync(join(dir, 'predictions.csv'), 'utf8'));
    let correct = 0; let nll = 0;
    rows.forEach((cells, i) => {
      const y = labels[i]!;
      if (Number(cells[1]) === y) correct++;
      nll -= Math.log(Number(cells[2 + y]));
    });
    assert.equal(correct / 768, ev.metrics.accuracy);
    assert.ok(Math.abs(nll / 768 - ev.loss) < 1e-3, `mean -log p(true class) ${nll / 768} vs evaluate loss ${ev.loss}`);
  });

  it('predict reads a file without the target column and writes to stdout without --out', async () => {
    const noTarget = readFileSync(dataset(PIMA), 'utf8').split('\n').filter((l) => l.trim() !== '')
      .map((l) => l.split(',').slice(0, 8).join(',')).join('\n') + '\n';
    writeFileSync(join(dir, 'features.csv'), noTarget);
    const r = await runCli(['predict', '--model', 'model.json', '--data', 'features.csv'], { cwd: dir });
    assertOk(r);
    assert.equal(r.stdout, readFileSync(join(dir, 'predictions.csv'), 'utf8'));
  });

  it('predict piped into a reader that stops early (| head) ends quietly', async () => {
    const line = readFileSync(dataset(PIMA), 'utf8').split('\n')[0]!.split(',').slice(0, 8).join(',');
    writeFileSync(join(dir, 'many.csv'), `${line}\n`.repeat(30000));
    const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'predict', '--model', 'model.json', '--data', 'many.csv'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code, stderr: err }));
    });
    assertNoStack({ status, stdout: '', stderr });
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });
});

describe('string class labels and regression', () => {
  let dir = ''; let cleanup = (): void => {};
  before(() => { ({ dir, cleanup } = tempDir('e2e-classes')); });
  after(() => cleanup());

  it('iris: class names travel from the CSV through the model file into predictions', { skip: skipUnless('iris.csv') }, async () => {
    assertOk(await runCli(['train', '--data', dataset('iris.csv'), '--model', 'softmax', '--lr', '0.1', '--epochs', '50', '--out', 'iris.json', '--quiet'], { cwd: dir }));
    const r = await runCli(['predict', '--model', 'iris.json', '--data', dataset('iris.csv')], { cwd: dir });
    assertOk(r);
    const classes = ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica'];
    const { header, rows } = readCsvText(r.stdout);
    assert.deepEqual(header, ['row', 'predicted', ...classes.map((c) => `p_${c}`)]);
    assert.equal(rows.length, 150);
    const truth = readFileSync(dataset('iris.csv'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.split(',')[4]!.trim());
    let correct = 0;
    rows.forEach((cells, i) => {
      const p = cells.slice(2).map(Number);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(cells[1], classes[p.indexOf(Math.max(...p))]);
      if (cells[1] === truth[i]) correct++;
    });
    assert.ok(correct / 150 >= 0.85, `iris accuracy ${correct}/150`);
  });

  it('abalone with --model linear reports mse and mae (one-hot sex column)', { skip: skipUnless('abalone.csv') }, async () => {
    const t = await runCli(['train', '--data', dataset('abalone.csv'), '--model', 'linear', '--epochs', '5', '--out', 'abalone.json'], { cwd: dir });
    assertOk(t);
    assert.match(t.stderr, /validation \(835 rows\): loss [\d.]+ mse [\d.]+ mae [\d.]+/);
    assert.match(t.stderr, /model saved to abalone\.json/);
    const e = await runCli(['evaluate', '--model', 'abalone.json', '--data', dataset('abalone.csv')], { cwd: dir });
    assertOk(e);
    const m = /^4177 rows {2}loss ([\d.]+) {2}mse ([\d.]+) {2}mae ([\d.]+)\n$/.exec(e.stdout);
    assert.ok(m, `evaluate output: ${e.stdout}`);
    assert.equal(m[1], m[2], 'the loss of a linear model is its mse');
    assert.ok(Number(m[3]) > 0 && Number(m[3]) < 3, `mae ${m[3]} rings`);
  });

  it('a regression target of whole numbers (counts) is held out at random, not per value', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${((i * 37) % 50) / 10},${Math.floor(i / 2)}`);
    writeFileSync(join(dir, 'counts.csv'), ['x,count', ...rows].join('\n') + '\n');
    const r = await runCli(['train', '--data', 'counts.csv', '--epochs', '1', '--json', '--quiet'], { cwd: dir });
    assertOk(r);
    const j = parseJson(r) as { model: string; history: Rec[] };
    assert.equal(j.model, 'linear');
    assert.equal(j.history[0]!.examplesSeen, 80);
  });

  it('synthetic:linear --json in batch mode: one update per epoch, mse and mae, no accuracy', async () => {
    const r = await runCli(['train', '--data', 'synthetic:linear', '--mode', 'batch', '--lr', '0.1', '--epochs', '5', '--json', '--quiet'], { cwd: dir });
    assertOk(r);
    assert.equal(r.stderr, '');
    const j = parseJson(r) as { batchSize: number; history: Rec[]; final: { metrics: Record<string, number>; valMetrics: Record<string, number> } };
    assert.equal(j.batchSize, 800);
    assert.deepEqual(j.history.map((h) => h.updates), [1, 2, 3, 4, 5]);
    for (const m of [j.final.metrics, j.final.valMetrics]) {
      assert.deepEqual(Object.keys(m).sort(), ['mae', 'mse']);
      assert.ok(Number.isFinite(m.mse) && Number.isFinite(m.mae));
    }
  });
});
