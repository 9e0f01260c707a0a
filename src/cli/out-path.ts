// Checks an output path (--out, --checkpoint, --cache) before any work starts, so no run trains for nothing.
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './run-command.js';

/**
 * Refuses an output file `path` given as `option` unless it can be written: not empty, not a
 * folder, its folder exists and accepts a new file (probed by creating and removing a temporary
 * file, which also catches read-only file systems and root-owned folders).
 */
export function checkOutFile(option: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${option} is empty; give a file name such as ${option} model.json`);
  if (isDir(path)) throw new UsageError(`${option} '${path}' is a folder; give a file path such as ${option} ${join(path, 'model.json')}`);
  const parent = dirname(resolve(path));
  if (!existsSync(parent)) throw new UsageError(`${option} '${path}': the folder ${parent} does not exist; create it first or choose another ${option}`);
  if (!isDir(parent)) throw new UsageError(`${option} '${path}': ${parent} is not a folder; choose another ${option}`);
  probe(option, path, parent);
}

/**
 * Refuses an output folder `path` given as `option` unless it is or can become a writable
 * folder: not empty, not an existing file, and its nearest existing ancestor accepts new files.
 */
export function checkOutDir(option: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${option} is empty; give a folder name such as ${option} report`);
  let dir = resolve(path);
  if (existsSync(dir) && !isDir(dir)) throw new UsageError(`${option} '${path}' is a file, not a folder; choose another ${option}`);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!isDir(dir)) throw new UsageError(`${option} '${path}': ${dir} is a file, not a folder; choose another ${option}`);
  probe(option, path, dir);
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function probe(option: string, path: string, dir: string): void {
  const p = join(dir, `.minibatch-write-test-${process.pid}.tmp`);
  try {
    closeSync(openSync(p, 'wx'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const why = code === 'EROFS' ? 'is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'is not writable (permission denied)' : `cannot take new files (${code ?? 'error'})`;
    throw new UsageError(`${option} '${path}': the folder ${dir} ${why}; choose another ${option}`);
  }
  try { unlinkSync(p); } catch { /* removed by whoever raced us; nothing to clean */ }
}
