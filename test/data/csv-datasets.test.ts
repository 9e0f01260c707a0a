// Tests of loadCsv on the shared real data sets, against their READMEs and a naive reference parse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import type { Dataset } from '../../src/data/dataset.js';

/** The shared data sets live next to the repository: <repo>/../shared/datasets. */
const DIR = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** A skip reason when `file` is absent (the tests then print it), else false. */
function skipUnless(file: string): string | false {
  return existsSync(DIR + file) ? false : `${DIR}${file} is absent (the shared data sets are not available here)`;
}

/** A naive reference parse, fine for these files (no quoting): lines split on commas, cells trimmed. */
function referenceRows(file: string): string[][] {
  return readFileSync(DIR + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(',').map((c) => c.trim()));
}

function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.classNames?.length ?? 0).fill(0);
  for (const v of d.y) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Checks every feature against the reference cells (numeric columns only, no header). */
function assertMatchesReference(d: Dataset, rows: string[][], featureCols: number[]): void {
  assert.equal(d.length, rows.length);
  for (let r = 0; r < rows.length; r++) {
    featureCols.forEach((c, j) => {
      const want = Math.fround(Number(rows[r]![c]));
      assert.equal(d.x[r * d.numFeatures + j], want, `row ${r}, column ${c}`);
    });
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('loadCsv on the shared data sets', () => {
  it('pima-indians-diabetes: 768 x 8, classes 0/1 with 500/268 rows', { skip: skipUnless('pima-indians-diabetes.csv') }, async () => {
    const d = await loadCsv(DIR + 'pima-indians-diabetes.csv');
    assert.equal(d.length, 768);
    assert.equal(d.numFeatures, 8);
    assert.deepEqual(d.classNames, ['0', '1']);
    assert.deepEqual(classCounts(d), [500, 268]);
    assertMatchesReference(d, referenceRows('pima-indians-diabetes.csv'), range(8));
  });

  it('banknote_authentication: 1372 x 4, two classes', { skip: skipUnless('banknote_authentication.csv') }, async () => {
    const d = await loadCsv(DIR + 'banknote_authentication.csv');
    assert.equal(d.length, 1372);
    assert.equal(d.numFeatures, 4);
    assert.deepEqual(d.classNames, ['0', '1']);
    assertMatchesReference(d, referenceRows('banknote_authentication.csv'), range(4));
  });

  it('ionosphere: 351 x 34, classes b/g', { skip: skipUnless('ionosphere.csv') }, async () => {
    const d = await loadCsv(DIR + 'ionosphere.csv');
    assert.equal(d.length, 351);
    assert.equal(d.numFeatures, 34);
    assert.deepEqual(d.classNames, ['b', 'g']);
    const rows = referenceRows('ionosphere.csv');
    assertMatchesReference(d, rows, range(34));
    rows.forEach((r, i) => assert.equal(d.classNames![d.y[i]!], r[34]));
  });

  it('iris: 150 x 4, 3 classes of 50', { skip: skipUnless('iris.csv') }, async () => {
    const d = await loadCsv(DIR + 'iris.csv');
    assert.equal(d.length, 150);
    assert.equal(d.numFeatures, 4);
    assert.deepEqual(d.classNames, ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica']);
    assert.deepEqual(classCounts(d), [50, 50, 50]);
    assertMatchesReference(d, referenceRows('iris.csv'), range(4));
  });

  it('abalone: 4177 rows, sex one-hot (3) + 7 numeric, rings a regression target 1..29', { skip: skipUnless('abalone.csv') }, async () => {
    const d = await loadCsv(DIR + 'abalone.csv');
    assert.equal(d.length, 4177);
    assert.deepEqual(d.features, ['col0=F', 'col0=I', 'col0=M', 'col1', 'col2', 'col3', 'col4', 'col5', 'col6', 'col7']);
    assert.equal(d.classNames, undefined, '28 distinct ring counts exceed the 20-class rule');
    const rows = referenceRows('abalone.csv');
    rows.forEach((r, i) => {
      const oneHot = Array.from(d.x.subarray(i * 10, i * 10 + 3));
      assert.deepEqual(oneHot, ['F', 'I', 'M'].map((s) => (r[0] === s ? 1 : 0)), `row ${i}`);
      assert.equal(d.y[i], Number(r[8]));
    });
    let sum = 0; let min = Infinity; let max = -Infinity;
    for (const v of d.y) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
    assert.deepEqual([min, max], [1, 29], 'abalone.names: rings from 1 to 29');
    assert.ok(Math.abs(sum / d.length - 9.934) < 0.001, `mean rings ${sum / d.length}, abalone.names says 9.934`);
    const cls = await loadCsv(DIR + 'abalone.csv', { task: 'classification' });
    assert.equal(cls.classNames!.length, new Set(rows.map((r) => r[8])).size);
  });

  it("adult-train: 32561 rows, categories one-hot as listed in adult.names, '?' filled with missing: 'mean'", { skip: skipUnless('adult-train.csv') || skipUnless('adult.names') }, async () => {
    const d = await loadCsv(DIR + 'adult-train.csv', { missing: 'mean' });
    assert.equal(d.length, 32561, 'adult.names: train=32561');
    const attrs = adultAttributes();
    let expected = 0;
    attrs.forEach((a, c) => {
      if (a.values === null) { assert.ok(d.features.includes(`col${c}`), `numeric column ${a.name}`); expected++; return; }
      const got = d.features.filter((f) => f.startsWith(`col${c}=`)).map((f) => f.slice(`col${c}=`.length));
      assert.deepEqual([...got].sort(), [...a.values].sort(), `categories of ${a.name}`);
      expected += a.values.length;
    });
    assert.equal(d.numFeatures, expected);
    assert.ok(!d.features.some((f) => f.endsWith('=?')), "'?' is missing, never a category");
    assert.deepEqual(d.classNames, ['<=50K', '>50K']);
    const share = classCounts(d)[1]! / d.length;
    assert.ok(share > 0.2 && share < 0.3, `share of >50K is ${share}`);
  });

  it("adult-train with missing: 'drop' keeps the 30162 complete rows", { skip: skipUnless('adult-train.csv') }, async () => {
    const d = await loadCsv(DIR + 'adult-train.csv', { missing: 'drop' });
    const complete = referenceRows('adult-train.csv').filter((r) => !r.includes('?'));
    assert.equal(d.length, complete.length);
    assert.equal(d.length, 30162, 'adult.names: train=30162 without unknowns');
    const numeric = [0, 2, 4, 10, 11, 12];
    complete.forEach((r, i) => {
      for (const c of numeric) assert.equal(d.x[i * d.numFeatures + d.features.indexOf(`col${c}`)], Math.fround(Number(r[c])));
      assert.equal(d.x[i * d.numFeatures + d.features.indexOf(`col1=${r[1]}`)], 1, `row ${i} workclass`);
    });
  });
});

/** Attribute names and their listed values (null for continuous) from adult.names, in column order. */
function adultAttributes(): Array<{ name: string; values: string[] | null }> {
  const out: Array<{ name: string; values: string[] | null }> = [];
  for (const line of readFileSync(DIR + 'adult.names', 'utf8').split(/\r?\n/)) {
    const m = /^([a-z-]+): (.*)\.\s*$/.exec(line);
    if (!m) continue;
    out.push({ name: m[1]!, values: m[2] === 'continuous' ? null : m[2]!.split(',').map((v) => v.trim()) });
  }
  return out;
}
