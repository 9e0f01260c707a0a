// Node's TextFiles: size-checked UTF-8 reads and atomic writes through node:fs.
import { readFile, stat } from 'node:fs/promises';
import { MinibatchError } from '../../core/errors.js';
import type { ReadSpec, TextFiles } from '../../core/text-files.js';
import { writeFileAtomic } from './atomic-file.js';

/** Reads `path` as UTF-8, refusing it above `spec.maxBytes`; failures are MinibatchErrors naming the file. */
export async function readTextFile(path: string, spec: ReadSpec): Promise<string> {
  try {
    const s = await stat(path);
    if (s.size > spec.maxBytes) throw new MinibatchError(spec.tooBigCode, `${spec.what} ${path} is ${s.size} bytes, above the ${spec.maxBytes}-byte limit; it cannot be a ${spec.what} minibatch wrote`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof MinibatchError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `cannot read ${spec.what} ${path}: ${e.code === 'ENOENT' ? `no such file${spec.missingHint}` : e.message}`, { cause: err });
  }
}

/** The TextFiles of a Node process. */
export const nodeTextFiles: TextFiles = { read: readTextFile, writeAtomic: writeFileAtomic };
