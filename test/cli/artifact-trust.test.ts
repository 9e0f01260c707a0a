// CLI artifacts you can trust: a saved model predicts the same in the library and the CLI; two runs on one output are refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dataset } from '../../src/data/dataset.js';
import { loadModel } from '../../src/platform/node/model-file.js';
import { evaluate } from '../../src/train/evaluate.js';
import { assertFails, assertOk, CLI, parseJson, readCsvText, REPO, runCli, tempDir } from './helpers.js';

let dir = ''; let cleanup = (): void => undefined;
before(() => { ({ dir, cleanup } = tempDir('trust')); });
after(() => cleanup());

/** Rows on the scales of Pima's raw features (glucose ~150, pedigree ~0.6, age ~40) with a class depending on them. */
function rawRows(): { x: number[][]; y: number[] } {
  const x: number[][] = []; const y: number[] = [];
  for (let i = 0; i < 80; i++) {
    const row = [80 + (i * 37) % 120, ((i * 0.137) % 1) * 2, 21 + (i * 13) % 50];
    x.push(row); y.push(row[0]! + 30 * row[1]! > 160 ? 1 : 0);
  }
  return { x, y };
}

describe('a saved model applies its scaling once everywhere', () => {
  it('library loadModel().predict(raw rows) and evaluate(raw data) match minibatch predict and evaluate', async () => {
    const { x, y } = rawRows();
    const csv = join(dir, 'raw.csv');
    writeFileSync(csv, ['glucose,pedigree,age,class', ...x.map((r, i) => `${r.join(',')},${y[i]}`)].join('\n') + '\n');
    assertOk(await runCli(['train', '--data', csv, '--model', 'mlp:6', '--optimizer', 'adam', '--epochs', '20', '--seed', '3', '--out', 'm.json', '--quiet'], { cwd: dir }));
    const predicted = await runCli(['predict', '--model', 'm.json', '--data', csv], { cwd: dir });
    assertOk(predicted);
    const cli = readCsvText(predicted.stdout).rows.map((r) => Number(r[3]));
    const model = await loadModel(join(dir, 'm.json'));
    assert.equal(model.preprocessing?.method, 'standardize');
    const lib = model.predict(x);
    cli.forEach((p, i) => assert.equal(p, Number(lib[i]!.toPrecision(6)), `row ${i + 1}: CLI ${p}, library ${lib[i]}`));
    assert.ok(lib.some((p) => p > 0.01 && p < 0.99), 'the library saw unscaled rows (saturated outputs)');
    const ev = parseJson(await runCli(['evaluate', '--model', 'm.json', '--data', csv, '--json'], { cwd: dir }));
    const libEv = evaluate(model, Dataset.fromArrays(x, y));
    assert.ok(Math.abs((ev.loss as number) - libEv.loss) <= 1e-6 * Math.max(1, libEv.loss), `CLI loss ${String(ev.loss)}, library ${libEv.loss}`);
  });
});

describe('two train runs on one --out', () => {
  it('the second is refused (in use by pid N) while the first runs, and takes over after the first is SIGKILLed', async () => {
    const first = spawn(process.execPath, [CLI, 'train', '--data', 'synthetic:linear', '--epochs', '1000000', '--out', join(dir, 'shared.json'), '--quiet'], { cwd: REPO, stdio: 'ignore' });
    const exited = new Promise((r) => first.on('exit', r));
    const lock = join(dir, 'shared.json.lock');
    try {
      while (!existsSync(lock) || !readFileSync(lock, 'utf8').includes('"pid"')) await sleep(50);
      const second = await runCli(['train', '--data', 'synthetic:linear', '--epochs', '1', '--out', 'shared.json', '--quiet'], { cwd: dir });
      assertFails(second, 2, new RegExp(`shared\\.json is in use by pid ${first.pid} \\(started `), /wait for it or remove .*shared\.json\.lock if that process is gone/);
    } finally {
      first.kill('SIGKILL'); await exited;
    }
    const third = await runCli(['train', '--data', 'synthetic:linear', '--epochs', '1', '--out', 'shared.json', '--quiet'], { cwd: dir });
    assertOk(third);
    assert.match(third.stderr, new RegExp(`warning: .*pid ${first.pid}, which is no longer running; taking it over`));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.lock')), [], 'locks are removed when the command ends');
  });
});
