// loadCsv: a CSV file on disk into a Dataset, streamed through csv-parse (the parsing rules live in data/csv.ts).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { MinibatchError } from '../../core/errors.js';
import { csvMaxBytes, readCsvDataset, type CsvOptions, type CsvSource } from '../../data/csv.js';
import type { Dataset } from '../../data/dataset.js';

/**
 * Reads a CSV file into a Dataset, streaming it through csv-parse: cells are kept column by
 * column as float32 while reading, so memory stays near the size of the numbers themselves.
 * Header detection, target choice, missing values and one-hot encoding follow
 * {@link readCsvDataset}. Files above `maxBytes` (default 2 GiB) are refused before reading.
 * Every problem is a MinibatchError naming the file, line and column, and the fix.
 */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  const maxBytes = csvMaxBytes(options);
  await checkFile(path, maxBytes);
  return readCsvDataset(fileSource(path), options);
}

/** A CsvSource streaming the file at `path`. */
export function fileSource(path: string): CsvSource {
  return {
    name: path,
    async parse(options) {
      const parser = parse(options);
      parser.resume(); // records are consumed in on_record; nothing flows downstream
      try {
        await pipeline(createReadStream(path), parser);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ENOENT') throw notFound(path, err);
        throw err;
      }
    },
  };
}

function notFound(path: string, err: unknown): MinibatchError {
  return new MinibatchError('NOT_FOUND', `CSV file ${path} does not exist; check the path (relative paths start at ${process.cwd()})`, { cause: err });
}

async function checkFile(path: string, maxBytes: number): Promise<void> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new MinibatchError('BAD_ARGUMENT', `${path} is not a file; give the path of a CSV file`);
    size = s.size;
  } catch (err) {
    if (err instanceof MinibatchError) throw err;
    if ((err as { code?: unknown }).code === 'ENOENT') throw notFound(path, err);
    throw new MinibatchError('IO', `cannot read CSV file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (size === 0) throw new MinibatchError('BAD_CSV', `${path} is empty (0 bytes); give a CSV file with one row per example and the target in the last column`);
  if (size > maxBytes) {
    throw new MinibatchError('BAD_CSV', `${path} is ${(size / 1e6).toFixed(0)} MB, above the maxBytes limit of ${(maxBytes / 1e6).toFixed(0)} MB; ` +
      'raise maxBytes if the machine has the memory (about 4 bytes per cell), or sample the file');
  }
}
