// Tests of evaluate/predict refusing bad model files and mismatched data, divergence, atomic output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, assertOk, leftoverTmp, runCli, tempDir } from './helpers.js';

/** A small deterministic binary problem with named columns: y = 1 when a + b > c (or `label(i)`). */
function smallCsv(columns: string[], rows: number, label?: (i: number) => string): string {
  const lines = [columns.join(',')];
  for (let i = 0; i < rows; i++) {
    const a = (i * 7) % 11; const b = (i * 5) % 13; const c = (i * 3) % 17;
    const cells: Record<string, number | string> = { a, b, c, z: i % 4, y: label ? label(i) : a + b > c ? 1 : 0 };
    lines.push(columns.map((name) => cells[name]).join(','));
  }
  return lines.join('\n') + '\n';
}

const ABC = ['a', 'b', 'c', 'y'];

describe('evaluate and predict with bad model files or mismatched data', { concurrency: 2 }, () => {
  let dir = ''; let cleanup = (): void => {};
  const evaluate = (model: string, data = 'train.csv') => runCli(['evaluate', '--model', model, '--data', data], { cwd: dir });

  before(async () => {
    ({ dir, cleanup } = tempDir('model-errors'));
    const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);
    write('train.csv', smallCsv(ABC, 40));
    assertOk(await runCli(['train', '--data', 'train.csv', '--model', 'logistic', '--epochs', '2', '--out', 'model.json', '--quiet'], { cwd: dir }));
    const model = readFileSync(join(dir, 'model.json'), 'utf8');
    write('truncated.json', model.slice(0, Math.floor(model.length / 2)));
    write('keras.json', JSON.stringify({ format: 'keras', layers: [] }));
    const damaged = JSON.parse(model) as { model: { layers: number[] } };
    damaged.model.layers = [3];
    write('damaged.json', JSON.stringify(damaged));
    write('other-columns.csv', smallCsv(['a', 'b', 'z', 'y'], 10));
    write('two-features.csv', smallCsv(['a', 'b', 'y'], 10));
    write('no-target.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n');
    write('new-class.csv', smallCsv(ABC, 12, (i) => String(i % 3)));
    write('missing.csv', 'a,b,c\n1,2,3\n4,?,6\n');
  });
  after(() => cleanup());

  it('a model file that does not exist', async () => {
    assertFails(await evaluate('nosuch.json'), 2, /--model 'nosuch\.json' does not exist/);
  });

  it('a truncated model file', async () => {
    assertFails(await evaluate('truncated.json'), 2, /truncated\.json is not valid JSON/, /truncated or not a model file/);
  });

  it('a JSON file of another format', async () => {
    assertFails(await evaluate('keras.json'), 2, /keras\.json is not a minibatch model file \(no "format": "minibatch-model"\)/);
  });

  it('a model file with a damaged field', async () => {
    assertFails(await evaluate('damaged.json'), 2, /damaged\.json is damaged: model\.layers/);
  });

  it('an unknown --missing on evaluate and predict names the option', async () => {
    for (const cmd of ['evaluate', 'predict']) {
      assertFails(await runCli([cmd, '--model', 'model.json', '--data', 'train.csv', '--missing', 'ignore'], { cwd: dir }), 2,
        /--missing must be error, drop or mean, got 'ignore'/);
    }
  });

  it('predict reports the same model-file problems', async () => {
    assertFails(await runCli(['predict', '--model', 'truncated.json', '--data', 'train.csv'], { cwd: dir }), 2, /not valid JSON/);
  });

  it('data with a column the model was not trained on', async () => {
    assertFails(await evaluate('model.json', 'other-columns.csv'), 2, /other-columns\.csv has feature 'z', a column the model was not trained on/, /the model takes: a, b, c/);
  });

  it('data lacking one of the model\'s columns', async () => {
    assertFails(await evaluate('model.json', 'two-features.csv'), 2, /two-features\.csv has no feature 'c', which the model needs \(the data has 2 feature columns, the model takes 3\)/);
  });

  it('evaluate on data without the target column', async () => {
    assertFails(await evaluate('model.json', 'no-target.csv'), 2, /no-target\.csv seems to lack the target column \(y\)/, /minibatch predict/);
  });

  it('predict accepts that file', async () => {
    const r = await runCli(['predict', '--model', 'model.json', '--data', 'no-target.csv'], { cwd: dir });
    assertOk(r);
    assert.match(r.stdout, /^row,predicted,p_0,p_1\n1,[01],[\d.e-]+,[\d.e-]+\n2,/);
    assert.equal(r.stdout.trimEnd().split('\n').length, 4);
  });

  it('data with a class the model never saw', async () => {
    assertFails(await evaluate('model.json', 'new-class.csv'), 2, /new-class\.csv has class '2', which the model was not trained on \(its classes: 0, 1\)/);
  });

  it('a failed predict leaves an existing --out file untouched', async () => {
    writeFileSync(join(dir, 'keep.csv'), 'keep me\n');
    const r = await runCli(['predict', '--model', 'model.json', '--data', 'missing.csv', '--out', 'keep.csv'], { cwd: dir });
    assertFails(r, 2, /missing\.csv, line 3, column "b" \(index 1\): missing value/, /Use --missing mean/);
    assert.doesNotMatch(r.stderr, /--missing drop/, 'predict does not offer drop');
    assert.equal(readFileSync(join(dir, 'keep.csv'), 'utf8'), 'keep me\n');
    assert.deepEqual(leftoverTmp(dir), []);
  });

  it('predict refuses --missing drop, which would renumber the rows', async () => {
    const r = await runCli(['predict', '--model', 'model.json', '--data', 'missing.csv', '--missing', 'drop'], { cwd: dir });
    assertFails(r, 2, /predict --missing drop would renumber the rows/, /--missing mean/);
  });
});

describe('divergence and output files', () => {
  let dir = ''; let cleanup = (): void => {};
  before(() => { ({ dir, cleanup } = tempDir('outputs')); });
  after(() => cleanup());

  it('a diverging run exits 1, suggests a smaller learning rate, and leaves --out untouched', async () => {
    writeFileSync(join(dir, 'model.json'), 'previous model\n');
    const r = await runCli(['train', '--data', 'synthetic:linear', '--lr', '10', '--epochs', '20', '--out', 'model.json', '--quiet'], { cwd: dir });
    assertFails(r, 1, /training diverged in epoch \d+/, /learning rate 10\b/, /smaller learning rate/);
    assert.equal(readFileSync(join(dir, 'model.json'), 'utf8'), 'previous model\n');
    assert.deepEqual(leftoverTmp(dir), []);
  });

  it('a diverging --json run prints no JSON', async () => {
    const r = await runCli(['train', '--data', 'synthetic:linear', '--lr', '10', '--epochs', '20', '--json', '--quiet'], { cwd: dir });
    assertFails(r, 1, /diverged/);
  });

  it('a successful run replaces an existing --out file whole, leaving no temporary file', async () => {
    writeFileSync(join(dir, 'replace.json'), 'old\n');
    assertOk(await runCli(['train', '--data', 'synthetic:linear', '--epochs', '2', '--out', 'replace.json', '--quiet'], { cwd: dir }));
    const m = JSON.parse(readFileSync(join(dir, 'replace.json'), 'utf8')) as { format: string };
    assert.equal(m.format, 'minibatch-model');
    assert.deepEqual(leftoverTmp(dir), []);
  });

  it('--out in a folder that does not exist is exit 2 with the path named', async () => {
    const r = await runCli(['train', '--data', 'synthetic:linear', '--epochs', '1', '--out', join('nosuchdir', 'm.json'), '--quiet'], { cwd: dir });
    assertFails(r, 2, /--out 'nosuchdir\/m\.json': the folder .*nosuchdir does not exist/);
  });
});
