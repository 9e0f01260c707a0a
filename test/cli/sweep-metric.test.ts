// --metric on the sweep commands: ranking by a validation metric, what the output says, and the errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, parseJson, runCli, tempDir } from './helpers.js';

const { dir } = tempDir('sweep-metric');

describe('compare, tune and study --metric', () => {
  it('compare --metric accuracy ranks by validation accuracy and says so in --json and results.json', async () => {
    const out = join(dir, 'acc');
    const r = await runCli(['compare', '--data', 'synthetic:blobs', '--model', 'softmax', '--batch-sizes', '8,full', '--lr', '0.1', '--epochs', '2', '--seeds', '1', '--workers', '1', '--metric', 'accuracy', '--out', out, '--json', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const j = parseJson(r) as { rankedBy: string; target: { metric?: string; value: number; rule: string } };
    assert.equal(j.rankedBy, 'accuracy');
    assert.equal(j.target.metric, 'accuracy'); assert.match(j.target.rule, /validation accuracy/);
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { compare: { rankedBy?: string; metric: string } };
    assert.equal(saved.compare.rankedBy, 'accuracy'); assert.equal(saved.compare.metric, 'accuracy');
  });

  it('tune --metric mse on a regression reports the ranking', async () => {
    const r = await runCli(['tune', '--data', 'synthetic:linear', '--model', 'linear', '--batch-sizes', '8', '--lrs', '1e-3:0.1:3', '--epochs', '2', '--workers', '1', '--metric', 'mse']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /ranked by validation mse/);
  });

  it('refuses a metric the model does not have and an unknown one, in CLI terms (exit 2)', async () => {
    assertFails(await runCli(['compare', '--data', 'synthetic:linear', '--batch-sizes', '8', '--lr', '0.1', '--epochs', '1', '--seeds', '1', '--workers', '1', '--metric', 'auc', '--out', join(dir, 'x')]),
      2, /--metric auc does not apply to a model with a linear output; choose from 'loss', 'mse', 'mae', 'r2'/);
    assertFails(await runCli(['study', '--data', 'synthetic:blobs', '--metric', 'f2', '--out', join(dir, 'y')]), 2, /--metric must be one of loss, accuracy, .*, got 'f2'/);
  });
});
