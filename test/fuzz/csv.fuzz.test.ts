// Fuzzes loadCsv: random bytes, hostile cells, truncation, long lines; a Dataset or a MinibatchError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MinibatchError } from '../../src/core/errors.js';
import type { CsvOptions } from '../../src/data/csv.js';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import { Dataset } from '../../src/data/dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-fuzz-csv-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** Loads `content` as a CSV; passes when it yields a well-formed Dataset or a MinibatchError. */
async function loadsOrRefuses(content: string | Uint8Array, options: CsvOptions = {}): Promise<void> {
  const path = join(dir, `f${fileNo++}.csv`);
  writeFileSync(path, content);
  let data: Dataset;
  try {
    data = await loadCsv(path, options);
  } catch (err) {
    if (err instanceof MinibatchError) { assert.ok(err.message.length > 0 && err.message.length < 5000, 'a bounded message'); return; }
    throw err;
  } finally {
    rmSync(path, { force: true });
  }
  assert.ok(data instanceof Dataset);
  assert.ok(data.length > 0);
  assert.equal(data.x.length, data.length * data.numFeatures);
  assert.equal(data.y.length, data.length * data.targetWidth);
  assert.equal(data.features.length, data.numFeatures);
  for (const v of data.x) assert.ok(Number.isFinite(v), 'finite features');
  for (const v of data.y) assert.ok(Number.isFinite(v), 'finite targets');
}

const oddText = fc.constantFrom('', '?', ' ', '"', '""', '"a,b"', '"line\nbreak"', 'NaN', 'Infinity', '-Infinity', '0x1F', '1e400', '-1e-400',
  '3.4028235e38', '1e-45', '\u0000', '\uFEFF1', '\u202E', '𝟙', 'é', '\uD800', '__proto__', 'constructor', '\r', '1,2', '-0', '+5', '.5', '5.', '1_000');
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 5e-324, 3.4e38, 1e-40)).map(String);
const cell = fc.oneof({ weight: 3, arbitrary: number }, { weight: 2, arbitrary: oddText }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) });
const table = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 12 })).chain(([cols, rows]) =>
  fc.tuple(
    fc.array(fc.array(cell, { minLength: cols, maxLength: cols + (rows % 5 === 0 ? 1 : 0) }), { minLength: rows, maxLength: rows }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  ).map(([r, eol, header]) => (header ? [Array.from({ length: cols }, (_, i) => `c${i}`), ...r] : r).map((row) => row.join(',')).join(eol)));
const options = fc.record({
  header: fc.constantFrom<CsvOptions['header']>('auto', true, false),
  missing: fc.constantFrom<CsvOptions['missing']>('error', 'drop', 'mean'),
  task: fc.constantFrom<CsvOptions['task']>(undefined, 'classification', 'regression'),
  maxCategories: fc.constantFrom(1, 3, 1000),
}, { requiredKeys: ['header', 'missing', 'maxCategories'] });

describe('loadCsv on hostile input', () => {
  it('random bytes: a Dataset or a MinibatchError', { timeout: 15000 }, async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), options, (b, o) => loadsOrRefuses(b, o)), { seed: 7, numRuns: 120 });
  });

  it('tables of huge, tiny, missing, quoted and odd-Unicode cells, truncated anywhere', { timeout: 15000 }, async () => {
    await fc.assert(fc.asyncProperty(table, fc.double({ min: 0, max: 1, noNaN: true }), options, (text, cut, o) =>
      loadsOrRefuses(text.slice(0, Math.max(1, Math.ceil(text.length * cut))), o)), { seed: 11, numRuns: 250 });
  });

  it('very long lines and an unclosed quote are refused or read, never hang', { timeout: 15000 }, async () => {
    await loadsOrRefuses(`a,b\n${'9'.repeat(300_000)},1\n2,3\n`);
    await loadsOrRefuses(`a,b\n"${'x'.repeat(1_200_000)},1\n2,3\n`);
    await loadsOrRefuses(`${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(19_999)}1\n`);
    await assert.rejects(loadCsv(join(dir, 'absent.csv')), MinibatchError);
  });

  it('header cells named __proto__ and constructor do not pollute prototypes', async () => {
    const path = join(dir, 'proto.csv');
    writeFileSync(path, '__proto__,constructor,prototype,y\nred,1,2,a\nblue,3,4,b\nred,5,6,a\n');
    const d = await loadCsv(path);
    assert.deepEqual(d.features, ['__proto__=blue', '__proto__=red', 'constructor', 'prototype']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });
});
