// Tests of a trial's starting evaluation: the same bits as the two passes it replaces, kept per thread only for the same weights on steady rows.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPoint } from '../../src/experiments/run/start-point.js';
import { markSteady, unmarkSteady } from '../../src/kernels/backend.js';
import { createBackend } from '../../src/kernels/select.js';
import { Model } from '../../src/nn/model.js';
import { softmaxRegression } from '../../src/nn/models.js';
import { Evaluator } from '../../src/train/evaluate.js';
import { threeClasses } from './helpers.js';

const rows = threeClasses(300);
const train = rows.subset(Array.from({ length: 240 }, (_, i) => i));
const val = rows.subset(Array.from({ length: 60 }, (_, i) => 240 + i));
const steady = (on: boolean): void => { for (const a of [train.x, train.y, val.x, val.y]) (on ? markSteady : unmarkSteady)(a); };

const js = createBackend('js');
const build = (seed: number, onJs: boolean): Model => {
  const model = softmaxRegression({ inputs: 2, classes: 3, seed });
  if (!onJs) return model;
  const other = new Model(model.spec, js); model.dispose();
  return other;
};

/** The two passes startPoint stands for. */
function direct(seed: number, onJs = false): { trainLoss: number; loss: number; accuracy: number | undefined } {
  const model = build(seed, onJs);
  const ev = new Evaluator(model, val, 512).run(model.params);
  const out = { trainLoss: new Evaluator(model, train, 512).run(model.params).loss, loss: ev.loss, accuracy: ev.metrics.accuracy };
  model.dispose();
  return out;
}

function viaStart(seed: number, onJs = false): { trainLoss: number; loss: number; accuracy: number | undefined } {
  const model = build(seed, onJs);
  const { trainLoss, ev } = startPoint(model, train, val, new Evaluator(model, val, 512), []);
  model.dispose();
  return { trainLoss, loss: ev.loss, accuracy: ev.metrics.accuracy };
}

describe('a trial\'s starting point', () => {
  it('gives the bits of the two passes, kept for the same weights on steady rows and computed afresh otherwise', () => {
    steady(true);
    try {
      const first = viaStart(4);
      assert.deepEqual(first, direct(4));
      assert.ok(Number.isFinite(first.trainLoss) && first.accuracy !== undefined);
      // Changing labels that were promised steady only shows whether the passes ran again.
      const saved = val.y.slice();
      val.y.set(val.y.map((c) => (c + 1) % 3));
      assert.deepEqual(viaStart(4), first, 'the same weights on steady rows: kept');
      assert.deepEqual(viaStart(5), direct(5), 'other weights: computed');
      const onJs = viaStart(4, true);
      assert.deepEqual(onJs, direct(4, true), 'the same weights on another backend: computed');
      assert.notDeepEqual(onJs, first);
      markSteady(val.y);
      const renewed = viaStart(4);
      assert.deepEqual(renewed, direct(4), 'a new version of the rows: computed');
      assert.notDeepEqual(renewed, first);
      unmarkSteady(val.y);
      val.y.set(saved.map((c) => (c + 2) % 3));
      const loose = viaStart(4);
      assert.deepEqual(loose, direct(4), 'rows not steady: always computed');
      assert.notDeepEqual(loose, renewed);
      val.y.set(saved);
    } finally {
      steady(false);
    }
  });
});
