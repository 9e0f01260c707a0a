// A trial's starting evaluation (training and validation loss before the first update), kept per thread for the next trial that starts from the same weights on the same steady rows.
import type { Dataset } from '../../data/dataset.js';
import { steadyVersion } from '../../kernels/backend.js';
import type { Model } from '../../nn/model.js';
import { Evaluator, type Evaluation } from '../../train/evaluate.js';

/** The losses a trial starts from: over the training rows, and the validation evaluation. */
export interface StartPoint { trainLoss: number; ev: Evaluation }

interface Kept extends StartPoint { backend: Model['backend']; key: string; params: Uint32Array; arrays: Float32Array[]; versions: number[] }

/** Starting points kept on this thread: a sweep's trials start from a few weights (one per seed), each kept once. */
const KEEP = 8;
const kept: Kept[] = [];

/**
 * The starting point of a trial of `model` (at its current weights) on `train`, with `evaluator`
 * over the validation rows `val` (reporting `metrics`). The same model architecture on the same
 * backend object with the same weight bits, on the same rows, evaluates to the same bits (the
 * native kernels' instruction set is fixed for a thread unless a test forces another), so when all
 * four row arrays are steady (see markSteady: a trial worker's rows while a pool runs) the
 * result is kept and a later trial that starts from the same weights gets it without the two
 * passes over the data (a study's tuning and comparison start most trials from one weight
 * vector per seed). Otherwise it is computed as it always was.
 */
export function startPoint(model: Model, train: Dataset, val: Dataset, evaluator: Evaluator, metrics: readonly string[]): StartPoint {
  const arrays = [train.x, train.y, val.x, val.y];
  const versions = arrays.map((a) => steadyVersion(a));
  if (versions.some((v) => v === undefined)) return evaluate(model, train, evaluator);
  const key = `${JSON.stringify({ ...model.spec, seed: 0 })}\n${metrics.join(',')}`;
  const params = new Uint32Array(model.params.buffer, model.params.byteOffset, model.params.length);
  const hit = kept.find((k) => k.backend === model.backend && k.key === key && k.arrays.every((a, i) => a === arrays[i] && k.versions[i] === versions[i]) && sameBits(k.params, params));
  if (hit) return { trainLoss: hit.trainLoss, ev: { ...hit.ev, metrics: { ...hit.ev.metrics } } };
  const start = evaluate(model, train, evaluator);
  kept.push({ ...start, ev: { ...start.ev, metrics: { ...start.ev.metrics } }, backend: model.backend, key, params: params.slice(), arrays, versions: versions as number[] });
  if (kept.length > KEEP) kept.shift();
  return start;
}

function evaluate(model: Model, train: Dataset, evaluator: Evaluator): StartPoint {
  const trainLoss = new Evaluator(model, train, 512).run(model.params).loss;
  return { trainLoss, ev: evaluator.run(model.params) };
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
