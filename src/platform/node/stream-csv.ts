// streamCsv: numeric CSV files larger than memory as shuffled row chunks, with first-pass statistics.
import { open, stat } from 'node:fs/promises';
import { checkInt } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import { parseNumber, quoteCell } from '../../data/csv-reader.js';
import { MAX_AUTO_CLASSES } from '../../data/csv-columns.js';
import type { Dataset } from '../../data/dataset.js';
import {
  emptyStats, parseRow, ShuffleBuffer, welford, type ChunkOptions, type ColumnStats, type RowSource, type StreamCsvOptions,
} from '../../data/stream-csv.js';

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
