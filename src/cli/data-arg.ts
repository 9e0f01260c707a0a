// Resolves --data (a CSV path, mnist or synthetic:NAME) and --target into a Dataset.
import { existsSync } from 'node:fs';
import { UsageError } from './run-command.js';
import { parseChoice } from './numbers.js';
import { MISSING_MODES } from '../data/csv-columns.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { loadCsv } from '../platform/node/csv-file.js';
import { isBuiltinName } from '../data/builtin.js';
import { loadBuiltin } from '../platform/node/builtin.js';

export interface DataArgs {
  data: string;
  target?: string;
  /** --missing as typed: error (default), drop or mean; checked here for every command. */
  missing?: string;
  header?: 'auto' | 'yes' | 'no';
  seed?: number;
  /** Whether `--missing drop` is on offer (predict refuses it). Default true. */
  canDrop?: boolean;
}

/** Loads the data set named by --data: a built-in name or a CSV file. */
export async function loadDataArg(a: DataArgs, opts: { needTarget?: boolean } = {}): Promise<Dataset> {
  const missing = parseChoice('--missing', a.missing ?? 'error', MISSING_MODES);
  if (isBuiltinName(a.data)) {
    if (a.target !== undefined) throw new UsageError(`--target does not apply to the built-in data set '${a.data}'`);
    return loadBuiltin(a.data, { seed: a.seed ?? 1 });
  }
  if (!existsSync(a.data)) {
    throw new UsageError(`--data '${a.data}' is neither a file nor a built-in data set; give a CSV path, 'mnist' or synthetic:linear|blobs|moons`);
  }
  const target = a.target === undefined ? undefined : /^\d+$/.test(a.target) ? Number(a.target) : a.target;
  const header = a.header === undefined || a.header === 'auto' ? 'auto' : a.header === 'yes';
  try {
    return await loadCsv(a.data, {
      ...(target !== undefined ? { target } : {}),
      ...(opts.needTarget === false ? { target: target ?? null } : {}),
      header, missing,
    });
  } catch (err) {
    throw err instanceof MinibatchError && err.code === 'MISSING_VALUE' ? withMissingOption(err, a.canDrop !== false) : err;
  }
}

/** The library's fix names its `missing:` option; on the command line it is `--missing`. */
function withMissingOption(err: MinibatchError, canDrop: boolean): MinibatchError {
  const where = err.message.replace(/\s*Pass missing: [\s\S]*$/, '');
  const drop = canDrop ? 'Use --missing drop to drop rows with missing values, or' : 'Use';
  return new MinibatchError('MISSING_VALUE', `${where} ${drop} --missing mean to fill them with the column mean (most frequent value for categories)`, { cause: err });
}
