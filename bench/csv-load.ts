// CSV loading benchmark: loadCsv time and MB/s on adult-train.csv and a generated ~100 MB file.
import { open, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng } from '../src/core/rng.js';
import type { CsvOptions } from '../src/data/csv.js';
import { loadCsv } from '../src/platform/node/csv-file.js';

/** One measured load: file size in MB (10^6 bytes), wall seconds, throughput and rows read. */
export interface CsvLoadResult {
  name: string;
  mb: number;
  seconds: number;
  mbPerSecond: number;
  rows: number;
}

/** <repo>/../shared/datasets/adult-train.csv, resolved from the compiled file in dist/bench/. */
const ADULT = fileURLToPath(new URL('../../../shared/datasets/adult-train.csv', import.meta.url));
const FEATURES = 10;

/**
 * Loads adult-train.csv (32,561 mixed rows, one-hot and `?` filled by missing: 'mean'; skipped
 * with a note when the shared data sets are absent) and a generated numeric CSV of about
 * `syntheticMb` MB (10 features and a 0/1 target, written to the OS temp folder and deleted
 * afterwards). Each file is loaded once after generation; times are wall-clock.
 */
export async function benchCsvLoad(options: { syntheticMb?: number; log?: (line: string) => void } = {}): Promise<CsvLoadResult[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const results: CsvLoadResult[] = [];
  if (existsSync(ADULT)) results.push(await measure('adult-train.csv (mixed, one-hot)', ADULT, { missing: 'mean' }));
  else log(`csv-load: skipping adult-train.csv, ${ADULT} is absent`);
  const file = join(tmpdir(), `minibatch-csv-bench-${process.pid}.csv`);
  try {
    await writeNumericCsv(file, (options.syntheticMb ?? 100) * 1e6);
    results.push(await measure(`generated numeric (${FEATURES} features)`, file, {}));
  } finally {
    await rm(file, { force: true });
  }
  return results;
}

async function measure(name: string, path: string, options: CsvOptions): Promise<CsvLoadResult> {
  const bytes = (await stat(path)).size;
  const t0 = performance.now();
  const data = await loadCsv(path, options);
  const seconds = (performance.now() - t0) / 1000;
  const mb = bytes / 1e6;
  return { name, mb, seconds, mbPerSecond: mb / seconds, rows: data.length };
}

/** Writes seeded rows `x0..x9,y` (6 significant digits, y = 0/1) until the file holds `bytes`. */
async function writeNumericCsv(path: string, bytes: number): Promise<void> {
  const rng = new Rng(1);
  const fh = await open(path, 'w');
  try {
    let written = 0;
    while (written < bytes) {
      const lines: string[] = [];
      for (let r = 0; r < 10000; r++) {
        const cells: string[] = [];
        let s = 0;
        for (let j = 0; j < FEATURES; j++) { const v = rng.normal(); s += v; cells.push(v.toPrecision(6)); }
        cells.push(s > 0 ? '1' : '0');
        lines.push(cells.join(','));
      }
      const chunk = lines.join('\n') + '\n';
      await fh.write(chunk);
      written += Buffer.byteLength(chunk);
    }
  } finally {
    await fh.close();
  }
}

/** The results as a markdown table. */
export function csvLoadTable(results: CsvLoadResult[]): string {
  const head = '| file | MB | rows | seconds | MB/s |\n| --- | ---: | ---: | ---: | ---: |';
  const rows = results.map((r) => `| ${r.name} | ${r.mb.toFixed(1)} | ${r.rows} | ${r.seconds.toFixed(2)} | ${r.mbPerSecond.toFixed(1)} |`);
  return [head, ...rows].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(csvLoadTable(await benchCsvLoad()));
}
