// `minibatch export`: a saved model as a TensorFlow.js LayersModel or an ONNX model, scaling folded in.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { runCommand, UsageError } from '../run-command.js';
import { parseChoice } from '../numbers.js';
import { writeFileAtomic } from '../../platform/node/atomic-file.js';
import { MinibatchError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { loadModel } from '../../platform/node/model-file.js';
import { toTfjs } from '../../interop/tfjs-export.js';

interface ExportOpts { model: string; format: string; out: string; oneHotInputs?: boolean; quiet?: boolean }

export function registerExport(program: Command): void {
  program.command('export')
    .description('write a saved model as a TensorFlow.js LayersModel or an ONNX model that takes raw features')
    .requiredOption('--model <file>', 'a model file written by minibatch train --out (or a TF.js model.json)')
    .requiredOption('--format <format>', 'tfjs | onnx')
    .requiredOption('--out <path>', 'tfjs: a folder (model.json and group1-shard1of1.bin go in it); onnx: a file ending in .onnx, or a folder (gets model.onnx)')
    .option('--one-hot-inputs', 'export a model trained on categorical columns; it then takes the one-hot encoded row, not the raw one')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', `
The scaling fitted at training (standardize or minmax) is folded into the first layer
(W' = W / s, b' = b - (m / s) W), so the exported model takes the raw feature columns in the
training file's order; it outputs what minibatch predict gives (probabilities for classifiers).
Folders are created when missing; files are written atomically (temporary name, then rename).

Examples:
  minibatch export --model pima.json --format tfjs --out pima-tfjs/     # then tf.loadLayersModel('.../pima-tfjs/model.json')
  minibatch export --model pima.json --format onnx --out pima.onnx`)
    .action((o: ExportOpts) => runCommand(() => exportModel(o)));
}

async function exportModel(o: ExportOpts): Promise<void> {
  const format = parseChoice('--format', o.format, ['tfjs', 'onnx'] as const);
  if (format === 'tfjs' && o.out.endsWith('.onnx')) throw new UsageError(`--out ${o.out} names an .onnx file but --format is tfjs, which writes a folder; give --format onnx or a folder name`);
  const model = await loadModel(o.model);
  const opts = { oneHotInputs: o.oneHotInputs === true };
  const written: string[] = [];
  try {
    if (format === 'tfjs') {
      const a = toTfjs(model, { ...opts, generatedBy: `minibatch ${VERSION}` });
      await makeFolder(o.out);
      // Weights first: a reader that finds the new model.json also finds its weights.
      await writeFileAtomic(join(o.out, a.weightsFileName), a.weights);
      await writeFileAtomic(join(o.out, 'model.json'), a.modelJsonText + '\n');
      written.push(join(o.out, 'model.json'), join(o.out, a.weightsFileName));
    } else {
      const { toOnnx } = await import('../../interop/onnx-export.js'); // protobufjs loads only for ONNX
      const bytes = toOnnx(model, { ...opts, producerVersion: VERSION });
      const file = o.out.endsWith('.onnx') ? o.out : join(o.out, 'model.onnx');
      await makeFolder(o.out.endsWith('.onnx') ? dirname(o.out) : o.out);
      await writeFileAtomic(file, bytes);
      written.push(file);
    }
  } catch (err) {
    if (err instanceof MinibatchError && err.message.includes('oneHotInputs: true')) {
      throw new UsageError(err.message.replace('Pass oneHotInputs: true (CLI: --one-hot-inputs)', 'Pass --one-hot-inputs'));
    }
    throw err;
  }
  if (o.quiet !== true) {
    const s = model.meta?.scaling;
    const folded = s && s.method !== 'none' ? `; its ${s.method} scaling is folded into the first layer, so it takes raw features` : '';
    process.stderr.write(`exported ${model.spec.layers.join('-')} ${model.spec.output} model as ${format} to ${written.join(' and ')}${folded}\n`);
  }
}

/** Creates `dir` (and its parents) unless it exists; a file in the way is a usage error. */
async function makeFolder(dir: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (s && !s.isDirectory()) throw new UsageError(`--out ${dir} is an existing file, not a folder; give a folder name (or a file ending in .onnx with --format onnx)`);
  if (!s) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new MinibatchError('IO', `cannot create the folder ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
}
