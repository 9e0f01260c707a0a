// `minibatch train --batch-size adaptive`: the batch grows between epochs and each history record says its size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertFails, assertOk, parseJson, runCli } from './helpers.js';

const LINEAR = ['train', '--data', 'synthetic:linear', '--quiet'];

describe('train --batch-size adaptive', () => {
  it('trains with a growing batch and reports each epoch\'s batchSize in --json', async () => {
    const r = await runCli([...LINEAR, '--batch-size', 'adaptive', '--epochs', '6', '--lr', '0.01', '--json']);
    assertOk(r);
    const out = parseJson(r) as { history: Array<{ batchSize: number }>; batchSize: number };
    const sizes = out.history.map((h) => h.batchSize);
    assert.equal(sizes.length, 6);
    assert.equal(sizes[0], 32, 'starts at the default initial size');
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! >= sizes[i - 1]!, `non-decreasing: ${sizes.join(',')}`);
  });

  it('refuses --mode batch with --batch-size adaptive (exit 2, no stack)', async () => {
    assertFails(await runCli([...LINEAR, '--mode', 'batch', '--batch-size', 'adaptive']), 2, /--mode batch fixes the batch size, which contradicts --batch-size adaptive/);
  });

  it('refuses adaptive with --stream', async () => {
    assertFails(await runCli([...LINEAR, '--batch-size', 'adaptive', '--stream']), 2, /--stream trains fixed mini-batches/);
  });
});
