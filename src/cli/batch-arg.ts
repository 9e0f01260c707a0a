// Reconciles --mode (batch, stochastic, minibatch) with --batch-size.
import { UsageError } from './run-command.js';

/**
 * --mode is a preset: batch = the full data set, stochastic = 1, minibatch = --batch-size
 * (default 32). A --batch-size that contradicts the mode is an error. --batch-size adaptive
 * (train only) grows the batch during training (fit's batchSize: 'adaptive'): a mini-batch mode.
 */
export function resolveBatchSize(mode: string | undefined, batchSize: string | undefined): number | 'full' | 'adaptive' {
  if (batchSize?.trim() === 'adaptive') {
    if (mode === 'batch' || mode === 'stochastic') throw new UsageError(`--mode ${mode} fixes the batch size, which contradicts --batch-size adaptive; drop one of them`);
    if (mode !== undefined && mode !== 'minibatch') throw new UsageError(`--mode must be batch, stochastic or minibatch, got '${mode}'`);
    return 'adaptive';
  }
  const parsed = batchSize === undefined ? undefined : parseBatchSize(batchSize);
  switch (mode) {
    case undefined:
    case 'minibatch':
      if (mode === 'minibatch' && parsed === 'full') throw new UsageError("--mode minibatch contradicts --batch-size full; use --mode batch, or a batch size such as 32");
      return parsed ?? 32;
    case 'batch':
      if (parsed !== undefined && parsed !== 'full') throw new UsageError(`--mode batch uses the whole data set per update, which contradicts --batch-size ${batchSize}; drop one of them`);
      return 'full';
    case 'stochastic':
      if (parsed !== undefined && parsed !== 1) throw new UsageError(`--mode stochastic uses one example per update, which contradicts --batch-size ${batchSize}; drop one of them`);
      return 1;
    default:
      throw new UsageError(`--mode must be batch, stochastic or minibatch, got '${mode}'`);
  }
}

/** A batch size: a whole number from 1 to 10^9 or 'full'; `option` is the option it came from. */
export function parseBatchSize(s: string, option = '--batch-size'): number | 'full' {
  if (s === 'full') return 'full';
  const n = Number(s);
  if (!/^\d+$/.test(s.trim()) || n < 1 || n > 1e9) throw new UsageError(option === '--batch-size' ? `--batch-size must be a whole number from 1 to 1000000000, or 'full'${s.trim() === 'adaptive' ? " ('adaptive' is for train only)" : ''}, got '${s}'` : `${option} must list batch sizes that are whole numbers from 1 to 1000000000, or 'full', got '${s}'`);
  return n;
}

/** A comma-separated list of batch sizes, e.g. "1,8,32,128,full". */
export function parseBatchSizes(s: string): Array<number | 'full'> {
  const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`--batch-sizes needs at least one size, e.g. 1,8,32,128,full; got '${s}'`);
  return parts.map((p) => parseBatchSize(p, '--batch-sizes'));
}
