// results.json text and the per-point CSV of a study: the writers, apart from the validated parse (results-file.ts) so that writing a report never loads the schema library.
import type { StudyResult } from '../experiments/records.js';

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
