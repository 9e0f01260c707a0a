// Streamed rows: the RowSource interface, Welford statistics, numeric row parsing and the ShuffleBuffer (files: src/platform/node/stream-csv.ts).
import { MinibatchError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { parseNumber, quoteCell } from './csv-reader.js';
import { Dataset } from './dataset.js';
import type { Scaling, ScalingMethod } from './scaling.js';

/** Per-feature statistics of one streaming pass (Welford's running mean and variance). */
export interface ColumnStats { count: number; mean: Float64Array; m2: Float64Array; min: Float64Array; max: Float64Array }

/** Rows that can be read in shuffled chunks, more than once, without holding them all. */
export interface RowSource {
  readonly rows: number;
  readonly numFeatures: number;
  readonly targetWidth: number;
  readonly features: string[];
  readonly targets: string[];
  readonly classNames: string[] | undefined;
  /** Feature statistics of every row (raw, before scaling). */
  readonly stats: ColumnStats;
  /**
   * One pass over every row as Datasets of `bufferRows` rows (the last may be smaller). With
   * `rng` the blocks of the file are visited in a fresh random order and the rows of each
   * buffer are shuffled; without, rows come in file order.
   */
  chunks(o: ChunkOptions): AsyncIterable<Dataset>;
}

export interface ChunkOptions { bufferRows: number; rng?: Rng }

export interface StreamCsvOptions {
  /** Target column: header name or 0-based index. Default the last column. */
  target?: string | number;
  /** Line 1 holds names. Default 'auto': when some cell of line 1 is not a number. */
  header?: 'auto' | boolean;
  /** Default: classification for at most 20 distinct integer targets (and at most half as many as rows), else regression (as loadCsv). */
  task?: 'classification' | 'regression';
  /** Bytes per block, the unit of shuffling across the file. Default 4 MiB. */
  blockBytes?: number;
}

/** Updates Welford's sums with one row of features. */
export function welford(s: ColumnStats, x: Float32Array, o: number): void {
  const n = ++s.count;
  for (let j = 0; j < s.mean.length; j++) {
    const v = x[o + j]!; const d = v - s.mean[j]!;
    s.mean[j] = s.mean[j]! + d / n; s.m2[j] = s.m2[j]! + d * (v - s.mean[j]!);
    if (v < s.min[j]!) s.min[j] = v;
    if (v > s.max[j]!) s.max[j] = v;
  }
}

export function emptyStats(nf: number): ColumnStats {
  return { count: 0, mean: new Float64Array(nf), m2: new Float64Array(nf), min: new Float64Array(nf).fill(Infinity), max: new Float64Array(nf).fill(-Infinity) };
}

/** A Scaling (as fitScaling's) from streamed statistics: population std for 'standardize'. */
export function scalingFromStats(s: ColumnStats, method: ScalingMethod): Scaling {
  const nf = s.mean.length; const pos = (v: number): number => (v > 0 && Number.isFinite(v) ? v : 1);
  if (method === 'none') return { method, offset: new Array<number>(nf).fill(0), scale: new Array<number>(nf).fill(1) };
  if (method === 'minmax') return { method, offset: Array.from(s.min), scale: Array.from(s.max, (m, j) => pos(m - s.min[j]!)) };
  return { method, offset: Array.from(s.mean), scale: Array.from(s.m2, (m2) => pos(Math.sqrt(m2 / Math.max(1, s.count)))) };
}

/** Parses one record into `out` (features); returns the target value. */
export function parseRow(cells: string[], width: number, target: number, out: Float32Array, at: number, path: string, lineNo: number, names: string[]): number {
  if (cells.length !== width) {
    throw new MinibatchError('BAD_CSV', `${path}, line ${lineNo}: the row has ${cells.length} fields but the first row has ${width}; every row needs the same number of comma-separated fields`);
  }
  let y = NaN;
  for (let c = 0, j = at; c < width; c++) {
    const s = cells[c]!;
    const v = parseNumber(s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.trim() : s);
    if (Number.isNaN(v) || s === '') {
      throw new MinibatchError('BAD_CSV', `${path}, line ${lineNo}, column ${quoteCell(names[c])} (index ${c}): ${quoteCell(s)} is not a number; streamCsv reads numeric files only (no text, quotes or missing values): use loadCsv for this file, or clean it first`);
    }
    if (c === target) y = v; else out[j++] = v;
  }
  return y;
}

/**
 * Collects rows until `capacity` are held, then hands them out shuffled as one Dataset. A
 * larger buffer mixes rows from more blocks (closer to a full shuffle) at
 * capacity x (features + targets) x 4 bytes of memory.
 */
export class ShuffleBuffer {
  /** Row-major features and targets of the rows held; write row `size`, then commit(). */
  readonly x: Float32Array; readonly y: Float32Array; private n = 0; private readonly perm: Uint32Array;
  constructor(readonly capacity: number, private readonly nf: number, private readonly tw: number,
    private readonly meta: { features: string[]; targets: string[]; classNames?: string[] }, private readonly rng: Rng | undefined) {
    this.x = new Float32Array(capacity * nf); this.y = new Float32Array(capacity * tw); this.perm = new Uint32Array(capacity);
  }

  /** Rows held. */
  get size(): number { return this.n; }

  /** Keeps the row written at index `size`; returns a full shuffled chunk when the buffer fills. */
  commit(): Dataset | undefined {
    this.n++;
    return this.n === this.capacity ? this.flush() : undefined;
  }

  /** The rows held so far, shuffled, as a Dataset (undefined when empty); the buffer starts over. */
  flush(): Dataset | undefined {
    const n = this.n; if (n === 0) return undefined;
    for (let i = 0; i < n; i++) this.perm[i] = i;
    this.rng?.shuffle(this.perm, n);
    const x = new Float32Array(n * this.nf); const y = new Float32Array(n * this.tw);
    for (let i = 0; i < n; i++) {
      const r = this.perm[i]!;
      x.set(this.x.subarray(r * this.nf, (r + 1) * this.nf), i * this.nf);
      y.set(this.y.subarray(r * this.tw, (r + 1) * this.tw), i * this.tw);
    }
    this.n = 0;
    return new Dataset(x, y, n, this.meta);
  }
}

