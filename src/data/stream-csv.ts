// streamCsv: numeric CSV files larger than memory as shuffled row chunks, with first-pass statistics.
import { open, stat } from 'node:fs/promises';
import { checkInt } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { parseNumber, quoteCell } from './csv-reader.js';
import { MAX_AUTO_CLASSES } from './csv-columns.js';
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

/**
 * Opens a numeric CSV file for streaming. A first pass reads every line once (memory: one
 * block) to find the header, count rows, compute each feature's Welford statistics, type the
 * target as loadCsv does (class labels sorted numerically, or regression) and note where each
 * block of about `blockBytes` starts. Every cell must be a number as loadCsv reads them; quoted
 * fields, text cells and missing values are refused with the line, since a streaming pass
 * cannot one-hot encode columns it has not seen yet (use loadCsv for those files).
 */
export async function streamCsv(path: string, options: StreamCsvOptions = {}): Promise<RowSource> {
  const blockBytes = checkInt('blockBytes', options.blockBytes ?? 4 << 20, 1024, 2 ** 30);
  const size = await fileSize(path);
  const scan = new FirstPass(path, options, blockBytes);
  await readLines(path, 0, size, blockBytes, (line, lineNo, offset) => scan.line(line, lineNo, offset));
  return scan.finish(size, blockBytes);
}

class FirstPass {
  names: string[] = []; target = -1; header = false; rows = 0; stats = emptyStats(0);
  blocks: number[] = []; private lastBlock = -Infinity; private labels = new Set<number>(); private row = new Float32Array(0);
  private integral = true; private width = 0;
  constructor(private readonly path: string, private readonly o: StreamCsvOptions, private readonly blockBytes: number) {}

  line(line: string, lineNo: number, offset: number): void {
    if (line.trim() === '') return;
    const cells = line.split(',');
    if (this.width === 0) { this.start(cells, lineNo, offset); if (this.header) return; }
    if (offset - this.lastBlock >= this.blockBytes) { this.blocks.push(offset); this.lastBlock = offset; }
    const y = parseRow(cells, this.width, this.target, this.row, 0, this.path, lineNo, this.names);
    welford(this.stats, this.row, 0);
    if (this.labels.size <= MAX_AUTO_CLASSES) this.labels.add(y);
    if (!Number.isInteger(y)) this.integral = false;
    this.rows++;
  }

  private start(cells: string[], lineNo: number, offset: number): void {
    this.width = cells.length;
    const text = cells.some((c) => { const s = c.trim(); return s !== '' && s !== '?' && Number.isNaN(parseNumber(s)); });
    this.header = this.o.header === 'auto' || this.o.header === undefined ? text : this.o.header;
    this.names = cells.map((c, i) => (this.header && c.trim() !== '' ? c.trim() : `col${i}`));
    const t = this.o.target;
    this.target = t === undefined ? this.width - 1 : typeof t === 'number' ? t : this.names.indexOf(t);
    if (this.target < 0 || this.target >= this.width) {
      throw new MinibatchError('NOT_FOUND', `${this.path}: there is no target column ${quoteCell(String(t))}; line ${lineNo} has ${this.width} columns (${this.names.slice(0, 12).map((n) => quoteCell(n)).join(', ')})`);
    }
    this.stats = emptyStats(this.width - 1); this.row = new Float32Array(this.width - 1);
  }

  finish(size: number, blockBytes: number): RowSource {
    if (this.rows === 0) throw new MinibatchError('EMPTY_DATASET', `${this.path} has no data rows; give a CSV file with one row per example`);
    const features = this.names.filter((_, i) => i !== this.target);
    const sorted = [...this.labels].sort((a, b) => a - b);
    const classes = this.o.task === 'classification' || (this.o.task === undefined && this.integral && sorted.length <= MAX_AUTO_CLASSES && sorted.length * 2 <= this.rows);
    if (classes && (!this.integral || sorted.length > MAX_AUTO_CLASSES)) {
      throw new MinibatchError('BAD_CSV', `${this.path}: task 'classification' needs integer class labels (at most ${MAX_AUTO_CLASSES} distinct), the target column has other values; use task 'regression'`);
    }
    const labelIndex = classes ? new Map(sorted.map((v, i) => [v, i])) : undefined;
    return new CsvRowSource(this.path, size, blockBytes, this.blocks, this.width, this.target, this.rows, features, [this.names[this.target]!],
      labelIndex, this.stats);
  }
}

/** Parses one record into `out` (features); returns the target value. */
function parseRow(cells: string[], width: number, target: number, out: Float32Array, at: number, path: string, lineNo: number, names: string[]): number {
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

class CsvRowSource implements RowSource {
  readonly numFeatures: number; readonly targetWidth = 1; readonly classNames: string[] | undefined;
  constructor(
    private readonly path: string, private readonly size: number, private readonly blockBytes: number, private readonly starts: number[],
    private readonly width: number, private readonly target: number, readonly rows: number, readonly features: string[], readonly targets: string[],
    private readonly labels: Map<number, number> | undefined, readonly stats: ColumnStats,
  ) {
    this.numFeatures = width - 1;
    this.classNames = labels ? [...labels.keys()].map(String) : undefined;
  }

  async *chunks(o: ChunkOptions): AsyncIterable<Dataset> {
    const starts = this.starts;
    const order = starts.map((_, i) => i);
    o.rng?.shuffle(order);
    const buf = new ShuffleBuffer(checkInt('bufferRows', o.bufferRows, 1, 2 ** 28), this.numFeatures, 1, this.meta(), o.rng);
    const names = [...this.features.slice(0, this.target), this.targets[0]!, ...this.features.slice(this.target)];
    for (const b of order) {
      const queue: Dataset[] = [];
      await readLines(this.path, starts[b]!, starts[b + 1] ?? this.size, this.blockBytes, (line, lineNo) => {
        if (line.trim() === '') return;
        const y = parseRow(line.split(','), this.width, this.target, buf.x, buf.size * this.numFeatures, this.path, lineNo, names);
        buf.y[buf.size] = this.labels ? this.labels.get(y) ?? -1 : y;
        const full = buf.commit();
        if (full) queue.push(full);
      });
      for (const d of queue) yield d;
    }
    const rest = buf.flush();
    if (rest) yield rest;
  }

  private meta(): { features: string[]; targets: string[]; classNames?: string[] } {
    return { features: this.features, targets: this.targets, ...(this.classNames ? { classNames: this.classNames } : {}) };
  }
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

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new MinibatchError('BAD_ARGUMENT', `${path} is not a file; give the path of a CSV file`);
    return s.size;
  } catch (err) {
    if (err instanceof MinibatchError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `cannot read CSV file ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { cause: err });
  }
}

/** Longest line streamCsv accepts (characters); a longer one is refused rather than buffered. */
export const MAX_STREAM_LINE = 1 << 20;

/**
 * Calls `onLine(text, lineNumber, byteOffset)` for each line in bytes [start, end) of the file,
 * reading `chunk` bytes at a time. Line numbers count from the block start when `start` > 0
 * (they are exact in the first pass, which reads from 0).
 */
async function readLines(path: string, start: number, end: number, chunk: number, onLine: (line: string, no: number, offset: number) => void): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(1, end - start)) + MAX_STREAM_LINE);
    let carry = 0; let pos = start; let lineNo = 1; let carryOffset = start;
    while (pos < end || carry > 0) {
      const want = Math.min(buf.length - carry, end - pos);
      const { bytesRead } = want > 0 ? await fh.read(buf, carry, want, pos) : { bytesRead: 0 };
      pos += bytesRead;
      const len = carry + bytesRead; let from = 0;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < len; i = buf.indexOf(10, i + 1)) {
        onLine(buf.toString('utf8', from, i > from && buf[i - 1] === 13 ? i - 1 : i), lineNo++, carryOffset + from);
        from = i + 1;
      }
      const eof = pos >= end || bytesRead === 0;
      if (eof) { if (from < len) onLine(buf.toString('utf8', from, len), lineNo++, carryOffset + from); return; }
      carry = len - from;
      if (carry >= MAX_STREAM_LINE) throw new MinibatchError('BAD_CSV', `${path}, line ${lineNo}: the line is longer than ${MAX_STREAM_LINE} characters; streamCsv refuses such lines (is it a CSV file?)`);
      buf.copy(buf, 0, from, len); carryOffset += from;
    }
  } finally {
    await fh.close();
  }
}
