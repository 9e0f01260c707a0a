// The CLI's --dropout: train saves a model with dropout; the option is refused without hidden layers, out of range, and on study's noise stage.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, assertOk, runCli, tempDir } from './helpers.js';

describe('--dropout', () => {
  it('train --model mlp:8,4 --dropout 0.25 trains and saves the rates in the model file', async () => {
    const t = tempDir('dropout');
    try {
      const out = join(t.dir, 'm.json');
      assertOk(await runCli(['train', '--data', 'synthetic:moons', '--model', 'mlp:8,4', '--dropout', '0.25', '--epochs', '2', '--out', out, '--quiet']));
      const file = JSON.parse(readFileSync(out, 'utf8')) as { model: { dropout?: number[] } };
      assert.deepEqual(file.model.dropout, [0.25, 0.25]);
    } finally { t.cleanup(); }
  });

  it('is refused (exit 2) on a model without hidden layers, out of [0, 1), and on study without --no-noise-scale', async () => {
    assertFails(await runCli(['train', '--data', 'synthetic:moons', '--dropout', '0.2', '--epochs', '1']), 2, /--dropout needs --model mlp with hidden layers .* got --model logistic/);
    assertFails(await runCli(['train', '--data', 'synthetic:moons', '--model', 'mlp:4', '--dropout', '1', '--epochs', '1']), 2, /--dropout must be a rate >= 0 and < 1 .* got '1'/);
    assertFails(await runCli(['study', '--data', 'synthetic:moons', '--model', 'mlp:4', '--dropout', '0.3', '--out', 'unused-study-dir']), 2, /--dropout 0\.3 needs --no-noise-scale with study/);
  });

  it('is listed in the help of train and of the sweeps that train whole runs', async () => {
    for (const cmd of ['train', 'compare', 'tune', 'study']) {
      const r = await runCli([cmd, '--help']);
      assert.match(r.stdout, /--dropout <rate>/, cmd);
    }
  });
});
