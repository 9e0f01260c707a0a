// results.json in and out: the validated parse here, the lossless write and the per-point CSV from results-text.ts.
import type { z } from 'zod';
import { MinibatchError } from '../core/errors.js';
import type { StudyResult } from '../experiments/records.js';
import { describeJson, STUDY_SCHEMA, studyResultSchema } from './results-schema.js';

export { STUDY_SCHEMA, studyResultSchema } from './results-schema.js';
export { csvField, pointsCsv, POINT_COLUMNS, studyResultJson } from './results-text.js';

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
