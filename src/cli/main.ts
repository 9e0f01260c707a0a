#!/usr/bin/env node
// The minibatch command's entry: starts the report renderer of a command that ends with a report, then loads the program (src/cli/program.ts).
import { prepareReportRenderer } from './report-files.js';

/** Commands whose run ends with an HTML report (they call prepareReportRenderer again: it starts one worker). */
const REPORTING = new Set(['compare', 'study']);

// Started before the program's modules load, so Vega loads on the other core meanwhile rather
// than after; a command that then stops early (bad options, --help) leaves it unused: it does
// not keep the process alive. Not started for a run without a page (--no-report).
const args = process.argv.slice(2);
if (REPORTING.has(args[0] ?? '') && !args.some((a) => a === '--help' || a === '-h' || a === '--no-report')) prepareReportRenderer();
await import('./program.js');
