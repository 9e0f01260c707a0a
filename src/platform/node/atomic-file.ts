// Atomic file writes: write a temporary file beside the target, fsync it, then rename over it.
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MinibatchError } from '../../core/errors.js';

/**
 * Writes `content` to `path` so that readers see either the old file or the complete new one,
 * never a half-written file: the data goes to `.<name>.<pid>.<random>.tmp` in the same folder,
 * is flushed to disk, then renamed over `path`. On failure the temporary file is removed and
 * the previous file is left intact.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
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
