// `minibatch evaluate`: loss and metrics of a saved model on a data set.
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { checkInFile } from '../in-path.js';
import { loadForModel } from '../model-data.js';
import { formatMetrics, formatNumber } from '../format.js';
import { loadModel } from '../../platform/node/model-file.js';
import { evaluate } from '../../train/evaluate.js';

interface EvaluateOpts { model: string; data: string; target?: string; missing: string; json?: boolean }

export function registerEvaluate(program: Command): void {
  program.command('evaluate')
    .description('loss and metrics of a saved model on a data set')
    .requiredOption('--model <file>', 'a model file written by minibatch train --out')
    .requiredOption('--data <source>', 'a CSV file, mnist, or synthetic:NAME, with the target column')
    .option('--target <column>', 'target column name or 0-based index (default: the last column)')
    .option('--missing <how>', 'missing values (?): error | drop | mean', 'error')
    .option('--json', 'print one JSON result on stdout')
    .addHelpText('after', `
Examples:
  minibatch evaluate --model pima.json --data ../shared/datasets/pima-indians-diabetes.csv
  minibatch evaluate --model mnist.json --data mnist --json`)
    .action((o: EvaluateOpts) => runCommand(async () => {
      checkInFile('--model', o.model, 'a model file written by minibatch train --out');
      const model = await loadModel(o.model);
      const data = await loadForModel(model, { data: o.data, ...(o.target !== undefined ? { target: o.target } : {}), missing: o.missing }, false);
      const ev = evaluate(model, data);
      if (o.json) {
        process.stdout.write(JSON.stringify({ command: 'evaluate', model: o.model, data: o.data, examples: ev.examples, loss: ev.loss, metrics: ev.metrics }) + '\n');
      } else {
        const m = Object.entries(formatMetrics(ev.metrics)).map(([k, v]) => `${k} ${v}`).join('  ');
        process.stdout.write(`${ev.examples} rows  loss ${formatNumber(ev.loss)}  ${m}\n`);
      }
    }));
}
