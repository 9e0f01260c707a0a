// Writes a study's report folder: index.html, results.json and points.csv, each atomically.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../platform/node/atomic-file.js';
import { MinibatchError } from '../core/errors.js';
import type { StudyResult } from '../experiments/records.js';

/** Renders and writes the three report files into `dir` (created if needed); returns their paths. */
export async function writeReportFiles(dir: string, result: StudyResult): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new MinibatchError('IO', `cannot create the report folder ${dir}: ${(err as Error).message}; choose another --out`, { cause: err });
  }
  // The report modules load Vega; import them only when a report is written (faster start-up).
  const { renderReport } = await import('../report/html.js');
  const { pointsCsv, studyResultJson } = await import('../report/results-file.js');
  const { html } = await renderReport(result);
  const files: Array<[string, string]> = [
    ['results.json', studyResultJson(result)],
    ['points.csv', pointsCsv(result)],
    ['index.html', html],
  ];
  for (const [name, content] of files) await writeFileAtomic(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
