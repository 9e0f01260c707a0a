// TextFiles: the whole-file reads and atomic writes the core makes while training (checkpoints), installed by the platform.
import { MinibatchError, type ErrorCode } from './errors.js';

/** How a read names its file in errors, and its size limit. */
export interface ReadSpec {
  /** Refuse files larger than this many bytes (before reading them). */
  maxBytes: number;
  /** What the file is, for messages: 'checkpoint', 'model file'. */
  what: string;
  /** The advice after "no such file" when it is missing. */
  missingHint: string;
  /** The error code of a file above `maxBytes`. */
  tooBigCode: ErrorCode;
}

/**
 * Whole text files by path. Node's is src/platform/node/text-files.ts; a browser twin may keep
 * them in storage. Errors are MinibatchErrors: NOT_FOUND, IO, or `tooBigCode`.
 */
export interface TextFiles {
  /** The file as UTF-8 text. */
  read(path: string, spec: ReadSpec): Promise<string>;
  /** Replaces the file so that readers see the old or the complete new content, never a part. */
  writeAtomic(path: string, content: string): Promise<void>;
}

let files: TextFiles | undefined;

/** Installs the platform's TextFiles (src/platform/node/install.ts does this for Node). */
export function setTextFiles(f: TextFiles | undefined): void { files = f; }

/** The installed TextFiles; a MinibatchError when this platform has no files. */
export function textFiles(what: string): TextFiles {
  if (files) return files;
  throw new MinibatchError('IO', `${what} needs a file system, and none is installed on this platform; import minibatch in Node (its entry point installs one), or keep the data in memory (e.g. parseCheckpoint)`);
}
