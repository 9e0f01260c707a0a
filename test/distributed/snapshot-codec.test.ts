// The trial snapshot codec of the distributed worker: a mid-run snapshot through a string resumes to the same bits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrialRunner, type TrialSettings } from '../../src/experiments/run/trial.js';
import { splitForSweep } from '../../src/experiments/run/setup.js';
import { mlp } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/platform/node/queue/snapshot-codec.js';
import { blobs } from '../experiments/helpers.js';

const { train, val } = splitForSweep(blobs(250), {});
const settings: TrialSettings = {
  requested: 7, learningRate: 0.02, seed: 3, budget: { epochs: 3 }, evalEvery: 45, divergenceFactor: 1000, keepParams: true,
};
const job = (): TrialRunner => new TrialRunner(mlp({ layers: [4, 5, 1], output: 'sigmoid', seed: 3 }), adam({ learningRate: 0.02 }), train, val, settings, () => 0);

describe('trial snapshots through Redis strings', () => {
  it('encode -> decode -> restore ends with the same bits and points as an uninterrupted run', () => {
    const whole = job(); whole.advance(Infinity);
    const first = job();
    assert.equal(first.advance(-1), false);
    const text = encodeSnapshot(first.snapshot());
    assert.equal(typeof text, 'string');
    const snap = decodeSnapshot(text);
    assert.ok(snap, 'the string decodes');
    assert.ok(snap.params instanceof Float32Array && snap.sampler.order instanceof Uint32Array && snap.stats instanceof Float64Array);
    const resumed = job(); resumed.restore(snap);
    assert.equal(resumed.advance(Infinity), true);
    assert.deepEqual(resumed.result(), whole.result());
  });

  it('a damaged or foreign string decodes to undefined, never throws', () => {
    const text = encodeSnapshot(job().snapshot());
    for (const bad of ['', 'null', '{"params":1}', text.slice(0, text.length / 2), text.replace(/"b64":"[A-Za-z0-9+/]{4}/, '"b64":"A')]) {
      assert.equal(decodeSnapshot(bad), undefined, `decoded ${bad.slice(0, 40)}`);
    }
  });
});
