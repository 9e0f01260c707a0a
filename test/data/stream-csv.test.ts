// streamCsv, the binary cache and fitStream: every row once per epoch, shuffled, first-pass statistics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinibatchError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import { fitScaling } from '../../src/data/scaling.js';
import { scalingFromStats, type RowSource } from '../../src/data/stream-csv.js';
import { streamCsv } from '../../src/platform/node/stream-csv.js';
import { openBinaryCache, writeBinaryCache } from '../../src/platform/node/binary-cache.js';
import { logisticRegression } from '../../src/nn/models.js';
import { adam } from '../../src/optim/adam.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { assertAllClose } from '../helpers/assert-close.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-stream-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** 2000 rows: id, two features, a 0/1 label (label = 1 when a + b > 0). */
function writeCsv(name: string, header = true, eol = '\n'): string {
  const rng = new Rng(4); const lines = header ? ['id,a,b,label'] : [];
  for (let i = 0; i < 2000; i++) {
    const a = rng.normal() * 3 + 1; const b = rng.normal();
    lines.push(`${i},${a.toFixed(5)},${b.toFixed(5)},${a + b > 1 ? 1 : 0}`);
  }
  const p = join(dir, name); writeFileSync(p, lines.join(eol) + eol); return p;
}

async function idsOfEpoch(src: RowSource, rng?: Rng, bufferRows = 300): Promise<number[]> {
  const ids: number[] = [];
  for await (const d of src.chunks({ bufferRows, ...(rng ? { rng } : {}) })) {
    assert.ok(d.length <= bufferRows);
    for (let i = 0; i < d.length; i++) ids.push(d.x[i * d.numFeatures]!);
  }
  return ids;
}

describe('streamCsv', () => {
  it('types columns as loadCsv does and computes the same scaling statistics in one pass', async () => {
    const p = writeCsv('a.csv');
    const s = await streamCsv(p, { blockBytes: 4096 });
    const d = await loadCsv(p);
    assert.equal(s.rows, 2000); assert.deepEqual(s.features, d.features); assert.deepEqual(s.classNames, d.classNames);
    for (const m of ['standardize', 'minmax'] as const) {
      const a = scalingFromStats(s.stats, m); const b = fitScaling(d, m);
      assertAllClose(a.offset, b.offset, { rtol: 1e-9, atol: 1e-9 }); assertAllClose(a.scale, b.scale, { rtol: 1e-9 });
    }
  });

  it('visits every row exactly once per epoch: file order without a generator, a new block and row order each epoch with one', async () => {
    for (const [name, header, eol] of [['b.csv', true, '\n'], ['c.csv', false, '\r\n']] as const) {
      const s = await streamCsv(writeCsv(name, header, eol), { blockBytes: 4096 });
      const all = Array.from({ length: 2000 }, (_, i) => i);
      assert.deepEqual(await idsOfEpoch(s), all);
      const rng = new Rng(1);
      const e1 = await idsOfEpoch(s, rng); const e2 = await idsOfEpoch(s, rng);
      assert.deepEqual([...e1].sort((x, y) => x - y), all); assert.deepEqual([...e2].sort((x, y) => x - y), all);
      assert.notDeepEqual(e1, e2);
      assert.ok(e1.slice(0, 300).some((id) => id >= 1000), 'rows from late blocks reach the first buffer');
    }
  });

  it('refuses text, quotes and missing cells with the line and a pointer to loadCsv', async () => {
    const p = join(dir, 'bad.csv'); writeFileSync(p, 'a,b\n1,2\n3,"x"\n');
    await assert.rejects(streamCsv(p), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_CSV' && /line 3, column "b".*use loadCsv/.test(e.message));
    writeFileSync(p, 'a,b\n1,2\n3,?\n');
    await assert.rejects(streamCsv(p), /line 3/);
    writeFileSync(p, 'a,b\n1,2\n3\n');
    await assert.rejects(streamCsv(p), /line 3: the row has 1 fields/);
    await assert.rejects(streamCsv(join(dir, 'absent.csv')), (e: unknown) => e instanceof MinibatchError && e.code === 'NOT_FOUND');
  });
});

describe('binary cache', () => {
  it('round-trips the rows, names, classes and statistics, and shuffles blocks of rows', async () => {
    const s = await streamCsv(writeCsv('d.csv'));
    const cache = join(dir, 'd.mbc');
    await writeBinaryCache(s, cache);
    const c = await openBinaryCache(cache, { blockBytes: 4096 });
    assert.equal(c.rows, 2000); assert.deepEqual(c.features, s.features); assert.deepEqual(c.classNames, s.classNames);
    assert.deepEqual(Array.from(c.stats.mean), Array.from(s.stats.mean));
    const rows = async (src: RowSource): Promise<number[]> => { const out: number[] = []; for await (const d of src.chunks({ bufferRows: 500 })) out.push(...d.x, ...d.y); return out; };
    assert.deepEqual(await rows(c), await rows(s));
    const e = await idsOfEpoch(c, new Rng(2));
    assert.deepEqual([...e].sort((x, y) => x - y), Array.from({ length: 2000 }, (_, i) => i));
  });

  it('refuses a truncated or foreign file', async () => {
    const s = await streamCsv(writeCsv('e.csv'));
    const cache = join(dir, 'e.mbc');
    await writeBinaryCache(s, cache);
    truncateSync(cache, 5000);
    await assert.rejects(openBinaryCache(cache), /not a valid minibatch cache .*truncated/);
    writeFileSync(cache, 'hello world, not a cache at all....');
    await assert.rejects(openBinaryCache(cache), /wrong magic/);
  });
});

describe('fitStream', () => {
  it('trains from a CSV stream and from its cache with fit records, deterministically', async () => {
    const s = await streamCsv(writeCsv('f.csv'), { blockBytes: 8192 });
    const cache = join(dir, 'f.mbc'); await writeBinaryCache(s, cache);
    const c = await openBinaryCache(cache, { blockBytes: 8192 });
    const scaling = scalingFromStats(s.stats, 'standardize');
    const train = async (src: RowSource) => {
      const m = logisticRegression({ inputs: 3, seed: 1 });
      const h = await fitStream(m, src, { batchSize: 32, epochs: 3, bufferRows: 250, optimizer: adam({ learningRate: 0.05 }), scaling, seed: 3 });
      return { h, params: Array.from(m.params) };
    };
    const a = await train(s); const again = await train(s); const b = await train(c);
    assert.deepEqual(a.params, again.params, 'same seed, same bits');
    for (const r of [a, b]) {
      assert.deepEqual(r.h.records.map((x) => x.examplesSeen), [2000, 4000, 6000]);
      assert.deepEqual(r.h.records.map((x) => x.updates), [63, 126, 189], 'bufferRows rounds up to 256: full batches but the last');
      assert.ok(r.h.records[2]!.trainLoss < r.h.records[0]!.trainLoss);
      assert.ok(r.h.records[2]!.metrics.accuracy! > 0.95, `accuracy ${r.h.records[2]!.metrics.accuracy}`);
    }
  });
});
