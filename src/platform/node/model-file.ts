// saveModel / loadModel: model files on disk, written atomically and validated on reading.
import { readFile, stat } from 'node:fs/promises';
import { MinibatchError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import type { Backend } from '../../kernels/backend.js';
import type { Model } from '../../nn/model.js';
import { modelFromJson, modelToJson } from '../../nn/model-json.js';
import { writeFileAtomic } from './atomic-file.js';

/** Largest model file loadModel reads (bytes); larger files are refused before reading. */
export const MAX_MODEL_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Saves architecture, weights (base64 float32) and `model.meta` (names, classes, scaling,
 * training configuration) as versioned JSON. The file is replaced atomically.
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(modelToJson(model, `minibatch ${VERSION}`)) + '\n');
}

/** Loads a model saved by saveModel; a missing, damaged or unknown file is a MinibatchError. */
export async function loadModel(path: string, options: { backend?: Backend } = {}): Promise<Model> {
  let text: string;
  try {
    const s = await stat(path);
    if (s.size > MAX_MODEL_FILE_BYTES) {
      throw new MinibatchError('BAD_MODEL_FILE', `${path} is ${s.size} bytes, above the ${MAX_MODEL_FILE_BYTES}-byte limit for model files`);
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof MinibatchError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `cannot read model file ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MinibatchError('BAD_MODEL_FILE', `${path} is not valid JSON (${(err as Error).message}); it may be truncated or not a model file`);
  }
  return modelFromJson(json, path, options.backend);
}
