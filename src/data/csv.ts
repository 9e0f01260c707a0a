// CSV to Dataset: header detection, target choice, missing values, one-hot (files: src/platform/node/csv-file.ts).
import { MinibatchError } from '../core/errors.js';
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import { Dataset } from './dataset.js';
import { quoteCell, readCsvTable, textSource, type CsvSource, type CsvTable } from './csv-reader.js';
import {
  columnIsCategorical, encodeFeatures, encodeTarget, keptRows, labelCounts, sortLabels,
  type ColumnKind, type CsvTask, type MissingMode, type TableView,
} from './csv-columns.js';

export type { CsvTask, MissingMode } from './csv-columns.js';
export { MAX_AUTO_CLASSES } from './csv-columns.js';

export type { CsvSource } from './csv-reader.js';

/** Options of `loadCsv` and `parseCsv`; every field is optional. */
export interface CsvOptions {
  /**
   * The target column: a header name, a 0-based index, or `col3` for index 3 in a file without
   * a header. Default: the last column. `null` reads every column as a feature (y is empty),
   * for files to predict on.
   */
  target?: string | number | null;
  /** Whether line 1 holds column names. Default 'auto' (see `loadCsv`). */
  header?: 'auto' | boolean;
  /** What to do with missing cells (`?` or empty). Default 'error'. */
  missing?: MissingMode;
  /** Default: chosen from the target values (see `loadCsv`). */
  task?: CsvTask;
  /** Columns (names or 0-based indices) to one-hot encode even though they hold numbers. */
  categorical?: (string | number)[];
  /** Refuse files larger than this many bytes (loadCsv). Default 2 GiB. */
  maxBytes?: number;
  /** Most distinct texts one column may hold (one-hot width). Default 1000. */
  maxCategories?: number;
  /** The field separator: one character such as ';' or '\t'. Default ','. */
  delimiter?: string;
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_MAX_CATEGORIES = 1000;

/**
 * Reads CSV from a source into a Dataset (loadCsv streams a file; parseCsv takes a string),
 * through csv-parse: RFC 4180 quoting (commas,
 * quotes `""` and line breaks inside quoted fields), LF or CRLF line ends, an optional UTF-8 BOM,
 * spaces around commas, and blank lines (skipped) are all handled. Cells are kept column by
 * column as float32 while reading, so memory stays near the size of the numbers themselves.
 *
 * - **Header** ('auto'): line 1 is a header when, in some column, its cell is the only
 *   non-number (the rest are numbers), or when every cell of line 1 is text that never appears
 *   again in its column, or when `target`/`categorical` names a cell of line 1.
 * - **Columns**: a column is numeric when all its non-missing cells are numbers. It is
 *   categorical (one-hot `name=value` columns, values sorted) when more than half of them are
 *   text, or when listed in `categorical`. A mostly numeric column with a stray text is an error.
 * - **Target**: text labels mean classification; integer labels too when there are at most 20
 *   distinct values and at most half as many distinct values as rows; otherwise regression.
 *   Class indices follow the sorted labels (numerically when all are numbers, so 0 -> 0, 1 -> 1),
 *   kept as `classNames`.
 * - **Missing** (`?` or empty): 'error' names the first one; 'drop' drops those rows; 'mean'
 *   fills with the column mean (most frequent category), computed over the whole file (split
 *   first and fill yourself if that leak matters), and drops rows whose target is missing.
 *
 * Feature names come from the header, else `col0`, `col1`, ... (original 0-based indices).
 * Every problem is a MinibatchError naming the file, line and column, and the fix.
 */
export async function readCsvDataset(source: CsvSource, options: CsvOptions = {}): Promise<Dataset> {
  const o = checkOptions(options);
  const path = source.name;
  let target = -1; let named = false; const forced = new Set<number>();
  const table = await readCsvTable(source, o.maxCategories, (first) => {
    checkDelimiter(first, path, o.delimiter);
    const pick = (spec: string | number, what: string): number => {
      const r = resolveColumn(spec, first, o.header, path, what);
      named ||= r.byName;
      return r.index;
    };
    target = o.target === null ? -1 : o.target === undefined ? first.length - 1 : pick(o.target, 'target');
    for (const c of o.categorical) forced.add(pick(c, 'categorical'));
    const cols = first.map((_, c) => c);
    return { precise: cols.map((c) => c === target), text: cols.map((c) => forced.has(c)) };
  }, o.delimiter);
  if (table.rows === 0) {
    throw new MinibatchError('BAD_CSV', `${path} is empty (no rows); give a CSV file with one row per example and the target in the last column`);
  }
  const header = o.header === 'auto' ? named || detectHeader(table) : o.header;
  checkUniqueNames(table, path, header);
  const view: TableView = { table, file: path, start: header ? 1 : 0, names: columnNames(table, header) };
  if (table.rows === view.start) {
    throw new MinibatchError('EMPTY_DATASET', `${path} has a header line but no data rows; add rows below the header`);
  }
  return buildDataset(view, target, forced, o);
}

/** CSV text held in memory into a Dataset, by the rules of {@link readCsvDataset}; `name` labels messages. */
export function parseCsv(text: string, options: CsvOptions & { name?: string } = {}): Promise<Dataset> {
  const { name, ...rest } = options;
  return readCsvDataset(textSource(text, name), rest);
}

/** The checked `maxBytes` of CSV options (every option is checked): for readers of files. */
export function csvMaxBytes(options: CsvOptions): number { return checkOptions(options).maxBytes; }

function buildDataset(v: TableView, target: number, forced: Set<number>, o: Checked): Dataset {
  const { missing, task } = o;
  const categorical = v.table.columns.map((_, c) => columnIsCategorical(v, c, forced.has(c)));
  const keep = keptRows(v, missing, target);
  let kept = 0; for (let r = v.start; r < v.table.rows; r++) kept += keep[r]!;
  if (kept === 0) {
    throw new MinibatchError('EMPTY_DATASET', `${v.file}: every row has a missing value${missing === 'mean' ? ' in the target' : ''}, so missing: '${missing}' leaves no rows; ${missing === 'mean' ? 'choose another target column or fill the file' : "use missing: 'mean' or fill the file"}`);
  }
  const cols = v.table.columns.map((_, c) => c).filter((c) => c !== target);
  const kinds: ColumnKind[] = cols.map((c) => categorical[c]
    ? { kind: 'categorical', categories: sortLabels([...labelCounts(v.table.columns[c]!, keep, v.start, v.table.rows).keys()]) }
    : { kind: 'numeric' });
  kinds.forEach((k, j) => { if (k.kind === 'categorical') checkWidth(v, cols[j]!, k.categories.length, o.maxCategories); });
  const { x, features } = encodeFeatures(v, cols, kinds, keep, kept);
  if (target < 0) return new Dataset(x, new Float32Array(0), kept, { features, targets: [] });
  const { y, classNames } = encodeTarget(v, target, keep, categorical[target]!, task);
  if (classNames) checkWidth(v, target, classNames.length, o.maxCategories);
  return new Dataset(x, y, kept, { features, targets: [v.names[target]!], ...(classNames ? { classNames } : {}) });
}

/** A categorical column (or class list) may hold at most `max` distinct values. */
function checkWidth(v: TableView, c: number, count: number, max: number): void {
  if (count <= max) return;
  throw new MinibatchError('BAD_CSV', `${v.file}: column ${show(v.names[c])} (index ${c}) has ${count} distinct values, above maxCategories (${max}); ` +
    'remove the column if it is an identifier or free text, or raise maxCategories');
}

interface Checked {
  target: string | number | null | undefined;
  header: 'auto' | boolean;
  missing: MissingMode;
  task: CsvTask | undefined;
  categorical: (string | number)[];
  maxBytes: number;
  maxCategories: number;
  delimiter: string;
}

function checkOptions(o: CsvOptions): Checked {
  const header = o.header ?? 'auto';
  if (header !== 'auto' && header !== true && header !== false) {
    throw new MinibatchError('BAD_ARGUMENT', `header must be 'auto', true or false, got ${show(header)}`);
  }
  const t = o.target;
  if (t !== undefined && t !== null && typeof t !== 'string') checkInt('target', t, 0, Infinity, 'BAD_ARGUMENT', 'Give a column name or a 0-based column index.');
  const categorical = o.categorical ?? [];
  if (!Array.isArray(categorical) || categorical.some((c) => typeof c !== 'string' && !(Number.isInteger(c) && c >= 0))) {
    throw new MinibatchError('BAD_ARGUMENT', `categorical must be a list of column names or 0-based indices, got ${show(categorical)}`);
  }
  return {
    target: t, header, categorical,
    missing: checkOneOf('missing', o.missing ?? 'error', ['error', 'drop', 'mean'] as const),
    task: o.task === undefined ? undefined : checkOneOf('task', o.task, ['classification', 'regression'] as const),
    maxBytes: checkNumber('maxBytes', o.maxBytes ?? DEFAULT_MAX_BYTES, 0, Infinity, { minInclusive: false }),
    maxCategories: checkInt('maxCategories', o.maxCategories ?? DEFAULT_MAX_CATEGORIES, 1, 2 ** 24),
    delimiter: checkDelimiterOption(o.delimiter),
  };
}

function checkDelimiterOption(d: unknown): string {
  if (d === undefined) return ',';
  if (typeof d !== 'string' || d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new MinibatchError('BAD_ARGUMENT', `delimiter must be one character other than a quote or line break, such as ';' or '\\t', got ${show(d)}`);
  }
  return d;
}

/** Separators a file meant for another delimiter betrays in its first row. */
const OTHER_DELIMITERS: ReadonlyArray<[string, string]> = [[';', "';'"], ['\t', "'\\t' (tab)"], ['|', "'|'"]];

/**
 * A first record whose cells hold another likely separator (';' or a tab in a comma-separated read)
 * means the file uses that separator: refuse with a hint instead of reading one wide column.
 */
function checkDelimiter(first: readonly string[], file: string, delimiter: string): void {
  for (const [d, name] of OTHER_DELIMITERS) {
    if (d === delimiter) continue;
    const inCells = first.filter((c) => c.includes(d)).length;
    if (inCells === 0 || inCells < Math.ceil(first.length / 2)) continue;
    throw new MinibatchError('BAD_CSV', `${file} looks like ${name}-separated (line 1 has ${name} inside ${first.length === 1 ? 'its only field' : `${inCells} of its ${first.length} fields`}); ` +
      `pass delimiter: '${d === '\t' ? '\\t' : d}' to read it`);
  }
}

/** Two header columns with one name would make a target or feature name ambiguous: refuse. */
function checkUniqueNames(t: CsvTable, file: string, header: boolean): void {
  if (!header) return;
  const seen = new Map<string, number>(); const dups: string[] = [];
  t.firstRow.forEach((cell, c) => {
    if (cell === '') return;
    const at = seen.get(cell);
    if (at !== undefined) dups.push(`${show(cell)} (columns ${at} and ${c})`); else seen.set(cell, c);
  });
  if (dups.length > 0) {
    throw new MinibatchError('BAD_CSV', `${file}: the header names ${dups.length === 1 ? 'a column twice' : 'columns twice'}: ${dups.slice(0, 5).join(', ')}; rename the columns so that every name is unique`);
  }
}

/** The index of a column given by index, header name, or `colN`; `byName` when a line-1 cell matched. */
function resolveColumn(
  spec: string | number, first: string[], header: 'auto' | boolean, file: string, what: string,
): { index: number; byName: boolean } {
  const range = `the file has ${first.length} columns (indices 0 to ${first.length - 1})`;
  if (typeof spec === 'number') {
    if (spec >= first.length) throw new MinibatchError('NOT_FOUND', `${file}: ${what} column index ${spec} does not exist; ${range}`);
    return { index: spec, byName: false };
  }
  const name = spec.trim();
  const at = header === false ? -1 : first.findIndex((c) => c.trim() === name);
  if (at >= 0) return { index: at, byName: true };
  const m = /^col(\d+)$/.exec(name);
  if (m && header !== true && Number(m[1]) < first.length) return { index: Number(m[1]), byName: false };
  const cells = first.slice(0, 12).map((c) => quoteCell(c.trim())).join(', ') + (first.length > 12 ? ', ...' : '');
  const fix = header === false
    ? `with header: false the columns have no names; give a 0-based index or col0 to col${first.length - 1}`
    : `line 1 has ${cells}; give one of these names, a 0-based index, or col0 to col${first.length - 1}`;
  throw new MinibatchError('NOT_FOUND', `${file}: there is no ${what} column ${quoteCell(name)}; ${fix}`);
}

/** The 'auto' header rule (see `loadCsv`). */
function detectHeader(t: CsvTable): boolean {
  const text = t.columns.map((col) => col.codes !== null && col.codes[0]! >= 0);
  if (t.rows === 1) return text.every(Boolean);
  for (const col of t.columns) {
    // Line 1 is this column's only text, and the other rows hold at least one number.
    if (col.text || col.codes === null || col.codes[0]! < 0 || col.nonNumeric !== 1) continue;
    if (t.rows - 1 - col.missing > 0) return true;
  }
  if (!text.every(Boolean)) return false;
  return t.columns.every((col) => {
    const id = col.codes![0]!;
    for (let r = 1; r < t.rows; r++) if (col.codes![r] === id) return false;
    return true;
  });
}

function columnNames(t: CsvTable, header: boolean): string[] {
  const seen = new Set<string>();
  return t.firstRow.map((cell, c) => {
    let name = header && cell !== '' ? cell : `col${c}`;
    if (seen.has(name)) name = `${name}_${c}`;
    seen.add(name);
    return name;
  });
}
