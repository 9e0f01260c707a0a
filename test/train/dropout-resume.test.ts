// Checkpoints of a model with dropout: the masks' RNG is saved, so a resumed run is bit-identical; a mismatch is refused.
import '../../src/platform/node/install.js'; // the Node platform (files) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../src/kernels/select.js';
import { mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { binaryProblem } from '../helpers/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-dropout-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const data = binaryProblem(97, 4, 3);
const net = (dropout: number | number[] = [0.3, 0.1]) => mlp({ layers: [4, 10, 6, 1], activation: 'tanh', dropout, seed: 5 });
const opts = (): FitOptions => ({ batchSize: 8, validationSplit: 0.2, seed: 9, clock: () => 0, optimizer: adam({ learningRate: 0.01 }) });

describe('dropout and checkpoints', () => {
  it('6 epochs straight equal 3 + resume 3, and a mid-epoch stop resumes exactly too', async () => {
    const ref = net(); const h = await fit(ref, data, { ...opts(), epochs: 6 });
    const path = join(dir, 'a.json');
    await fit(net(), data, { ...opts(), epochs: 3, checkpoint: { path } });
    assert.ok((await loadCheckpoint(path)).dropout, 'the checkpoint holds the masks RNG state');
    const resumed = net(); const h2 = await fit(resumed, data, { ...opts(), epochs: 6, resumeFrom: path });
    assert.deepEqual(Array.from(resumed.params), Array.from(ref.params));
    assert.deepEqual(h2.records, h.records);

    const mid = join(dir, 'mid.json'); const ac = new AbortController();
    await fit(net(), data, { ...opts(), epochs: 6, signal: ac.signal, checkpoint: { path: mid },
      callbacks: { onBatchEnd: (b) => { if (b.epoch === 4 && b.batch === 3) ac.abort(); } } });
    const again = net(); const h3 = await fit(again, data, { ...opts(), epochs: 6, resumeFrom: mid });
    assert.deepEqual(Array.from(again.params), Array.from(ref.params));
    assert.deepEqual(h3.records, h.records);
  });

  it('resuming into a model with other dropout rates (or none) is refused, naming both', async () => {
    const path = join(dir, 'b.json');
    await fit(net(), data, { ...opts(), epochs: 1, checkpoint: { path } });
    await assert.rejects(fit(net(0.5), data, { ...opts(), epochs: 2, resumeFrom: path }), /saved with dropout \[0\.3,0\.1\], this run's model has dropout \[0\.5,0\.5\]/);
    await assert.rejects(fit(net(0), data, { ...opts(), epochs: 2, resumeFrom: path }), /this run's model has dropout "none"/);
  });

  it('the JS backend resumes a run the default backend saved, with the same masks', async () => {
    const path = join(dir, 'c.json');
    await fit(net(), data, { ...opts(), epochs: 2, checkpoint: { path } });
    const a = mlp({ layers: [4, 10, 6, 1], activation: 'tanh', dropout: [0.3, 0.1], seed: 5, backend: createBackend('js') });
    await fit(a, data, { ...opts(), epochs: 3, resumeFrom: path });
    const b = mlp({ layers: [4, 10, 6, 1], activation: 'tanh', dropout: [0.3, 0.1], seed: 5, backend: createBackend('js') });
    await fit(b, data, { ...opts(), epochs: 3 });
    const d = Math.max(...Array.from(a.params, (v, i) => Math.abs(v - b.params[i]!)));
    assert.ok(d < 1e-3, `resumed on another backend, weights differ by ${d}`);
  });
});
