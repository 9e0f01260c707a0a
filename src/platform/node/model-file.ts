// saveModel / loadModel: model files on disk, written atomically and validated on reading.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { MinibatchError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import type { Backend } from '../../kernels/backend.js';
import { Model } from '../../nn/model.js';
import { show } from '../../core/check.js';
import { describeValue } from '../../train/fit-args.js';
import { modelFromJson, modelToJson } from '../../nn/model-json.js';
import { writeFileAtomic } from './atomic-file.js';
import { isTfjsModelJson, modelFromTfjs, tfjsWeightPaths } from '../../interop/tfjs-import.js';

/** Largest model file loadModel reads (bytes); larger files are refused before reading. */
export const MAX_MODEL_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Saves architecture, weights (base64 float32) and `model.meta` (names, classes, scaling,
 * training configuration) as versioned JSON. The file is replaced atomically.
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  if (!(model instanceof Model)) {
    throw new MinibatchError('BAD_ARGUMENT', `saveModel needs a Model as its first argument (one built with mlp(), logisticRegression(), ... or loaded with loadModel), got ${describeValue(model)}`);
  }
  if (typeof path !== 'string' || path === '') {
    throw new MinibatchError('BAD_ARGUMENT', `saveModel needs a file path as its second argument, e.g. 'model.json', got ${show(path)}`);
  }
  await writeFileAtomic(path, JSON.stringify(modelToJson(model, `minibatch ${VERSION}`)) + '\n');
}

/**
 * Loads a model saved by saveModel, or a TF.js LayersModel (its model.json, or the folder
 * holding it, with the weight files beside it; see modelFromTfjs for the layers supported);
 * a missing, damaged or unknown file is a MinibatchError.
 */
export async function loadModel(path: string, options: { backend?: Backend } = {}): Promise<Model> {
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'model.json');
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
  if (isTfjsModelJson(json)) return modelFromTfjs(json, await readTfjsWeights(path, tfjsWeightPaths(json, path)), path, options.backend);
  return modelFromJson(json, path, options.backend);
}

/** The weight files of a TF.js model.json (paths relative to its folder), concatenated in order. */
async function readTfjsWeights(modelJsonPath: string, paths: string[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = []; let total = 0;
  for (const p of paths) {
    if (isAbsolute(p) || p.split(/[\\/]/).includes('..') || /^[a-z]+:/i.test(p)) {
      throw new MinibatchError('BAD_MODEL_FILE', `${modelJsonPath} names the weights file '${p}'; weight files must lie beside model.json (a plain relative name)`);
    }
    const file = join(dirname(modelJsonPath), p);
    try {
      const s = await stat(file);
      total += s.size;
      if (total > MAX_MODEL_FILE_BYTES) throw new MinibatchError('BAD_MODEL_FILE', `the weight files of ${modelJsonPath} exceed the ${MAX_MODEL_FILE_BYTES}-byte limit for model files`);
      parts.push(await readFile(file));
    } catch (err) {
      if (err instanceof MinibatchError) throw err;
      const e = err as NodeJS.ErrnoException;
      throw new MinibatchError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `cannot read ${file}, a weights file of ${modelJsonPath}: ${e.code === 'ENOENT' ? 'no such file (copy it beside model.json)' : e.message}`, { cause: err });
    }
  }
  const out = new Uint8Array(total); let off = 0;
  for (const b of parts) { out.set(b, off); off += b.length; }
  return out;
}
