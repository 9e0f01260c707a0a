// Fuzzes model files (loadModel, modelFromJson): a valid Model or a MinibatchError, never code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MinibatchError } from '../../src/core/errors.js';
import { Model } from '../../src/nn/model.js';
import { modelFromJson, modelToJson } from '../../src/nn/model-json.js';
import { mlp } from '../../src/nn/models.js';
import { loadModel, saveModel } from '../../src/platform/node/model-file.js';
import { setIn, hostileJson, deepJson } from './hostile-json.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-fuzz-model-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const valid = (): Record<string, unknown> => {
  const m = mlp({ layers: [3, 4, 2], activation: 'tanh', output: 'softmax', seed: 2 });
  m.meta = { features: ['a', 'b', 'c'], classNames: ['x', 'y'], training: { note: 'n' } };
  return JSON.parse(JSON.stringify(modelToJson(m, 'test'))) as Record<string, unknown>;
};

function modelOrRefusal(run: () => Model): void {
  let m: Model;
  try { m = run(); } catch (err) {
    if (err instanceof MinibatchError) { assert.equal(err.code === 'BAD_MODEL_FILE' || err.code === 'NOT_FOUND' || err.code === 'IO', true, err.code); return; }
    throw err;
  }
  assert.ok(m instanceof Model);
  for (const v of m.params) assert.ok(!Number.isNaN(v) || true); // any float32 bits are data, never code
  assert.equal(m.params.length, m.spec.layers.reduce((s, w, i, L) => (i + 1 < L.length ? s + w * L[i + 1]! + L[i + 1]! : s), 0));
}

describe('model files on hostile input', () => {
  it('arbitrary JSON values are refused with BAD_MODEL_FILE', { timeout: 10000 }, () => {
    fc.assert(fc.property(hostileJson, (j) => modelOrRefusal(() => modelFromJson(j, 'fuzz.json'))), { seed: 3, numRuns: 300 });
  });

  it('a valid file with any one field replaced by hostile JSON: a valid Model or BAD_MODEL_FILE', { timeout: 10000 }, () => {
    const paths = ['format', 'version', 'model', 'model.kind', 'model.layers', 'model.layers.0', 'model.layers.1', 'model.seed', 'model.init',
      'model.leakySlope', 'weights', 'weights.0', 'weights.1', 'meta', 'meta.features', 'meta.scaling', 'meta.training', 'createdBy', '__proto__', 'constructor'];
    fc.assert(fc.property(fc.constantFrom(...paths), hostileJson, (path, v) => modelOrRefusal(() => modelFromJson(setIn(valid(), path, v), 'fuzz.json'))), { seed: 5, numRuns: 400 });
  });

  it('huge layer sizes are refused before any allocation', () => {
    for (const layers of [[1e7, 1e7], [1e7, 1e7, 1e7], [2 ** 31, 1]]) {
      const j = valid(); (j.model as Record<string, unknown>).layers = layers;
      modelOrRefusal(() => modelFromJson(j, 'huge.json'));
    }
  });

  it('random bytes, truncation and deep nesting on disk: loadModel refuses them', { timeout: 10000 }, async () => {
    const good = join(dir, 'good.json');
    await saveModel(mlp({ layers: [3, 4, 2], activation: 'relu', output: 'softmax' }), good);
    const text = readFileSync(good, 'utf8');
    const cases = fc.sample(fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.integer({ min: 0, max: text.length - 2 }).map((n) => Buffer.from(text.slice(0, n))),
    ), { seed: 9, numRuns: 80 });
    cases.push(Buffer.from(deepJson(100_000)), Buffer.from(`{"format":"minibatch-model","weights":[${'"AAAA",'.repeat(200_000)}"AAAA"]}`));
    for (const [i, bytes] of cases.entries()) {
      const p = join(dir, `c${i}.json`); writeFileSync(p, bytes);
      await loadModel(p).then((m) => modelOrRefusal(() => m), (err: unknown) => modelOrRefusal(() => { throw err; }));
    }
  });

  it('a model file cannot run code or pollute prototypes (__proto__ and constructor payloads)', () => {
    const base = valid();
    const payload = `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`;
    const text = JSON.stringify(base).replace('"meta":{', `"meta":{"training":${payload},`).replace('"training":{"note":"n"},', '');
    const m = modelFromJson(JSON.parse(text), 'proto.json');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(m.meta?.training), Object.prototype);
    const top = JSON.parse(JSON.stringify(base).replace('{', `{"__proto__":{"polluted":"yes"},`)) as unknown;
    modelOrRefusal(() => modelFromJson(top, 'proto.json'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // A getter or function cannot arrive through JSON.parse; a toJSON/valueOf string is inert data.
    const j = valid(); (j.model as Record<string, unknown>).kind = 'function(){throw 1}';
    modelOrRefusal(() => modelFromJson(j, 'code.json'));
  });
});
