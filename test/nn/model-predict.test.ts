// Model.predict on raw rows: the model's preprocessing applied exactly once, and bad input refused by row and column.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError, type ErrorCode } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { applyScalingRows, fitScaling } from '../../src/data/scaling.js';
import { mlp } from '../../src/nn/models.js';
import type { Model } from '../../src/nn/model.js';
import { evaluate } from '../../src/train/evaluate.js';
import { bitEqual } from '../helpers/assert-close.js';

function coded(code: ErrorCode, ...parts: string[]): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MinibatchError, `expected a MinibatchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks ${p}`);
    return true;
  };
}

/** Rows on the scale of Pima's raw features (glucose ~150, pedigree ~0.6) and a binary target. */
function rawRows(): { x: number[][]; y: number[] } {
  const x: number[][] = []; const y: number[] = [];
  for (let i = 0; i < 40; i++) { x.push([100 + (i * 37) % 100, (i * 0.013) % 1, 20 + i]); y.push(i % 2); }
  return { x, y };
}

function scaledModel(): { model: Model; data: Dataset } {
  const { x, y } = rawRows();
  const data = Dataset.fromArrays(x, y);
  const model = mlp({ layers: [3, 4, 1], output: 'sigmoid', seed: 3 });
  model.meta = { scaling: fitScaling(data, 'standardize') };
  return { model, data };
}

describe('Model.predict applies the saved preprocessing once', () => {
  it('predict(raw) equals predict(scaled, { preprocessed: true }) bit for bit, and differs from the unscaled forward pass', () => {
    const { model, data } = scaledModel();
    const scaled = applyScalingRows(data.x, 3, model.meta!.scaling!);
    const fromRaw = model.predict(rawRows().x);
    assert.ok(bitEqual(fromRaw, model.predict(scaled, { preprocessed: true })));
    assert.ok(bitEqual(model.predict(data.x), fromRaw));
    const unscaled = model.predict(data.x, { preprocessed: true });
    assert.ok(unscaled.some((v, i) => Math.abs(v - fromRaw[i]!) > 1e-3), 'raw rows were fed to the network without scaling');
  });

  it('exposes the preprocessing (none for method "none" or no meta) and preprocess() returns a scaled copy', () => {
    const { model, data } = scaledModel();
    assert.equal(model.preprocessing?.method, 'standardize');
    const copy = model.preprocess(data.x);
    assert.notEqual(copy, data.x);
    assert.ok(bitEqual(copy, applyScalingRows(data.x, 3, model.meta!.scaling!)));
    model.meta = { scaling: { method: 'none', offset: [0, 0, 0], scale: [1, 1, 1] } };
    assert.equal(model.preprocessing, undefined);
    model.meta = undefined;
    assert.equal(model.preprocessing, undefined);
    assert.ok(bitEqual(model.predict(data.x), model.predict(data.x, { preprocessed: true })));
  });

  it('evaluate(model, rawData) scales once; { preprocessed: true } takes scaled data', () => {
    const { model, data } = scaledModel();
    const scaled = data.withX(applyScalingRows(data.x, 3, model.meta!.scaling!));
    const a = evaluate(model, data); const b = evaluate(model, scaled, { preprocessed: true });
    assert.equal(a.loss, b.loss);
    assert.deepEqual(a.metrics, b.metrics);
    assert.notEqual(evaluate(model, data, { preprocessed: true }).loss, a.loss);
  });
});

describe('Model.predict refuses bad input', () => {
  const model = mlp({ layers: [3, 2, 1], output: 'sigmoid', seed: 1 });
  it('NaN or Infinity, naming row and column', () => {
    assert.throws(() => model.predict([[1, 2, 3], [4, NaN, 6]]), coded('BAD_ARGUMENT', 'row 1, column 1 is NaN', 'finite'));
    assert.throws(() => model.predict(new Float32Array([1, 2, Infinity])), coded('BAD_ARGUMENT', 'row 0, column 2 is Infinity'));
  });
  it('null, a string cell or a non-array row', () => {
    assert.throws(() => model.predict(null as unknown as number[][]), coded('BAD_ARGUMENT', 'got null', 'number[][]'));
    assert.throws(() => model.predict([[1, '2', 3]] as unknown as number[][]), coded('BAD_ARGUMENT', "row 0, column 1 is \"2\""));
    assert.throws(() => model.predict([5] as unknown as number[][]), coded('BAD_SHAPE', 'row 0 is 5'));
  });
});
