// Checks an input file named on the command line (--model, a checkpoint) before it is read.
import { statSync } from 'node:fs';
import { UsageError } from './run-command.js';

/** Model files and checkpoints are JSON strings: V8 cannot hold a longer one. */
export const MAX_JSON_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Refuses `path` given as `option` unless it is a regular file of at most `maxBytes`: a folder,
 * a device such as /dev/zero or an oversized file gets a clear message instead of a read error.
 */
export function checkInFile(option: string, path: string, what: string, maxBytes = MAX_JSON_FILE_BYTES): void {
  if (path.trim() === '') throw new UsageError(`${option} is empty; give the path of ${what}`);
  let s;
  try {
    s = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${option} '${path}' does not exist; give the path of ${what}` : `${option} '${path}' cannot be read (${code ?? 'error'}); give the path of ${what}`);
  }
  if (s.isDirectory()) throw new UsageError(`${option} '${path}' is a folder, not ${what}`);
  if (!s.isFile()) throw new UsageError(`${option} '${path}' is not ${what} (it is a device or special file, not a regular file)`);
  if (s.size > maxBytes) throw new UsageError(`${option} '${path}' is not ${what}: it is ${(s.size / 1024 ** 2).toFixed(0)} MiB, larger than the ${maxBytes / 1024 ** 2} MiB a model file or checkpoint can be`);
}
