// Tests of loadCsv on small fixture files: syntax, headers, targets, categories, missing values, errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { CsvOptions } from '../../src/data/csv.js';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import { MinibatchError, type ErrorCode } from '../../src/core/errors.js';
import type { Dataset } from '../../src/data/dataset.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/csv/', import.meta.url));
const fixture = (name: string): string => FIXTURES + name;
const load = (name: string, options?: CsvOptions): Promise<Dataset> => loadCsv(fixture(name), options);

/** Row `r` of x as plain numbers. */
const row = (d: Dataset, r: number): number[] => Array.from(d.x.subarray(r * d.numFeatures, (r + 1) * d.numFeatures));

/** Expects a MinibatchError with `code` whose message matches every pattern. */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof MinibatchError, `expected a MinibatchError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const re of patterns) assert.match(err.message, re);
    return true;
  });
}

function assertFinite(d: Dataset): void {
  for (let i = 0; i < d.x.length; i++) assert.ok(Number.isFinite(d.x[i]!), `x[${i}] is ${d.x[i]}`);
  for (let i = 0; i < d.y.length; i++) assert.ok(Number.isFinite(d.y[i]!), `y[${i}] is ${d.y[i]}`);
}

describe('loadCsv syntax', () => {
  it('reads quoted fields with embedded commas, doubled quotes and line breaks', async () => {
    const d = await load('quoted.csv');
    assert.equal(d.length, 4);
    assert.deepEqual(d.features, ['id', 'comment=hello, world', 'comment=plain', 'comment=she said "hi"', 'comment=two\nlines', 'size']);
    assert.deepEqual(d.classNames, ['no', 'yes']);
    assert.deepEqual(Array.from(d.y), [1, 0, 1, 0]);
    assert.deepEqual(row(d, 1), [2, 0, 0, 1, 0, 2.5]);
    assert.deepEqual(row(d, 2), [3, 0, 0, 0, 1, 3.5]);
  });

  it('handles a UTF-8 BOM, CRLF line ends, spaces after commas and a trailing blank line', async () => {
    const d = await load('crlf-bom.csv');
    assert.deepEqual(d.features, ['a', 'b'], 'the BOM is not part of the first name');
    assert.deepEqual(d.targets, ['target']);
    assert.equal(d.length, 4);
    assert.deepEqual(Array.from(d.x), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(d.y), [0, 1, 0, 1]);
    assert.deepEqual(d.classNames, ['0', '1']);
  });

  it('reads a file without a header, naming features col0, col1, ...', async () => {
    const d = await load('no-header.csv');
    assert.equal(d.length, 4);
    assert.deepEqual(d.features, ['col0', 'col1']);
    assert.deepEqual(d.targets, ['col2']);
    assert.equal(d.classNames, undefined, 'fractional targets mean regression');
    assert.deepEqual(Array.from(d.y), [3.5, 6.5, 9.25, 12.75]);
  });

  it('takes header: true and header: false as given', async () => {
    const named = await load('no-header.csv', { header: true });
    assert.equal(named.length, 3);
    assert.deepEqual(named.features, ['1', '2']);
    await rejectsWith(load('crlf-bom.csv', { header: false }), 'BAD_CSV', /line 1, column "col0" \(index 0\)/, /"a" is not a number/);
  });

  it('reports a ragged row with its line, also after a quoted CRLF line break', async () => {
    await rejectsWith(load('ragged.csv'), 'BAD_CSV', /ragged\.csv, line 3: the row has 2 fields but the first row \(line 1\) has 3/, /quote fields/);
    await rejectsWith(load('ragged-after-multiline.csv'), 'BAD_CSV', /line 4: the row has 2 fields/);
  });

  it('reports an unclosed quote', async () => {
    await rejectsWith(load('unclosed-quote.csv'), 'BAD_CSV', /unclosed-quote\.csv/, /never closed/);
  });

  it('refuses empty files, blank-only files and header-only files', async () => {
    await rejectsWith(load('empty.csv'), 'BAD_CSV', /empty\.csv is empty/);
    await rejectsWith(load('blank-lines.csv'), 'BAD_CSV', /blank-lines\.csv is empty/);
    await rejectsWith(load('header-only.csv'), 'EMPTY_DATASET', /header line but no data rows/);
  });

  it('counts skipped blank lines in the line numbers it reports', async () => {
    await rejectsWith(load('blank-middle.csv'), 'MISSING_VALUE', /blank-middle\.csv, line 5, column "a" \(index 0\)/);
  });

  it('refuses a column with more distinct texts than maxCategories', async () => {
    await rejectsWith(load('quoted.csv', { maxCategories: 2 }), 'BAD_CSV', /more than 2 distinct non-numeric values/, /maxCategories/);
    await rejectsWith(load('string-labels.csv', { maxCategories: 2 }), 'BAD_CSV', /column "col2" \(index 2\) has 3 distinct values, above maxCategories \(2\)/);
    const d = await load('quoted.csv', { maxCategories: 4 });
    assert.equal(d.numFeatures, 6);
  });

  it('refuses a file that does not exist, and one above maxBytes', async () => {
    await rejectsWith(load('no-such-file.csv'), 'NOT_FOUND', /no-such-file\.csv does not exist/);
    await rejectsWith(load('quoted.csv', { maxBytes: 10 }), 'BAD_CSV', /maxBytes/);
  });
});

describe('loadCsv values', () => {
  it('names file, line and column of a non-number in a numeric column and suggests categorical', async () => {
    await rejectsWith(load('non-numeric.csv'), 'BAD_CSV', /non-numeric\.csv, line 3, column "b" \(index 1\)/, /"x" is not a number/, /categorical: \["b"\]/);
  });

  it('does not take hexadecimal literals for numbers, but takes exponents', async () => {
    await rejectsWith(load('hex.csv'), 'BAD_CSV', /line 3, column "a" \(index 0\): "0x10" is not a number/);
    const d = await load('hex.csv', { categorical: ['a'] });
    assert.deepEqual(d.features, ['a=0x10', 'a=1e3', 'a=2', 'a=3', 'a=4']);
  });

  it('one-hot encodes text columns and forced categorical columns, categories sorted', async () => {
    const d = await load('categorical.csv');
    assert.deepEqual(d.features, ['sex=F', 'sex=I', 'sex=M', 'zone', 'length']);
    assert.deepEqual(row(d, 0), [0, 0, 1, 1, Math.fround(0.455)]);
    assert.deepEqual(row(d, 2), [0, 1, 0, 3, Math.fround(0.33)]);
    assert.equal(d.classNames, undefined, '5 distinct values in 6 rows is regression');
    assertFinite(d);
    const forced = await load('categorical.csv', { categorical: ['zone'] });
    assert.deepEqual(forced.features, ['sex=F', 'sex=I', 'sex=M', 'zone=1', 'zone=2', 'zone=3', 'length']);
    assert.deepEqual(row(forced, 1), [1, 0, 0, 0, 1, 0, Math.fround(0.53)]);
    const byIndex = await load('categorical.csv', { categorical: [1] });
    assert.deepEqual(byIndex.features, forced.features);
  });
});

describe('loadCsv targets', () => {
  it('maps text labels to sorted class indices', async () => {
    const d = await load('string-labels.csv');
    assert.deepEqual(d.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(Array.from(d.y), [0, 1, 2, 0, 1, 2]);
    assert.equal(d.classCount(), 3);
  });

  it('keeps numeric labels in numeric order (0 -> 0, 1 -> 1; 1 < 2 < 10)', async () => {
    const bin = await load('binary-labels.csv');
    assert.deepEqual(bin.classNames, ['0', '1']);
    assert.deepEqual(Array.from(bin.y), [1, 0, 1, 0]);
    const multi = await load('numeric-labels.csv');
    assert.deepEqual(multi.classNames, ['1', '2', '10']);
    assert.deepEqual(Array.from(multi.y), [2, 1, 0, 2, 1, 0, 1, 2]);
  });

  it('takes the target by name, index or colN, and reads no target with target: null', async () => {
    const byName = await load('categorical.csv', { target: 'length' });
    assert.deepEqual(byName.targets, ['length']);
    assert.deepEqual(byName.features, ['sex=F', 'sex=I', 'sex=M', 'zone', 'rings']);
    assert.deepEqual(Array.from(byName.y), Array.from(Float32Array.from([0.455, 0.53, 0.33, 0.44, 0.55, 0.425])));
    const byIndex = await load('categorical.csv', { target: 2 });
    assert.deepEqual(Array.from(byIndex.y), Array.from(byName.y));
    const col0 = await load('no-header.csv', { target: 'col0' });
    assert.deepEqual(col0.features, ['col1', 'col2']);
    assert.deepEqual(Array.from(col0.y), [1, 4, 7, 10]);
    const none = await load('categorical.csv', { target: null });
    assert.equal(none.numFeatures, 6);
    assert.equal(none.y.length, 0);
  });

  it('honours task, and refuses regression on text labels', async () => {
    const cls = await load('no-header.csv', { task: 'classification' });
    assert.deepEqual(cls.classNames, ['3.5', '6.5', '9.25', '12.75']);
    const reg = await load('binary-labels.csv', { task: 'regression' });
    assert.equal(reg.classNames, undefined);
    await rejectsWith(load('string-labels.csv', { task: 'regression' }), 'BAD_CSV', /regression needs numbers/, /task: 'classification'/);
  });

  it('names the columns when the target does not exist', async () => {
    await rejectsWith(load('crlf-bom.csv', { target: 'nope' }), 'NOT_FOUND', /no target column "nope"/, /"a", "b", "target"/);
    await rejectsWith(load('crlf-bom.csv', { target: 7 }), 'NOT_FOUND', /index 7 does not exist/, /3 columns/);
    await rejectsWith(load('no-header.csv', { header: false, target: 'y' }), 'NOT_FOUND', /header: false/);
    await rejectsWith(load('crlf-bom.csv', { categorical: ['zzz'] }), 'NOT_FOUND', /categorical column "zzz"/);
  });

  it('validates its options', async () => {
    await rejectsWith(load('quoted.csv', { missing: 'zero' as never }), 'BAD_ARGUMENT', /missing must be one of/);
    await rejectsWith(load('quoted.csv', { header: 'yes' as never }), 'BAD_ARGUMENT', /header must be/);
    await rejectsWith(load('quoted.csv', { target: -1 }), 'BAD_ARGUMENT', /target/);
  });
});

describe('loadCsv missing values', () => {
  it("missing: 'error' (the default) names the first missing cell and the options that handle it", async () => {
    await rejectsWith(load('missing.csv'), 'MISSING_VALUE', /missing\.csv, line 3, column "num" \(index 0\)/, /missing: 'drop'/, /missing: 'mean'/);
  });

  it("missing: 'drop' drops every row with a missing cell", async () => {
    const d = await load('missing.csv', { missing: 'drop' });
    assert.equal(d.length, 5);
    assert.deepEqual(d.features, ['num', 'color=blue', 'color=green', 'color=red']);
    assert.deepEqual(Array.from(d.x), [1, 0, 0, 1, 5, 0, 0, 1, 2, 1, 0, 0, 4, 0, 1, 0, 6, 0, 0, 1]);
    assert.deepEqual(Array.from(d.y), [0, 1, 0, 1, 1]);
  });

  it("missing: 'mean' fills numbers with the mean and categories with the most frequent value", async () => {
    const d = await load('missing.csv', { missing: 'mean' });
    assert.equal(d.length, 7, 'only the row with a missing target is dropped');
    const kept = [1, 3, 5, 2, 4, 6]; // the non-missing num values of the kept rows
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    assert.deepEqual(row(d, 1), [mean, 1, 0, 0], 'line 3: num filled with the mean');
    assert.deepEqual(row(d, 2), [3, 0, 0, 1], 'line 4: color filled with red, the most frequent');
    assertFinite(d);
  });
});
