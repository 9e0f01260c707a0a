// CSV column typing, missing-value handling, class-label mapping and one-hot encoding.
import { MinibatchError } from '../core/errors.js';
import { MISSING, NUMBER, parseNumber, quoteCell, type CsvTable, type RawColumn } from './csv-reader.js';
import type { MissingMode } from './missing-modes.js';

export { MISSING_MODES, type MissingMode } from './missing-modes.js';
export type CsvTask = 'classification' | 'regression';

/** Most distinct integer values a numeric target may have and still be read as class labels. */
export const MAX_AUTO_CLASSES = 20;

/** The data rows of a table (`start` is 1 after a header) and names for messages. */
export interface TableView {
  table: CsvTable;
  file: string;
  start: number;
  names: string[];
}

/** How a column is encoded: one float, or one 0/1 column per category (sorted). */
export type ColumnKind = { kind: 'numeric' } | { kind: 'categorical'; categories: string[] };

/** `file, line L, column "name" (index c)` for the cell at data row `row` (a table row index). */
export function where(v: TableView, row: number, col: number): string {
  return `${v.file}, line ${v.table.lines[row]}, column ${quoteCell(v.names[col])} (index ${col})`;
}

/** Text of a non-missing cell: its own text, or the shortest float32-exact form of its number. */
export function cellLabel(col: RawColumn, row: number): string | undefined {
  const code = col.codes ? col.codes[row]! : NUMBER;
  if (code === MISSING) return undefined;
  if (code >= 0) return col.strings[code]!;
  const v = col.num[row]!;
  if (col.precise) return String(v);
  for (let p = 1; p < 9; p++) { const s = String(Number(v.toPrecision(p))); if (Math.fround(Number(s)) === v) return s; }
  return String(v);
}

/** True when the cell is `?` or empty. */
export function isMissing(col: RawColumn, row: number): boolean {
  return col.codes !== null && col.codes[row] === MISSING;
}

/**
 * Decides whether column `c` is numeric or categorical over the data rows. A column is
 * categorical when forced, or when more than half of its non-missing cells are not numbers;
 * a column that is mostly numbers but has a few texts (a typo, `n/a`) is a BAD_CSV error
 * naming the first such cell, because silently one-hot encoding numbers would be worse.
 */
export function columnIsCategorical(v: TableView, c: number, forced: boolean): boolean {
  const col = v.table.columns[c]!;
  if (forced || col.text) return true;
  const headerText = v.start === 1 && col.codes !== null && col.codes[0]! >= 0 ? 1 : 0;
  const headerMissing = v.start === 1 && isMissing(col, 0) ? 1 : 0;
  const texts = col.nonNumeric - headerText;
  if (texts === 0) return false;
  const numbers = v.table.rows - v.start - texts - (col.missing - headerMissing);
  if (texts * 2 > texts + numbers) return true;
  let r = v.start;
  while (col.codes![r]! < 0) r++;
  throw new MinibatchError('BAD_CSV', `${where(v, r, c)}: ${quoteCell(col.strings[col.codes![r]!])} is not a number, but ${numbers} of the ` +
    `column's ${numbers + texts} values are. Fix the value, write a missing value as ? or an empty cell, ` +
    `or pass categorical: [${quoteCell(v.names[c])}] to treat the column as categories`);
}

/** Labels sorted: numerically when every label is a number (so 0/1 stay 0 -> 0, 1 -> 1), else by code unit. */
export function sortLabels(labels: string[]): string[] {
  const nums = labels.map(parseNumber);
  if (nums.every((n) => n === n)) return labels.map((l, i) => [l, nums[i]!] as const).sort((a, b) => a[1] - b[1]).map((p) => p[0]);
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Counts of each label over the kept rows, in first-seen order. */
export function labelCounts(col: RawColumn, keep: Uint8Array, start: number, rows: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let r = start; r < rows; r++) {
    if (!keep[r]) continue;
    const l = cellLabel(col, r);
    if (l !== undefined) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

/**
 * Which rows survive: with `missing: 'error'` the first missing cell (row by row, left to
 * right) is a MISSING_VALUE error; with 'drop' every row with a missing cell goes; with 'mean'
 * only rows whose target is missing go (a class or value is never invented).
 */
export function keptRows(v: TableView, missing: MissingMode, target: number): Uint8Array {
  const { table, start } = v;
  const keep = new Uint8Array(table.rows).fill(1, start);
  const cols = table.columns.map((col, c) => [col, c] as const).filter(([col]) => col.missing > 0 && col.codes);
  if (cols.length === 0) return keep;
  for (let r = start; r < table.rows; r++) {
    for (const [col, c] of cols) {
      if (col.codes![r] !== MISSING) continue;
      if (missing === 'error') {
        throw new MinibatchError('MISSING_VALUE', `${where(v, r, c)}: missing value (? or an empty cell). ` +
          "Pass missing: 'drop' to drop rows with missing values, or missing: 'mean' to fill them with the column mean (most frequent value for categories)");
      }
      if (missing === 'drop' || c === target) keep[r] = 0;
    }
  }
  return keep;
}

/**
 * The target as numbers. Classification maps each label to its index in the sorted label
 * list (`classNames`); regression requires numbers. With no `task`, text labels mean
 * classification, and so do numbers when all are integers with at most MAX_AUTO_CLASSES
 * distinct values and at most half as many distinct values as rows; anything else is regression.
 */
export function encodeTarget(
  v: TableView, c: number, keep: Uint8Array, categorical: boolean, task: CsvTask | undefined,
): { y: Float32Array; classNames?: string[] } {
  const col = v.table.columns[c]!;
  const counts = labelCounts(col, keep, v.start, v.table.rows);
  const kept = keep.reduce((a, b) => a + b, 0);
  const integers = !categorical && [...counts.keys()].every((l) => Number.isInteger(parseNumber(l)));
  const chosen = task ?? (categorical || (integers && counts.size <= MAX_AUTO_CLASSES && counts.size * 2 <= kept) ? 'classification' : 'regression');
  const y = new Float32Array(kept);
  if (chosen === 'regression') {
    if (categorical) {
      const first = [...counts.keys()].find((l) => Number.isNaN(parseNumber(l))) ?? '';
      throw new MinibatchError('BAD_CSV', `${v.file}: target column ${quoteCell(v.names[c])} (index ${c}) holds labels such as ${quoteCell(first)}, ` +
        "but regression needs numbers; use task: 'classification' or choose another target column");
    }
    for (let r = v.start, i = 0; r < v.table.rows; r++) if (keep[r]) y[i++] = col.num[r]!;
    return { y };
  }
  const classNames = sortLabels([...counts.keys()]);
  const index = new Map(classNames.map((l, k) => [l, k]));
  for (let r = v.start, i = 0; r < v.table.rows; r++) if (keep[r]) y[i++] = index.get(cellLabel(col, r)!)!;
  return { y, classNames };
}

/**
 * Encodes the kept rows of the feature columns into a row-major Float32Array. Numeric columns
 * give one feature each; a categorical column `sex` with values F, I, M gives `sex=F`,
 * `sex=I`, `sex=M` (0/1). Missing cells left in kept rows (missing: 'mean') take the column
 * mean, or the most frequent category (ties to the first in sorted order).
 */
export function encodeFeatures(
  v: TableView, cols: number[], kinds: ColumnKind[], keep: Uint8Array, rows: number,
): { x: Float32Array; features: string[] } {
  const features: string[] = [];
  kinds.forEach((k, j) => {
    const name = v.names[cols[j]!]!;
    if (k.kind === 'numeric') features.push(name); else for (const cat of k.categories) features.push(`${name}=${cat}`);
  });
  const nf = features.length;
  const x = new Float32Array(rows * nf);
  let offset = 0;
  kinds.forEach((k, j) => {
    const c = cols[j]!; const col = v.table.columns[c]!;
    if (k.kind === 'numeric') writeNumeric(v, c, col, keep, x, nf, offset++);
    else { writeOneHot(v, col, k.categories, keep, x, nf, offset); offset += k.categories.length; }
  });
  return { x, features };
}

function writeNumeric(v: TableView, c: number, col: RawColumn, keep: Uint8Array, x: Float32Array, nf: number, j: number): void {
  let fill = NaN;
  if (col.missing > 0) {
    let sum = 0; let n = 0;
    for (let r = v.start; r < v.table.rows; r++) if (keep[r] && !isMissing(col, r)) { sum += col.num[r]!; n++; }
    if (n === 0) throw new MinibatchError('BAD_CSV', `${v.file}: column ${quoteCell(v.names[c])} (index ${c}) has no values to take a mean of; remove the column`);
    fill = sum / n;
  }
  for (let r = v.start, i = 0; r < v.table.rows; r++) {
    if (!keep[r]) continue;
    x[i++ * nf + j] = isMissing(col, r) ? fill : col.num[r]!;
  }
}

function writeOneHot(v: TableView, col: RawColumn, categories: string[], keep: Uint8Array, x: Float32Array, nf: number, j: number): void {
  const index = new Map(categories.map((cat, k) => [cat, k]));
  const byId = col.strings.map((s) => index.get(s) ?? -1);
  let mode = -1;
  if (col.missing > 0 && categories.length === 0) {
    throw new MinibatchError('BAD_CSV', `${v.file}: column ${quoteCell(v.names[v.table.columns.indexOf(col)])} has no values left to fill its missing cells with; remove the column`);
  }
  if (col.missing > 0) {
    const counts = labelCounts(col, keep, v.start, v.table.rows);
    let best = -1;
    categories.forEach((cat, k) => { const n = counts.get(cat) ?? 0; if (n > best) { best = n; mode = k; } });
  }
  for (let r = v.start, i = 0; r < v.table.rows; r++) {
    if (!keep[r]) continue;
    const code = col.codes ? col.codes[r]! : NUMBER;
    const k = code === MISSING ? mode : code >= 0 ? byId[code]! : index.get(cellLabel(col, r)!)!;
    x[i++ * nf + j + k] = 1;
  }
}
