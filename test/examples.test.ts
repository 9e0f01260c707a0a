// Runs every program in examples/ against the built package and checks what it prints, so the examples never rot.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (dist/test -> dist -> repo). */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PIMA = fileURLToPath(new URL('../../../shared/datasets/pima-indians-diabetes.csv', import.meta.url));

function run(file: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO, 'examples', file), ...args], { cwd: REPO }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What each example must print (it exits 0 too). */
const CHECKS: Record<string, (out: string) => void> = {
  'quickstart.mjs': (out) => {
    const acc = Number(/validation accuracy (\S+)/.exec(out)?.[1]);
    assert.ok(acc > 0.85, `validation accuracy ${acc}`);
    assert.match(out, /^epoch 30: 600 updates/m);
    assert.match(out, /reloaded model predicts 0\.9\d\d and 0\.0\d\d|reloaded model predicts 1\.000 and 0\.000/);
  },
  'compare-batch-sizes.mjs': (out) => {
    const rows = out.split('\n').filter((l) => /^\s+\d+ \|/.test(l));
    assert.deepEqual(rows.map((l) => Number(l.split('|')[0])), [1, 8, 32, 480]);
    assert.match(out, /^480 training rows, 120 validation rows/m);
  },
  'custom-callback.mjs': (out) => {
    const m = /ran (\d+) of 200 epochs; stopped: callback/.exec(out);
    assert.ok(m && Number(m[1]) < 200, out);
    assert.match(out, /reached validation accuracy \S+ >= 0\.84 at epoch \d+: stopping/);
  },
  'export-tfjs.mjs': (out) => {
    assert.match(out, /wrote model\.json and group1-shard1of1\.bin/);
    const diff = Number(/largest difference (\S+)/.exec(out)?.[1]);
    assert.ok(diff <= 1e-6, `largest difference ${diff}`);
  },
};

describe('examples/', () => {
  it('has a check for every example program', () => {
    const files = readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.mjs')).sort();
    assert.deepEqual(files, [...Object.keys(CHECKS), 'pima.mjs'].sort());
  });

  for (const [file, check] of Object.entries(CHECKS)) {
    it(`${file} runs and prints what it promises`, async () => {
      const r = await run(file);
      assert.equal(r.code, 0, r.stderr);
      check(r.stdout);
    });
  }

  it('pima.mjs trains the 8-12-8-1 network to the usual accuracy (seed 1)', { skip: existsSync(PIMA) ? false : `${PIMA} absent (the shared data sets are not available here)` }, async () => {
    const r = await run('pima.mjs', ['1']);
    assert.equal(r.code, 0, r.stderr);
    const acc = Number(/seed 1: test accuracy (\S+)/.exec(r.stdout)?.[1]);
    assert.ok(acc >= 0.72 && acc <= 0.85, `test accuracy ${acc}`);
    const seen = Number(/training-rows accuracy ([\d.]+)/.exec(r.stdout)?.[1]);
    assert.ok(seen > acc, `the training rows (${seen}) fit better than the test rows (${acc})`);
  });

  it('pima.mjs --early-stopping stops before 150 epochs and lands in the usual band (seed 3, which overfits without it)', { skip: existsSync(PIMA) ? false : `${PIMA} absent (the shared data sets are not available here)` }, async () => {
    const classic = await run('pima.mjs', ['3']);
    const early = await run('pima.mjs', ['--early-stopping', '3']);
    assert.equal(early.code, 0, early.stderr);
    const acc = (out: string): number => Number(/seed 3: test accuracy (\S+)/.exec(out)?.[1]);
    assert.ok(acc(early.stdout) >= 0.72 && acc(early.stdout) <= 0.85, `test accuracy ${acc(early.stdout)}`);
    assert.ok(acc(early.stdout) > acc(classic.stdout), `early stopping ${acc(early.stdout)} beats 150 epochs ${acc(classic.stdout)} on seed 3`);
    const epochs = (out: string): number => Number(/, (\d+) epochs/.exec(out)?.[1]);
    assert.equal(epochs(classic.stdout), 150);
    assert.ok(epochs(early.stdout) < 150, `early stopping ran ${epochs(early.stdout)} epochs`);
  });
});
