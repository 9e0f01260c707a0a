// Atomic file writes: write a temporary file beside the target, fsync it, then rename over it.
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MinibatchError } from '../../core/errors.js';
import { isAlive } from './lock-file.js';

/** Targets whose folder was already swept of stale temporary files by this process. */
const swept = new Set<string>();

/**
 * Writes `content` to `path` so that readers see either the old file or the complete new one,
 * never a half-written file: the data goes to `.<name>.<pid>.<random>.tmp` in the same folder,
 * is flushed to disk, then renamed over `path`. On failure the temporary file is removed and
 * the previous file is left intact. The first write to `path` in a process also removes
 * temporary files of `path` left by writers that were killed (`.<name>.<pid>.*.tmp` whose pid is
 * no longer running).
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  if (!swept.has(path)) { swept.add(path); await removeStaleTemps(path); }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError('IO', `could not write ${path}: ${e.code ?? ''} ${e.message}. Check that the folder exists and is writable and that the disk has space`, { cause: err });
  }
}

/**
 * Deletes `.<name>.<pid>.<random>.tmp` files beside `path` whose writer (pid) is dead: the
 * leftovers of a process killed between writing and renaming. Failures are ignored (best effort).
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.`; const dir = dirname(path); const removed: string[] = [];
  let names: string[];
  try { names = await readdir(dir); } catch { return removed; }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[a-z0-9]+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    try { await rm(join(dir, name), { force: true }); removed.push(name); } catch { /* best effort */ }
  }
  return removed;
}
