// Model files as data: the versioned JSON layout, its schema, and conversion to and from a Model.
import { z } from 'zod';
import { base64ToBytes, bytesToBase64 } from '../core/base64.js';
import { MinibatchError } from '../core/errors.js';
import { Model, type ModelSpec } from './model.js';
import { ACTIVATIONS, OUTPUTS } from './models.js';
import { modelMetaSchema } from './model-meta.js';

export { modelMetaSchema, type ModelMeta } from './model-meta.js';
import type { Backend } from '../kernels/backend.js';

export const MODEL_FORMAT = 'minibatch-model';
export const MODEL_VERSION = 1;
/** Standard base64 characters with end padding (a flat pattern: no backtracking on long strings). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;


const specSchema = z.object({
  kind: z.enum(['linear', 'logistic', 'softmax', 'mlp']),
  layers: z.array(z.number().int().min(1).max(1e7)).min(2).max(1000),
  activation: z.enum(ACTIVATIONS as [string, ...string[]]),
  output: z.enum(OUTPUTS as [string, ...string[]]),
  init: z.enum(['glorot', 'he', 'zeros']),
  seed: z.number().int().min(0),
  leakySlope: z.number().min(0).max(1),
  /** Dropout rates per hidden layer (absent in files without dropout, and in older files). */
  dropout: z.array(z.number().min(0).lt(1)).max(1000).optional(),
}).strict();

const fileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.number().int(),
  createdBy: z.string().optional(),
  model: specSchema,
  /** One base64 string of little-endian float32 values per array of getWeights(). */
  weights: z.array(z.string().max(2 ** 30)),
  meta: modelMetaSchema.optional(),
}).strict();
export type ModelFile = z.infer<typeof fileSchema>;

/** The JSON object of a model file (version 1). */
export function modelToJson(model: Model, createdBy: string): ModelFile {
  return {
    format: MODEL_FORMAT, version: MODEL_VERSION, createdBy,
    model: { ...model.spec, layers: [...model.spec.layers], ...(model.spec.dropout ? { dropout: [...model.spec.dropout] } : {}) },
    weights: model.getWeights().map((w) => bytesToBase64(w)),
    ...(model.meta ? { meta: model.meta } : {}),
  };
}

/**
 * Rebuilds a model from parsed JSON, validating every field; anything damaged or unknown is a
 * MinibatchError (code BAD_MODEL_FILE) naming what is wrong. `source` names the file in messages.
 */
export function modelFromJson(json: unknown, source: string, backend?: Backend): Model {
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format !== MODEL_FORMAT) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is not a minibatch model file (no "format": "${MODEL_FORMAT}"); save one with saveModel or 'minibatch train --out'`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const f = parsed.data;
  if (f.version !== MODEL_VERSION) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} has model file version ${f.version}; this minibatch reads version ${MODEL_VERSION}. Upgrade minibatch or retrain the model`);
  }
  const arrays = f.weights.map((b64, i) => {
    // atob accepts unpadded text and spaces, so damaged text must be caught first.
    if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: weights[${i}] is not valid base64`);
    const bytes = base64ToBytes(b64);
    if (bytes.length % 4 !== 0) throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: weights[${i}] is not a whole number of float32 values`);
    const out = new Float32Array(bytes.length / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  });
  // Compare sizes before building the model, so a damaged spec cannot demand a huge allocation.
  const L = f.model.layers; let expected = 0;
  for (let l = 0; l + 1 < L.length; l++) expected += L[l]! * L[l + 1]! + L[l + 1]!;
  const found = arrays.reduce((s, a) => s + a.length, 0);
  if (found !== expected) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: layers ${L.join('-')} need ${expected} weights, the file holds ${found}`);
  }
  if (f.model.dropout && f.model.dropout.length !== L.length - 2) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: model.dropout has ${f.model.dropout.length} rates, layers ${L.join('-')} have ${L.length - 2} hidden layers`);
  }
  const model = new Model(f.model as ModelSpec, backend);
  try {
    model.setWeights(arrays);
  } catch (err) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is damaged: ${(err as Error).message}`);
  }
  if (f.meta) model.meta = f.meta;
  return model;
}
