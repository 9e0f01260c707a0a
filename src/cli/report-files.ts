// Writes a study's report folder: index.html, results.json and points.csv, each atomically.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { MinibatchError } from '../core/errors.js';
import type { StudyResult } from '../experiments/records.js';
import { renderReport } from '../report/html.js';
import { pointsCsv, studyResultJson } from '../report/results-file.js';

/** Renders and writes the three report files into `dir` (created if needed); returns their paths. */
export async function writeReportFiles(dir: string, result: StudyResult): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new MinibatchError('IO', `cannot create the report folder ${dir}: ${(err as Error).message}; choose another --out`, { cause: err });
  }
  const { html } = await renderReport(result);
  const files: Array<[string, string]> = [
    ['results.json', studyResultJson(result)],
    ['points.csv', pointsCsv(result)],
    ['index.html', html],
  ];
  for (const [name, content] of files) await writeFileAtomic(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
