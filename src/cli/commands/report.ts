// `minibatch report`: re-renders a report folder from its results.json.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runCommand } from '../run-command.js';
import { writeReportFiles } from '../report-files.js';
import { MinibatchError } from '../../core/errors.js';

export function registerReport(program: Command): void {
  program.command('report')
    .description('re-render index.html and points.csv from a results.json')
    .argument('<results>', 'a results.json written by study or compare')
    .option('--out <dir>', 'folder to write (default: the folder of results.json)')
    .addHelpText('after', `
Examples:
  minibatch report minibatch-report/results.json
  minibatch report old/results.json --out new-report`)
    .action((results: string, o: { out?: string }) => runCommand(async () => {
      let text: string;
      try {
        text = await readFile(results, 'utf8');
      } catch (err) {
        throw new MinibatchError('NOT_FOUND', `cannot read ${results}: ${(err as Error).message}; give the results.json of a study or compare run`);
      }
      let json: unknown;
      try { json = JSON.parse(text); } catch (err) {
        throw new MinibatchError('BAD_ARGUMENT', `${results} is not valid JSON (${(err as Error).message})`);
      }
      const { parseStudyResult } = await import('../../report/results-file.js');
      const files = await writeReportFiles(o.out ?? dirname(results), parseStudyResult(json, results));
      process.stderr.write(`written: ${files.join(', ')}\n`);
    }));
}
