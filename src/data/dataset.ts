// Dataset: rows of float32 features (row-major) with their targets, names and class names.
import { MinibatchError } from '../core/errors.js';
import { show } from '../core/check.js';
import { adviseHugePages } from '../kernels/host.js';

/** What the targets are: class indices (with class names), 0/1, or real numbers. */
export interface DatasetMeta {
  /** Feature (column) names, one per feature; defaults to x0, x1, ... */
  features?: string[];
  /** Names of the classes, index i naming class i (for classification targets). */
  classNames?: string[];
  /** Names of the target columns (one for a single target). */
  targets?: string[];
}

/**
 * A table of `length` rows: `x` holds `numFeatures` float32 features per row (row-major),
 * `y` holds `targetWidth` values per row (one for classification and single-output regression).
 * Immutable by convention: training reads it, never writes it.
 */
export class Dataset {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly length: number;
  readonly numFeatures: number;
  readonly targetWidth: number;
  readonly features: string[];
  readonly targets: string[];
  readonly classNames: string[] | undefined;

  constructor(x: Float32Array, y: Float32Array, length: number, meta: DatasetMeta = {}) {
    if (length < 0 || !Number.isInteger(length)) throw new MinibatchError('BAD_SHAPE', `row count must be a whole number, got ${length}`);
    const nf = length === 0 ? (meta.features?.length ?? 0) : x.length / length;
    const tw = length === 0 ? (meta.targets?.length ?? 1) : y.length / length;
    if (!Number.isInteger(nf) || !Number.isInteger(tw)) {
      throw new MinibatchError('BAD_SHAPE', `x has ${x.length} values and y ${y.length} for ${length} rows: both must be whole multiples of the row count`);
    }
    this.x = x; this.y = y; this.length = length; this.numFeatures = nf; this.targetWidth = tw;
    this.features = meta.features ?? Array.from({ length: nf }, (_, i) => `x${i}`);
    this.targets = meta.targets ?? (tw === 1 ? ['y'] : Array.from({ length: tw }, (_, i) => `y${i}`));
    this.classNames = meta.classNames;
    if (this.features.length !== nf) {
      throw new MinibatchError('BAD_SHAPE', `${this.features.length} feature names were given for ${nf} features; give one name per column`);
    }
  }

  /**
   * Builds a dataset from plain arrays. `x` is `number[][]` (one array per row) or a flat
   * row-major `Float32Array` with `{ features }` naming its columns; `y` is one number per row
   * (class index, 0/1 or value) or one array per row for several regression targets.
   */
  static fromArrays(
    x: number[][] | Float32Array, y: number[] | number[][] | Float32Array, meta: DatasetMeta = {},
  ): Dataset {
    checkArrays(x, y, meta);
    const n = y.length;
    let flat: Float32Array;
    if (x instanceof Float32Array) {
      const nf = meta.features?.length ?? (n > 0 ? x.length / n : 0);
      if (!Number.isInteger(nf) || nf * n !== x.length) {
        throw new MinibatchError('BAD_SHAPE', `x has ${x.length} values for ${n} targets: give { features } naming the columns, with x.length = rows x features`);
      }
      flat = x;
    } else {
      if (x.length !== n) throw new MinibatchError('BAD_SHAPE', `x has ${x.length} rows but y has ${n}: give one target per row`);
      const nf = x[0]?.length ?? meta.features?.length ?? 0;
      flat = new Float32Array(n * nf);
      for (let i = 0; i < n; i++) {
        const row = x[i]!;
        if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new MinibatchError('BAD_SHAPE', `row ${i} of x is ${show(row)}, not an array of numbers: give x as an array of rows, e.g. [[1, 2], [3, 4]]`);
        if (row.length !== nf) throw new MinibatchError('BAD_SHAPE', `row ${i} of x has ${row.length} values, row 0 has ${nf}: every row needs the same number of features`);
        for (let j = 0; j < nf; j++) {
          const v = row[j]!;
          if (!Number.isFinite(v)) throw new MinibatchError('BAD_SHAPE', `x[${i}][${j}] is ${show(v)}: features must be finite numbers; fill or drop missing values first`);
          flat[i * nf + j] = v;
        }
      }
    }
    for (let i = 0; i < flat.length; i++) {
      if (!Number.isFinite(flat[i]!)) {
        throw new MinibatchError('BAD_SHAPE', `x value ${i} (row ${Math.floor(i / Math.max(1, flat.length / Math.max(1, n)))}) is ${flat[i]}: features must be finite numbers`);
      }
    }
    let yy: Float32Array;
    if (y instanceof Float32Array) yy = y;
    else if (n > 0 && Array.isArray(y[0])) {
      const rows = y as number[][]; const w = rows[0]!.length;
      yy = new Float32Array(n * w);
      rows.forEach((r, i) => {
        if (!Array.isArray(r)) throw new MinibatchError('BAD_LABEL', `y row ${i} is ${show(r)}: with several targets give one array of numbers per row`);
        if (r.length !== w) throw new MinibatchError('BAD_SHAPE', `y row ${i} has ${r.length} values, row 0 has ${w}`);
        yy.set(r, i * w);
      });
    } else yy = Float32Array.from(y as number[]);
    for (let i = 0; i < yy.length; i++) {
      if (!Number.isFinite(yy[i]!)) {
        const given = y instanceof Float32Array || Array.isArray(y[0]) ? yy[i] : show((y as unknown[])[i]);
        throw new MinibatchError('BAD_LABEL', `target ${i} is ${given}: targets must be finite numbers (class indices 0, 1, ... or values); map class names to indices first`);
      }
    }
    return new Dataset(flat, yy, n, meta);
  }

  /**
   * The rows at `indices`, copied, in that order. `shared`: the copies live in SharedArrayBuffers,
   * so worker threads (a sweep's trial pool) read them without copying them again.
   */
  subset(indices: ArrayLike<number>, options: { shared?: boolean } = {}): Dataset {
    const nf = this.numFeatures; const tw = this.targetWidth; const m = indices.length;
    const x = floats(m * nf, options.shared === true); const y = floats(m * tw, options.shared === true);
    for (let i = 0; i < m; i++) {
      const r = indices[i]!;
      x.set(this.x.subarray(r * nf, r * nf + nf), i * nf);
      y.set(this.y.subarray(r * tw, r * tw + tw), i * tw);
    }
    return new Dataset(x, y, m, this.meta());
  }

  /** The same rows with new features (for scaling), keeping names and targets. */
  withX(x: Float32Array): Dataset { return new Dataset(x, this.y, this.length, this.meta()); }

  /** Names of features, targets and classes, for building a derived dataset. */
  meta(): DatasetMeta {
    return { features: this.features, targets: this.targets, ...(this.classNames ? { classNames: this.classNames } : {}) };
  }

  /** Number of distinct classes if the targets are non-negative integers, else undefined. */
  classCount(): number | undefined {
    if (this.classNames) return this.classNames.length;
    if (this.targetWidth !== 1) return undefined;
    let max = -1;
    for (let i = 0; i < this.length; i++) {
      const v = this.y[i]!;
      if (v < 0 || !Number.isInteger(v)) return undefined;
      if (v > max) max = v;
    }
    return max + 1;
  }
}

/** The argument checks of Dataset.fromArrays: types first, so no TypeError escapes. */
function checkArrays(x: unknown, y: unknown, meta: unknown): void {
  if (!(x instanceof Float32Array) && !Array.isArray(x)) {
    throw new MinibatchError('BAD_ARGUMENT', `Dataset.fromArrays(x, y): x must be an array of rows (number[][]) or a Float32Array, got ${describe(x)}; e.g. Dataset.fromArrays([[1, 2], [3, 4]], [0, 1])`);
  }
  if (!(y instanceof Float32Array) && !Array.isArray(y)) {
    throw new MinibatchError('BAD_ARGUMENT', `Dataset.fromArrays(x, y): y must be an array with one target per row (number[] or number[][]) or a Float32Array, got ${describe(y)}; e.g. Dataset.fromArrays([[1, 2], [3, 4]], [0, 1])`);
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new MinibatchError('BAD_ARGUMENT', `Dataset.fromArrays(x, y, meta): meta must be an object such as { features: ['a', 'b'] }, got ${describe(meta)}`);
  }
  const m = meta as { features?: unknown; targets?: unknown; classNames?: unknown };
  for (const k of ['features', 'targets', 'classNames'] as const) {
    const v = m[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))) {
      throw new MinibatchError('BAD_ARGUMENT', `Dataset.fromArrays: meta.${k} must be an array of names (strings), got ${describe(v)}`);
    }
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return v.constructor?.name ? `a ${v.constructor.name}` : 'an object';
  return `${typeof v} ${show(v)}`;
}

/** A zeroed Float32Array of `n` values, in a SharedArrayBuffer when `shared` and the platform has one. */
function floats(n: number, shared: boolean): Float32Array {
  const a = shared && typeof SharedArrayBuffer === 'function' ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
  adviseHugePages(a); // filled next
  return a;
}
