// Resolves --data (a CSV path, mnist or synthetic:NAME) and --target into a Dataset.
import { existsSync } from 'node:fs';
import { UsageError } from './run-command.js';
import { parseChoice } from './numbers.js';
import { MISSING_MODES } from '../data/missing-modes.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
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
  /** --delimiter as typed: one character, or 'tab'. */
  delimiter?: string;
  /** --categorical as typed: comma-separated column names or 0-based indices. */
  categorical?: string;
}

/** The field separator of --delimiter: one character, or the word tab (also \t). */
export function parseDelimiter(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (s === 'tab' || s === '\\t' || s === '\t') return '\t';
  if (s.length !== 1 || s === '"' || s === '\n' || s === '\r') throw new UsageError(`--delimiter must be one character such as ';' or '|', or tab, got '${s}'`);
  return s;
}

function parseCategorical(s: string | undefined): Array<string | number> {
  if (s === undefined) return [];
  const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`--categorical needs column names or 0-based indices, e.g. --categorical sex,region; got '${s}'`);
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
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
  const delimiter = parseDelimiter(a.delimiter);
  const categorical = parseCategorical(a.categorical);
  // Loaded on use: the CSV parser is not needed for the built-in data sets.
  const { loadCsv } = await import('../platform/node/csv-file.js');
  try {
    return await loadCsv(a.data, {
      ...(target !== undefined ? { target } : {}),
      ...(opts.needTarget === false ? { target: target ?? null } : {}),
      header, missing, ...(delimiter !== undefined ? { delimiter } : {}), ...(categorical.length > 0 ? { categorical } : {}),
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
