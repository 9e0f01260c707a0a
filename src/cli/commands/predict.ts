// `minibatch predict`: predictions of a saved model, written as CSV with row numbers.
import type { Command } from 'commander';
import { runCommand, UsageError } from '../run-command.js';
import { checkInFile } from '../in-path.js';
import { loadForModel } from '../model-data.js';
import { csvLine } from '../format.js';
import { writeFileAtomic } from '../../platform/node/atomic-file.js';
import type { Model } from '../../nn/model.js';
import { loadModel } from '../../platform/node/model-file.js';

interface PredictOpts { model: string; data: string; target?: string; missing: string; out?: string }

export function registerPredict(program: Command): void {
  program.command('predict')
    .description('predict with a saved model; writes row, prediction (and class probabilities) as CSV')
    .requiredOption('--model <file>', 'a model file written by minibatch train --out')
    .requiredOption('--data <source>', 'a CSV file (with or without the target column), mnist, or synthetic:NAME')
    .option('--target <column>', 'the target column to ignore, if the file has one')
    .option('--missing <how>', 'missing values (?): error | mean (column mean of this file)', 'error')
    .option('--out <file>', 'write the CSV here (default: standard output)')
    .addHelpText('after', `
Examples:
  minibatch predict --model pima.json --data ../shared/datasets/pima-indians-diabetes.csv --out predictions.csv
  minibatch predict --model mnist.json --data mnist | head`)
    .action((o: PredictOpts) => runCommand(async () => {
      if (o.missing === 'drop') {
        throw new UsageError('predict --missing drop would renumber the rows, so a prediction would no longer name its input row; use --missing mean, or remove the incomplete rows from the file first');
      }
      checkInFile('--model', o.model, 'a model file written by minibatch train --out');
      const model = await loadModel(o.model);
      const data = await loadForModel(model, { data: o.data, ...(o.target !== undefined ? { target: o.target } : {}), missing: o.missing, canDrop: false }, true);
      const csv = predictionsCsv(model, data.x, data.length);
      if (o.out) {
        await writeFileAtomic(o.out, csv);
        process.stderr.write(`${data.length} predictions written to ${o.out}\n`);
      } else process.stdout.write(csv);
    }));
}

/**
 * One line per input row: its 1-based number, the prediction (class name for classifiers,
 * value for regression) and, for classifiers, one probability column per class.
 */
export function predictionsCsv(model: Model, x: Float32Array, rows: number): string {
  const out = model.predict(x); const k = model.outputs; const meta = model.meta ?? {};
  const lines: string[] = [];
  if (model.spec.output === 'linear') {
    const names = meta.targets ?? Array.from({ length: k }, (_, j) => `y${j}`);
    lines.push(csvLine(['row', ...names.map((n) => `predicted_${n}`)]));
    for (let i = 0; i < rows; i++) lines.push(csvLine([i + 1, ...Array.from(out.subarray(i * k, i * k + k))]));
  } else {
    const classes = meta.classNames ?? (k === 1 ? ['0', '1'] : Array.from({ length: k }, (_, j) => String(j)));
    lines.push(csvLine(['row', 'predicted', ...classes.map((c) => `p_${c}`)]));
    for (let i = 0; i < rows; i++) {
      const probs = k === 1 ? [1 - out[i]!, out[i]!] : Array.from(out.subarray(i * k, i * k + k));
      let best = 0;
      for (let j = 1; j < probs.length; j++) if (probs[j]! > probs[best]!) best = j;
      lines.push(csvLine([i + 1, classes[best]!, ...probs.map((p) => Number(p.toPrecision(6)))]));
    }
  }
  return lines.join('\n') + '\n';
}
