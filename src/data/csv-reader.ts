// CSV reader: csv-parse records (from any CsvSource: a file stream, a string) into growable per-column buffers, with line numbers.
import { parse as parseSync, CsvError, type Options as CsvParseOptions } from 'csv-parse/sync';
import { MinibatchError } from '../core/errors.js';

/** Code of a cell in `RawColumn.codes`: a number, a missing value, or (>= 0) an interned string. */
export const NUMBER = -1;
export const MISSING = -2;

/** Longest record csv-parse may buffer; a longer one almost always means an unclosed quote. */
const MAX_RECORD_CHARS = 1 << 20;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * One column as read: numbers in `num` (NaN where the cell is not a number), and, once the
 * column has met its first missing or non-numeric cell, a code per row in `codes` (NUMBER,
 * MISSING or the id of the cell's text in `strings`). Numeric-only columns never allocate codes.
 */
export class RawColumn {
  num: Float32Array | Float64Array;
  codes: Int32Array | null = null;
  readonly strings: string[] = [];
  nonNumeric = 0;
  missing = 0;
  private readonly ids = new Map<string, number>();

  /** `precise` keeps float64 values (the target); `text` interns every cell (forced categorical). */
  constructor(readonly precise: boolean, readonly text: boolean, capacity: number) {
    this.num = precise ? new Float64Array(capacity) : new Float32Array(capacity);
  }

  /** Stores `cell` at `row`; returns false when the column would exceed `maxCategories` texts. */
  set(row: number, cell: string, maxCategories: number): boolean {
    const s = isSpace(cell.charCodeAt(0)) || isSpace(cell.charCodeAt(cell.length - 1)) ? cell.trim() : cell;
    if (s === '' || s === '?') {
      this.num[row] = NaN; this.missing++; this.code(row, MISSING);
      return true;
    }
    const v = this.text ? NaN : parseNumber(s);
    this.num[row] = v;
    if (v === v) { if (this.codes) this.codes[row] = NUMBER; return true; }
    this.nonNumeric++;
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.strings.length > maxCategories) return false;
      id = this.strings.length; this.strings.push(s); this.ids.set(s, id);
    }
    this.code(row, id);
    return true;
  }

  /** Grows the buffers to hold `capacity` rows, keeping the first `rows`. */
  grow(capacity: number, rows: number): void {
    const num = this.precise ? new Float64Array(capacity) : new Float32Array(capacity);
    num.set(this.num.subarray(0, rows)); this.num = num;
    if (this.codes) { const c = new Int32Array(capacity); c.set(this.codes.subarray(0, rows)); this.codes = c; }
  }

  private code(row: number, code: number): void {
    if (!this.codes) {
      this.codes = new Int32Array(this.num.length);
      this.codes.fill(NUMBER, 0, row); // every earlier cell was a number
    }
    this.codes[row] = code;
  }
}

/** Every record of a file, column by column; record 0 may turn out to be a header. */
export interface CsvTable {
  columns: RawColumn[];
  /** The cells of record 0 as text (the header candidate). */
  firstRow: string[];
  /** 1-based line on which each record starts. */
  lines: Uint32Array;
  /** Number of records read, a header row included. */
  rows: number;
}

export interface ReadPlan {
  /** Columns to keep at float64 precision (the target). */
  precise: boolean[];
  /** Columns whose cells are all read as text (forced categorical). */
  text: boolean[];
}

/**
 * Where CSV text comes from: `parse` runs csv-parse with the given options over the whole
 * source (records arrive through `options.on_record`) and resolves when it ends. Node streams a
 * file (src/platform/node/csv-file.ts); {@link textSource} parses a string in memory.
 */
export interface CsvSource {
  /** The file name or label used in messages. */
  readonly name: string;
  parse(options: CsvParseOptions): Promise<void>;
}

/** A CsvSource over text held in memory (csv-parse's synchronous API). */
export function textSource(text: string, name = 'the CSV text'): CsvSource {
  return {
    name,
    parse: async (options) => { parseSync(new TextEncoder().encode(text), options); },
  };
}

/**
 * Reads `source` through csv-parse (RFC 4180 quoting, CRLF or LF, an optional UTF-8 BOM, spaces
 * around commas trimmed, blank lines skipped) into a `CsvTable`. `plan` sees the first record
 * and picks each column's storage. A record whose field count differs from the first record's
 * is a BAD_CSV error naming its line; so is a column with more than `maxCategories` texts.
 */
export async function readCsvTable(
  source: CsvSource, maxCategories: number, plan: (first: string[]) => ReadPlan, delimiter = ',',
): Promise<CsvTable> {
  const path = source.name;
  const t: CsvTable = { columns: [], firstRow: [], lines: new Uint32Array(1024), rows: 0 };
  let prevEnd = 0; let prevEmpty = 0;
  const onRecord = (record: string[], info: { empty_lines: number }): null => {
    // csv-parse's own line count drifts on quoted CRLF, so count lines from the record itself.
    const start = prevEnd + 1 + (info.empty_lines - prevEmpty);
    prevEnd = start + countNewlines(record); prevEmpty = info.empty_lines;
    if (record[0] === '' && record.every((c) => c.trim() === '')) return null; // a line of blanks and commas only
    if (t.rows === 0) startTable(t, record, plan(record));
    else if (record.length !== t.columns.length) {
      throw new MinibatchError('BAD_CSV', `${path}, line ${start}: the row has ${record.length} fields but the first row (line ${t.lines[0]}) has ${t.columns.length}. ` +
        'Every row needs the same number of comma-separated fields; quote fields that contain commas ("a,b") and fix or delete this row');
    }
    if (t.rows === t.lines.length) growTable(t);
    t.lines[t.rows] = start;
    for (let c = 0; c < record.length; c++) {
      if (!t.columns[c]!.set(t.rows, record[c]!, maxCategories)) {
        throw new MinibatchError('BAD_CSV', `${path}, line ${start}: column index ${c} (first row: ${quoteCell(t.firstRow[c])}) has more than ${maxCategories} distinct non-numeric values. ` +
          'It looks like an identifier or free text, which one-hot encoding cannot use; remove the column, or raise maxCategories');
      }
    }
    t.rows++;
    return null;
  };
  try {
    await source.parse({
      delimiter, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true,
      max_record_size: MAX_RECORD_CHARS, on_record: onRecord as unknown as CsvParseOptions['on_record'],
    });
  } catch (err) {
    throw wrapReadError(err, path, prevEnd);
  }
  return t;
}

function startTable(t: CsvTable, first: string[], p: ReadPlan): void {
  t.firstRow = first.map((c) => c.trim());
  t.columns = first.map((_, c) => new RawColumn(p.precise[c] === true, p.text[c] === true, t.lines.length));
}

function growTable(t: CsvTable): void {
  const cap = t.lines.length * 2;
  const lines = new Uint32Array(cap); lines.set(t.lines); t.lines = lines;
  for (const col of t.columns) col.grow(cap, t.rows);
}

function wrapReadError(err: unknown, path: string, lastLine: number): unknown {
  if (err instanceof MinibatchError) return err;
  const code = (err as { code?: unknown }).code;
  if (err instanceof CsvError || (typeof code === 'string' && code.startsWith('CSV_'))) {
    const hint = code === 'CSV_MAX_RECORD_SIZE' || code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field is probably never closed; every opening " needs a closing "'
      : 'fix the CSV syntax near that line';
    return new MinibatchError('BAD_CSV', `${path}, in the row starting at line ${lastLine + 1} or soon after: cannot parse the CSV (${(err as Error).message}); ${hint}`, { cause: err });
  }
  return new MinibatchError('IO', `cannot read CSV file ${path}: ${(err as Error).message}`, { cause: err });
}

/**
 * A decimal number (`12`, `-0.5`, `1e-3`) as a float, or NaN for anything else: hex, binary
 * and octal literals, `NaN`, `Infinity`, and values beyond float32 range are not numbers here.
 */
export function parseNumber(s: string): number {
  const v = +s;
  if (v !== v || v > FLOAT32_MAX || v < -FLOAT32_MAX) return NaN;
  if (s.length > 2 && s.charCodeAt(0) === 48 /* 0 */) {
    const c = s.charCodeAt(1) | 32;
    if (c === 120 /* x */ || c === 98 /* b */ || c === 111 /* o */) return NaN;
  }
  return v;
}

/** A cell or name quoted for an error message, cut to 80 characters (a hostile cell can be megabytes). */
export function quoteCell(s: string | undefined): string {
  if (s === undefined) return 'undefined';
  return s.length <= 80 ? JSON.stringify(s) : `${JSON.stringify(s.slice(0, 80))}... (${s.length} characters)`;
}

function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xa0 || c === 0xfeff; }

function countNewlines(record: string[]): number {
  let n = 0;
  for (const f of record) {
    if (f.length > 0 && f.includes('\n')) for (let i = 0; i < f.length; i++) if (f.charCodeAt(i) === 10) n++;
  }
  return n;
}
