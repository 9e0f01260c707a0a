// results.json in and out (validated parse, lossless write) and the per-point CSV of a study.
import type { z } from 'zod';
import { MinibatchError } from '../core/errors.js';
import type { StudyResult } from '../experiments/records.js';
import { describeJson, STUDY_SCHEMA, studyResultSchema } from './results-schema.js';

export { STUDY_SCHEMA, studyResultSchema } from './results-schema.js';

/**
 * Validates parsed JSON as a `minibatch-study/1` results file and returns it as a StudyResult.
 * Measured numbers written as null, "NaN", "Infinity" or "-Infinity" become NaN or infinities;
 * unknown fields are kept, and every object keeps the key order of the file, so writing the
 * result again with `studyResultJson` gives the same text. Throws MinibatchError('BAD_RESULTS_FILE')
 * naming `source`, the first bad field as a path like `compare.runs[2].points[0].valLoss`, what
 * was there and what was expected; a file of another schema version gets a message saying
 * which version it is.
 */
export function parseStudyResult(json: unknown, source: string): StudyResult {
  const where = `${source} is not a valid minibatch results file`;
  const fix = `It should be the results.json written by \`minibatch study\` (schema "${STUDY_SCHEMA}"); run the study again to regenerate it.`;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new MinibatchError('BAD_RESULTS_FILE', `${where}: expected a JSON object at the top level, got ${describeJson(json)}. ${fix}`);
  }
  const version = (json as { schema?: unknown }).schema;
  if (version !== STUDY_SCHEMA) {
    const got = typeof version === 'string' && version.startsWith('minibatch-study/')
      ? `it has schema "${version}", which this version of minibatch does not read (it reads "${STUDY_SCHEMA}"). Use the minibatch version that wrote it, or run the study again.`
      : `its "schema" field should be "${STUDY_SCHEMA}", got ${describeJson(version)}. ${fix}`;
    throw new MinibatchError('BAD_RESULTS_FILE', `${where}: ${got}`);
  }
  const depth = nestingBeyond(json, MAX_JSON_DEPTH);
  if (depth) throw new MinibatchError('BAD_RESULTS_FILE', `${where}: ${depth} nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep. ${fix}`);
  const parsed = studyResultSchema.safeParse(json);
  if (parsed.success) return inOrderOf(parsed.data, json);
  const issue = parsed.error.issues[0];
  if (!issue) throw new MinibatchError('BAD_RESULTS_FILE', `${where}. ${fix}`);
  const path = formatPath(issue.path);
  const got = issue.code === 'custom' ? '' : `; got ${describeJson(valueAt(json, issue.path))}`;
  throw new MinibatchError('BAD_RESULTS_FILE', `${where}: field ${path}: ${issueText(issue.message)}${got}. ${fix}`);
}

/**
 * results.json text for a study: two-space indented JSON with a final newline, and NaN or
 * infinite numbers written as the strings "NaN", "Infinity", "-Infinity" (plain JSON turns them
 * into null) so that `parseStudyResult` gives back exactly the same numbers.
 */
export function studyResultJson(result: StudyResult): string {
  return `${JSON.stringify(result, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

/** Columns of {@link pointsCsv}, in order. */
export const POINT_COLUMNS = [
  'batch_size', 'requested', 'learning_rate', 'seed', 'epoch', 'updates', 'examples_seen',
  'train_seconds', 'train_loss', 'val_loss', 'val_metric',
] as const;

/**
 * Every evaluation point of every run of the comparison as CSV: a header of
 * {@link POINT_COLUMNS}, then one row per point in run order, '\n' line ends. Numbers are
 * written in full precision (NaN and Infinity as such); strings are quoted when they hold a
 * comma, quote or line break.
 */
export function pointsCsv(result: Pick<StudyResult, 'compare'>): string {
  const lines: string[] = [POINT_COLUMNS.join(',')];
  for (const r of result.compare.runs) {
    for (const p of r.points) {
      const row = [r.batchSize, r.requested, r.learningRate, r.seed, p.epoch, p.updates, p.examplesSeen,
        p.trainSeconds, p.trainLoss, p.valLoss, p.valMetric];
      lines.push(row.map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One CSV field: numbers as String(n), strings quoted (quotes doubled) when needed. */
export function csvField(v: number | string): string {
  if (typeof v === 'number') return String(v);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Deepest nesting of objects and arrays parseStudyResult accepts (validation recurses; a deeper file would overflow the stack). */
export const MAX_JSON_DEPTH = 64;

/** The path of the first value nested deeper than `max` levels, or undefined; iterative, so any depth is safe. */
function nestingBeyond(json: unknown, max: number): string | undefined {
  const stack: Array<[unknown, number, string]> = [[json, 0, '(top level)']];
  while (stack.length > 0) {
    const [v, d, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return `field ${path}`;
    for (const [k, c] of Object.entries(v)) stack.push([c, d + 1, Array.isArray(v) ? `${path}[${k}]` : path === '(top level)' ? k : `${path}.${k}`]);
  }
  return undefined;
}

/** `value` with the keys of every object in the order they have in `like` (zod puts known keys first). */
function inOrderOf<T>(value: T, like: unknown): T {
  if (Array.isArray(value)) {
    return (Array.isArray(like) ? value.map((v, i) => inOrderOf(v, like[i])) : value) as T;
  }
  if (value === null || typeof value !== 'object' || like === null || typeof like !== 'object') return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of [...Object.keys(like), ...Object.keys(src)]) {
    if (!Object.hasOwn(src, key) || Object.hasOwn(out, key)) continue;
    // defineProperty, not assignment: a "__proto__" key stays a plain data field.
    Object.defineProperty(out, key, {
      value: inOrderOf(src[key], (like as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true,
    });
  }
  return out as T;
}

function formatPath(path: z.core.$ZodIssue['path']): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function valueAt(json: unknown, path: z.core.$ZodIssue['path']): unknown {
  let v: unknown = json;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as PropertyKey];
  }
  return v;
}

/** zod's message without its "Invalid input:" lead and ", received X" tail (the value is quoted after it). */
function issueText(message: string): string {
  const text = message.replace(/^invalid input:\s*/i, '').replace(/,\s*received \w+$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}
