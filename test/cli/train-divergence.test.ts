// CLI regression: a run that blows up inside its first epoch exits 1 and writes no model.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, dataset, leftoverTmp, runCli, skipUnless, tempDir } from './helpers.js';

describe('train: divergence inside epoch 1', () => {
  let dir = ''; let cleanup = (): void => {};
  before(() => { ({ dir, cleanup } = tempDir('divergence')); });
  after(() => cleanup());

  it('iris with --lr 1e12 --epochs 3 exits 1 in epoch 1, suggests a rate and writes no model', { skip: skipUnless('iris.csv') }, async () => {
    const r = await runCli(['train', '--data', dataset('iris.csv'), '--lr', '1e12', '--epochs', '3', '--out', 'iris-model.json', '--quiet'], { cwd: dir });
    assertFails(r, 1, /training diverged in epoch 1:/, /smaller learning rate such as 100000000000\b/);
    assert.equal(existsSync(join(dir, 'iris-model.json')), false);
    assert.equal(existsSync(join(dir, 'iris-model.json.ckpt.json')), false, 'no checkpoint of the blown-up run either');
    assert.deepEqual(leftoverTmp(dir), []);
  });

  it('pima with --lr 1e6 exits 1 in epoch 1 and writes no model', { skip: skipUnless('pima-indians-diabetes.csv') }, async () => {
    const r = await runCli(['train', '--data', dataset('pima-indians-diabetes.csv'), '--lr', '1e6', '--epochs', '3', '--out', 'pima-model.json', '--quiet'], { cwd: dir });
    assertFails(r, 1, /training diverged in epoch 1:/);
    assert.equal(existsSync(join(dir, 'pima-model.json')), false);
  });

  it('a built-in data set with --lr 1e12 exits 1 in epoch 1 and writes no model (no shared data needed)', async () => {
    const r = await runCli(['train', '--data', 'synthetic:linear', '--lr', '1e12', '--epochs', '3', '--out', 'model.json', '--quiet'], { cwd: dir });
    assertFails(r, 1, /training diverged in epoch 1:/, /smaller learning rate/);
    assert.equal(existsSync(join(dir, 'model.json')), false);
  });
});
