// Streaming benchmark: a >= 2 GB generated CSV trains for an epoch under 300 MB RSS; rows/s for CSV and cache.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { openBinaryCache, writeBinaryCache } from '../src/platform/node/binary-cache.js';
import { scalingFromStats, type RowSource } from '../src/data/stream-csv.js';
import { streamCsv } from '../src/platform/node/stream-csv.js';
import { logisticRegression } from '../src/nn/models.js';
import { sgd } from '../src/optim/sgd.js';
import { fitStream } from '../src/train/fit-stream.js';

export interface StreamingResult {
  csvBytes: number; rows: number; features: number;
  generateSeconds: number; firstPassRowsPerSecond: number; csvEpochRowsPerSecond: number;
  cacheBuildSeconds: number; cacheBytes: number; cacheEpochRowsPerSecond: number;
  peakRssMB: number; trainLoss: { csv: number; cache: number };
}

const FEATURES = 20;

/** Free bytes on the file system holding `dir` (from df). */
function freeBytes(dir: string): number {
  const out = execFileSync('df', ['-k', '--output=avail', dir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop()) * 1024;
}

/** Writes rows of FEATURES numbers and a 0/1 label until the file holds `bytes`. */
function generate(path: string, bytes: number): number {
  const rng = new Rng(1); const w = Array.from({ length: FEATURES }, () => rng.normal());
  const fd = openSync(path, 'w'); let written = 0; let rows = 0;
  try {
    writeSync(fd, Array.from({ length: FEATURES }, (_, j) => `x${j}`).join(',') + ',label\n');
    while (written < bytes) {
      const lines: string[] = [];
      for (let i = 0; i < 20000; i++) {
        let z = 0; let line = '';
        for (let j = 0; j < FEATURES; j++) { const v = rng.normal(); z += v * w[j]!; line += `${v.toFixed(6)},`; }
        lines.push(`${line}${z + rng.normal() > 0 ? 1 : 0}`);
      }
      written += writeSync(fd, lines.join('\n') + '\n'); rows += lines.length;
    }
  } finally { closeSync(fd); }
  return rows;
}

async function epoch(src: RowSource): Promise<{ rowsPerSecond: number; loss: number }> {
  const model = logisticRegression({ inputs: src.numFeatures, seed: 1 });
  const t0 = performance.now();
  const h = await fitStream(model, src, { batchSize: 256, epochs: 1, bufferRows: 65536, optimizer: sgd({ learningRate: 0.1 }), scaling: scalingFromStats(src.stats, 'standardize') });
  return { rowsPerSecond: src.rows / ((performance.now() - t0) / 1000), loss: h.records[0]!.trainLoss };
}

/** Runs the benchmark (needs about 3.5 GB free in os.tmpdir()); deletes its files afterwards. */
export async function benchStreaming(o: { bytes?: number; log?: (s: string) => void } = {}): Promise<StreamingResult> {
  const bytes = o.bytes ?? 2.1e9; const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = tmpdir(); const need = bytes * 1.6;
  if (freeBytes(dir) < need) throw new Error(`the streaming benchmark needs ${(need / 1e9).toFixed(1)} GB free in ${dir}, ${(freeBytes(dir) / 1e9).toFixed(1)} GB are`);
  const csv = join(dir, `minibatch-stream-bench-${process.pid}.csv`); const cache = `${csv}.mbc`;
  try {
    let t = performance.now();
    const rows = generate(csv, bytes);
    const generateSeconds = (performance.now() - t) / 1000;
    log(`generated ${(statSync(csv).size / 1e9).toFixed(2)} GB, ${rows} rows in ${generateSeconds.toFixed(0)} s`);
    t = performance.now();
    const src = await streamCsv(csv);
    const firstPass = src.rows / ((performance.now() - t) / 1000);
    log(`first pass (statistics): ${firstPass.toFixed(0)} rows/s`);
    const c = await epoch(src);
    log(`CSV epoch: ${c.rowsPerSecond.toFixed(0)} rows/s, loss ${c.loss.toFixed(4)}`);
    t = performance.now();
    await writeBinaryCache(src, cache);
    const cacheBuildSeconds = (performance.now() - t) / 1000;
    const b = await epoch(await openBinaryCache(cache));
    log(`cache epoch: ${b.rowsPerSecond.toFixed(0)} rows/s, loss ${b.loss.toFixed(4)}`);
    return {
      csvBytes: statSync(csv).size, rows: src.rows, features: FEATURES, generateSeconds, firstPassRowsPerSecond: firstPass,
      csvEpochRowsPerSecond: c.rowsPerSecond, cacheBuildSeconds, cacheBytes: statSync(cache).size, cacheEpochRowsPerSecond: b.rowsPerSecond,
      peakRssMB: process.resourceUsage().maxRSS / 1024, trainLoss: { csv: c.loss, cache: b.loss },
    };
  } finally {
    rmSync(csv, { force: true }); rmSync(cache, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchStreaming();
  console.log(JSON.stringify(r, null, 2));
  if (r.peakRssMB >= 300) { console.error(`peak RSS ${r.peakRssMB.toFixed(0)} MB is above the 300 MB target`); process.exitCode = 1; }
}
