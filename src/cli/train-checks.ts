// Checks of `minibatch train` before and at the start of training: option combinations, output paths, the checkpoint to resume.
import { existsSync } from 'node:fs';
import { loadCheckpoint, type Checkpoint } from '../train/checkpoint.js';
import { checkInFile } from './in-path.js';
import { checkOutFile } from './out-path.js';
import { UsageError } from './run-command.js';

/** The options the checks read. */
export interface CheckedArgs {
  cache?: string; stream?: boolean; validation?: string; patience?: string; out?: string; checkpoint?: string;
  init?: string; shuffle?: boolean; dropLast?: boolean; lr?: string; metrics?: string; classWeight?: string;
  clipNorm?: string; clipValue?: string; model?: string;
}

/** Option combinations refused before any data is read, and output paths checked for writability. */
export function checkTrainOptions(o: CheckedArgs): void {
  if (o.cache !== undefined && !o.stream) throw new UsageError('--cache works only with --stream (it caches the streamed CSV); add --stream or drop --cache');
  if (o.stream) {
    if (o.validation !== undefined) throw new UsageError('--stream trains without a validation split, so --validation does not apply; drop --validation and evaluate on a held-out file with minibatch evaluate');
    if (o.patience !== undefined) throw new UsageError('--patience needs a validation split, which --stream does not make; drop --patience');
    if (o.init !== undefined) throw new UsageError('--init cannot be combined with --stream yet; drop one of them');
    if (o.shuffle === false) throw new UsageError('--no-shuffle does not apply to --stream (it always shuffles within --buffer-rows); drop --no-shuffle');
    if (o.dropLast) throw new UsageError('--drop-last does not apply to --stream yet; drop --drop-last');
    if (o.lr === 'auto') throw new UsageError('--lr auto needs the rows in memory, which --stream does not load; give a rate such as --lr 0.01 (minibatch lr-find measures one)');
    for (const [opt, v] of [['--metrics', o.metrics]] as const) {
      if (v !== undefined) throw new UsageError(`${opt} does not apply to --stream yet (it has no validation split to score); drop ${opt}`);
    }
  }
  if (o.out !== undefined) checkOutFile('--out', o.out);
  if (o.checkpoint !== undefined) checkOutFile('--checkpoint', o.checkpoint);
  if (o.cache !== undefined) checkOutFile('--cache', o.cache);
}

/**
 * The checkpoint to resume from, or undefined (with a note) when the interrupted run never wrote
 * one. A checkpoint of a run with another --seed or --batch-size is refused naming that option
 * (the seed also picks the validation split, so the library would only see "other data").
 */
export async function existingCheckpoint(path: string, quiet: boolean, now: { seed: number; batchSize: number }): Promise<Checkpoint | undefined> {
  if (existsSync(path)) {
    checkInFile('--checkpoint', path, 'a checkpoint written by minibatch train');
    const cp = await loadCheckpoint(path);
    if (cp.run.seed !== now.seed) throw new UsageError(`--seed ${now.seed} differs from the --seed ${cp.run.seed} of the interrupted run saved in ${path}; resume with --seed ${cp.run.seed}, or start over without --resume`);
    if (cp.run.batchSize !== now.batchSize) throw new UsageError(`this run's batch size ${now.batchSize} (--batch-size or --mode) differs from the batch size ${cp.run.batchSize} of the interrupted run saved in ${path}; resume with --batch-size ${cp.run.batchSize}, or start over without --resume`);
    return cp;
  }
  if (!quiet) process.stderr.write(`no checkpoint at ${path} yet: starting from the beginning\n`);
  return undefined;
}
