// saveModel / loadModel: bit-exact round trips, and damaged or missing files rejected with a code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinibatchError, type ErrorCode } from '../../../src/core/errors.js';
import { JsBackend } from '../../../src/kernels/js/js-backend.js';
import { mlp } from '../../../src/nn/models.js';
import type { Model } from '../../../src/nn/model.js';
import { loadModel, saveModel } from '../../../src/platform/node/model-file.js';
import { bitEqual } from '../../helpers/assert-close.js';
import { normalRows } from '../../helpers/problems.js';

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'minibatch-test-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

function sample(): Model {
  const model = mlp({ layers: [3, 5, 4, 3], activation: 'leaky-relu', output: 'softmax', seed: 9, leakySlope: 0.05 });
  // Values that only survive a bit-exact encoding: subnormals, -0, and non-round fractions.
  model.params[0] = 1.4e-45; model.params[1] = -0; model.params[2] = 1 / 3;
  model.meta = {
    features: ['a', 'b', 'c'], classNames: ['x', 'y', 'z'], targets: ['label'],
    scaling: { method: 'standardize', offset: [1, 2, 3], scale: [0.5, 1, 2] },
    training: { optimizer: 'adam', batchSize: 16, seed: 3 },
  };
  return model;
}

/** Writes `content` (a string, or an object as JSON) to a fresh file and returns its path. */
async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function savedJson(): Promise<Record<string, unknown> & { weights: string[] }> {
  const path = join(dir, `saved-${Math.random().toString(36).slice(2)}.json`);
  await saveModel(sample(), path);
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> & { weights: string[] };
}

function rejectsWith(code: ErrorCode, ...parts: string[]): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MinibatchError, `expected a MinibatchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
    return true;
  };
}

const f32base64 = (values: number[]): string => Buffer.from(Float32Array.from(values).buffer).toString('base64');

describe('saveModel and loadModel', () => {
  it('round-trip: weights bit-identical, predictions identical, spec and meta kept', async () => {
    const model = sample(); const path = join(dir, 'model.json');
    await saveModel(model, path);
    const again = await loadModel(path);
    assert.ok(bitEqual(again.params, model.params), 'weights');
    assert.ok(Object.is(again.params[1], -0), '-0 survives');
    assert.deepEqual(again.spec, model.spec);
    assert.deepEqual(again.meta, model.meta);
    const x = normalRows(20, 3, 4);
    assert.ok(bitEqual(again.predict(x), model.predict(x)), 'predictions');
  });

  it('uses the backend it is given', async () => {
    const path = join(dir, 'backend.json'); const backend = new JsBackend();
    await saveModel(sample(), path);
    assert.equal((await loadModel(path, { backend })).backend, backend);
  });

  it('overwrites an existing file and leaves no temporary files behind', async () => {
    const path = join(dir, 'twice.json');
    await saveModel(mlp({ layers: [1, 1], output: 'linear' }), path);
    await saveModel(sample(), path);
    assert.deepEqual((await loadModel(path)).spec, sample().spec);
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('a missing file is NOT_FOUND', () =>
    assert.rejects(loadModel(join(dir, 'nope.json')), rejectsWith('NOT_FOUND', 'nope.json', 'no such file')));

  it('saving into a missing folder is an IO error', () =>
    assert.rejects(saveModel(sample(), join(dir, 'no-such-dir', 'm.json')), rejectsWith('IO', 'no-such-dir')));
});

describe('loadModel rejects damaged files with BAD_MODEL_FILE', () => {
  it('truncated JSON', async () => {
    const text = JSON.stringify(await savedJson());
    await assert.rejects(loadModel(await file('truncated.json', text.slice(0, text.length / 2))), rejectsWith('BAD_MODEL_FILE', 'not valid JSON', 'truncated'));
  });

  it('an empty file', async () => {
    await assert.rejects(loadModel(await file('empty.json', '')), rejectsWith('BAD_MODEL_FILE'));
  });

  it('the wrong format', async () => {
    await assert.rejects(loadModel(await file('format.json', { ...(await savedJson()), format: 'keras' })), rejectsWith('BAD_MODEL_FILE', 'not a minibatch model file'));
    await assert.rejects(loadModel(await file('array.json', [1, 2])), rejectsWith('BAD_MODEL_FILE'));
    await assert.rejects(loadModel(await file('null.json', 'null')), rejectsWith('BAD_MODEL_FILE'));
  });

  it('the wrong version', async () => {
    await assert.rejects(loadModel(await file('version.json', { ...(await savedJson()), version: 2 })), rejectsWith('BAD_MODEL_FILE', 'version 2', 'reads version 1'));
  });

  it('an unknown field or a bad spec', async () => {
    const j = await savedJson();
    await assert.rejects(loadModel(await file('extra.json', { ...j, extra: 1 })), rejectsWith('BAD_MODEL_FILE', 'damaged'));
    const spec = j.model as Record<string, unknown>;
    await assert.rejects(loadModel(await file('act.json', { ...j, model: { ...spec, activation: 'swish' } })), rejectsWith('BAD_MODEL_FILE', 'model.activation'));
    await assert.rejects(loadModel(await file('layers.json', { ...j, model: { ...spec, layers: [3, 0, 3] } })), rejectsWith('BAD_MODEL_FILE', 'model.layers'));
  });

  it('a weight array of the wrong length', async () => {
    const j = await savedJson();
    j.weights[1] = f32base64([1, 2]);
    // 3-5-4-3 has 3x5 + 5 + 5x4 + 4 + 4x3 + 3 = 59 weights; b1 lost 3 of its 5.
    await assert.rejects(loadModel(await file('length.json', j)), rejectsWith('BAD_MODEL_FILE', 'layers 3-5-4-3 need 59 weights', 'holds 56'));
    const k = await savedJson();
    k.weights.pop();
    await assert.rejects(loadModel(await file('count.json', k)), rejectsWith('BAD_MODEL_FILE', 'need 59 weights', 'holds 56'));
    const m = await savedJson();
    [m.weights[0], m.weights[2]] = [m.weights[2]!, m.weights[0]!];
    await assert.rejects(loadModel(await file('swapped.json', m)), rejectsWith('BAD_MODEL_FILE', 'weight array 0 must have 15 values', 'got 20'));
  });

  it('a spec far larger than its weights, refused before allocating it', async () => {
    const j = await savedJson();
    const huge = { ...j, model: { ...(j.model as Record<string, unknown>), layers: [100000, 100000, 100000] } };
    await assert.rejects(loadModel(await file('huge.json', huge)), rejectsWith('BAD_MODEL_FILE', 'need 20000200000 weights', 'holds 59'));
  });

  it('bytes that are not a whole number of float32 values', async () => {
    const j = await savedJson();
    j.weights[1] = Buffer.from([1, 2, 3]).toString('base64');
    await assert.rejects(loadModel(await file('bytes.json', j)), rejectsWith('BAD_MODEL_FILE', 'weights[1]'));
  });

  it('non-base64 garbage, alone or inside valid weights', async () => {
    const j = await savedJson();
    j.weights[0] = '!!!! this is not base64 ####';
    await assert.rejects(loadModel(await file('garbage.json', j)), rejectsWith('BAD_MODEL_FILE', 'weights[0]'));
    const k = await savedJson();
    const w = k.weights[2]!;
    k.weights[2] = `${w.slice(0, 8)}#*!${w.slice(8)}`;
    await assert.rejects(loadModel(await file('garbage-inside.json', k)), rejectsWith('BAD_MODEL_FILE', 'weights[2]', 'base64'));
  });

  it('NaN or infinite weights', async () => {
    const j = await savedJson();
    j.weights[1] = f32base64([0, NaN, 0, 0, 0]);
    await assert.rejects(loadModel(await file('nan.json', j)), rejectsWith('BAD_MODEL_FILE', 'NaN', 'finite'));
    j.weights[1] = f32base64([0, 0, Infinity, 0, 0]);
    await assert.rejects(loadModel(await file('inf.json', j)), rejectsWith('BAD_MODEL_FILE', 'Infinity'));
  });
});
