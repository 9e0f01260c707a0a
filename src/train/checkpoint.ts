// Training checkpoints: capture, atomic save, validated load and exact resume of a fit run.
import { base64ToBytes, bytesToBase64 } from '../core/base64.js';
import { checkInt } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { RngState } from '../core/rng.js';
import { textFiles } from '../core/text-files.js';
import { VERSION } from '../core/version.js';
import type { BatchSampler } from '../data/batch-sampler.js';
import type { Dataset } from '../data/dataset.js';
import { STAT_SIZE } from '../nn/losses.js';
import { modelFromJson, modelToJson, type ModelFile } from '../nn/model-json.js';
import type { BatchPolicyState } from './batch-policy.js';
import { CHECKPOINT_FORMAT, checkpointSchema } from './checkpoint-schema.js';
import type { EarlyStopping } from './early-stopping.js';
import type { LoopState } from './loop.js';
import type { ReduceLrState } from './reduce-lr.js';
import type { EpochRecord, TrainRun } from './train-run.js';

export { CHECKPOINT_FORMAT } from './checkpoint-schema.js';
export const CHECKPOINT_VERSION = 1;
/** Largest checkpoint file loadCheckpoint reads (bytes): V8 cannot hold a longer JSON string. */
export const MAX_CHECKPOINT_BYTES = 512 * 1024 * 1024;

/** `fit`'s `checkpoint` option. */
export interface CheckpointOptions {
  /** The checkpoint file (JSON), replaced atomically at every save. */
  path: string;
  /** Save after every this many epochs (default 1); always also at the end and when aborted. */
  everyEpochs?: number;
}

/**
 * What identifies a run besides its state: the sampler's settings and the data it trains on.
 * A checkpoint resumes only into a run with the same fingerprint (else results would differ).
 */
export interface RunFingerprint {
  batchSize: number; shuffle: boolean; dropLast: boolean; reduction: 'mean' | 'sum'; seed: number;
  trainExamples: number; validationExamples: number; numFeatures: number; targetWidth: number;
  /** FNV-1a hash (hex) of the training rows' float32 bits, features then targets. */
  dataHash: string;
}

/** A saved run (version 1). Typed arrays travel as base64 of their little-endian bytes. */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  createdBy: string;
  model: ModelFile;
  optimizer: { spec: unknown; iterations: number; lastLearningRate: number | null; size: number; buffers: string[] };
  sampler: { order: string; rng: [number, number, number, number, number | null] };
  /** The loop's state; `firstLoss` is its initialLoss (the divergence reference), null when not finite. */
  loop: Omit<LoopState, 'initialLoss'> & { firstLoss: number | null; stats: string };
  run: RunFingerprint;
  records: EpochRecord[];
  stopped?: 'early-stopping';
  early?: { best: number | null; bestEpoch: number; wait: number; bestParams?: string };
  /** The batch-size policy's state (batchSize 'adaptive' or a batchSizeSchedule); the pending gradient as base64. */
  policy?: Omit<BatchPolicyState, 'meter'> & { meter?: Omit<NonNullable<BatchPolicyState['meter']>, 'prev'> & { prev: string } };
  /** ReduceLROnPlateau's state (reduceLROnPlateau on): the rate multiplier it set and its counters; `best` null when not finite. */
  reduceLr?: Omit<ReduceLrState, 'best'> & { best: number | null };
  /** The state of the model's dropout-mask RNG (models with dropout only). */
  dropout?: { rng: [number, number, number, number, number | null] };
}

/** Checks fit's `checkpoint` option. */
export function checkCheckpointOptions(c: CheckpointOptions): { path: string; everyEpochs: number } {
  if (!c || typeof c.path !== 'string' || c.path === '') {
    throw new MinibatchError('BAD_ARGUMENT', `checkpoint needs a file path, e.g. { path: 'run.ckpt.json' }, got ${JSON.stringify(c)}`);
  }
  return { path: c.path, everyEpochs: checkInt('checkpoint.everyEpochs', c.everyEpochs ?? 1, 1, 1e9) };
}

/** The fingerprint of a run on `train` (and `val`) with these sampler settings. */
export function runFingerprint(
  train: Dataset, val: Dataset | undefined,
  o: { batchSize: number; shuffle: boolean; dropLast: boolean; reduction: 'mean' | 'sum'; seed: number },
): RunFingerprint {
  let h = 0x811c9dc5;
  for (const a of [train.x, train.y]) {
    const w = new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i]!, 0x01000193) >>> 0;
  }
  return {
    batchSize: o.batchSize, shuffle: o.shuffle, dropLast: o.dropLast, reduction: o.reduction, seed: o.seed,
    trainExamples: train.length, validationExamples: val?.length ?? 0, numFeatures: train.numFeatures,
    targetWidth: train.targetWidth, dataHash: h.toString(16).padStart(8, '0'),
  };
}

/** A snapshot of a run (copies: later training does not change it). */
export function captureRun(run: TrainRun, sampler: BatchSampler, fingerprint: RunFingerprint): Checkpoint {
  const loop = run.loop; const opt = loop.optimizer.getState(); const smp = sampler.getState();
  const { initialLoss, ...st } = loop.state;
  const early = run.early ? earlyState(run.early) : undefined;
  const drop = loop.model.dropout?.getState();
  return {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, createdBy: `minibatch ${VERSION}`,
    model: modelToJson(loop.model, `minibatch ${VERSION}`),
    optimizer: { spec: loop.optimizer.spec, iterations: opt.iterations, lastLearningRate: finiteOrNull(opt.lastLearningRate), size: opt.size, buffers: opt.buffers.map(toBase64) },
    sampler: { order: toBase64(smp.order), rng: [smp.rng[0], smp.rng[1], smp.rng[2], smp.rng[3], finiteOrNull(smp.rng[4])] },
    loop: { ...st, firstLoss: finiteOrNull(initialLoss), stats: toBase64(loop.stats) },
    run: fingerprint,
    records: run.history.records.map((r) => structuredClone(r)),
    ...(run.history.stopped === 'early-stopping' ? { stopped: 'early-stopping' as const } : {}),
    ...(early ? { early } : {}),
    ...(run.policy ? { policy: policyToJson(run.policy.getState()) } : {}),
    ...(run.reduceLr ? { reduceLr: reduceLrToJson(run.reduceLr.getState(loop.optimizer)) } : {}),
    ...(drop ? { dropout: { rng: [drop[0], drop[1], drop[2], drop[3], finiteOrNull(drop[4])] } } : {}),
  };
}

function reduceLrToJson(s: ReduceLrState): NonNullable<Checkpoint['reduceLr']> {
  return { ...s, best: finiteOrNull(s.best) };
}

function policyToJson(s: BatchPolicyState): NonNullable<Checkpoint['policy']> {
  const { meter, ...rest } = s;
  return { ...structuredClone(rest), ...(meter ? { meter: { ...meter, ema: { ...meter.ema }, prev: toBase64(meter.prev) } } : {}) };
}

/** Writes a checkpoint atomically (temporary file, fsync, rename): a crash leaves the old one. */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await textFiles('saving a checkpoint to a path').writeAtomic(path, JSON.stringify(checkpoint) + '\n');
}

/** Reads and validates a checkpoint file; missing, oversized or damaged files are MinibatchErrors. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const text = await textFiles('loading a checkpoint from a path').read(path, {
    maxBytes: MAX_CHECKPOINT_BYTES, what: 'checkpoint', tooBigCode: 'BAD_MODEL_FILE',
    missingHint: '; train with a checkpoint path first, or drop --resume',
  });
  let json: unknown;
  try { json = JSON.parse(text); } catch (err) {
    throw new MinibatchError('BAD_MODEL_FILE', `checkpoint ${path} is not valid JSON (${(err as Error).message}); it may be truncated. Delete it to start over`);
  }
  return parseCheckpoint(json, path);
}

/** Validates parsed JSON as a checkpoint (see Checkpoint); `source` names it in messages. */
export function parseCheckpoint(json: unknown, source: string): Checkpoint {
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is not a minibatch checkpoint (no "format": "${CHECKPOINT_FORMAT}"); give the file fit's checkpoint option (or train --checkpoint) wrote`);
  }
  if ((json as { version?: unknown }).version !== CHECKPOINT_VERSION) {
    throw new MinibatchError('BAD_MODEL_FILE', `${source} is checkpoint version ${JSON.stringify((json as { version?: unknown }).version)}; this minibatch reads version ${CHECKPOINT_VERSION}. Resume with the version that wrote it, or start over`);
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MinibatchError('BAD_MODEL_FILE', `checkpoint ${source} is damaged: ${issue.path.join('.') || '(top level)'}: ${issue.message}. Delete it to start over`);
  }
  return parsed.data as unknown as Checkpoint;
}

/**
 * Restores a checkpoint (a path or a loaded one) into a freshly created run: weights, optimizer
 * state, sampler order and RNG, loop position and partial epoch sums, history and early
 * stopping. A checkpoint of another model shape, optimizer, data or sampler setting is a
 * MinibatchError saying which.
 */
export async function resumeRun(run: TrainRun, sampler: BatchSampler, from: string | Checkpoint, fp: RunFingerprint): Promise<void> {
  const source = typeof from === 'string' ? from : 'the checkpoint';
  const cp = typeof from === 'string' ? await loadCheckpoint(from) : parseCheckpoint(from, source);
  const saved = modelFromJson(cp.model, `${source} (model)`);
  const loop = run.loop; const want = loop.model.spec; const got = saved.spec;
  if (got.layers.join('-') !== want.layers.join('-') || got.kind !== want.kind || got.output !== want.output || got.activation !== want.activation) {
    throw new MinibatchError('BAD_SHAPE', `${source} holds a ${got.kind} model with layers ${got.layers.join('-')} (${got.output} output), but this run trains a ${want.kind} model with layers ${want.layers.join('-')} (${want.output} output); resume with the model the checkpoint was saved from, or start without resuming`);
  }
  checkFingerprint(cp.run, fp, source);
  if (JSON.stringify(cp.optimizer.spec) !== JSON.stringify(loop.optimizer.spec)) {
    throw new MinibatchError('BAD_ARGUMENT', `${source} was saved with optimizer ${JSON.stringify(cp.optimizer.spec)}, this run uses ${JSON.stringify(loop.optimizer.spec)}; resume with the same optimizer settings`);
  }
  const drop = loop.model.dropout;
  if ((cp.dropout === undefined) !== (drop === null) || JSON.stringify(got.dropout) !== JSON.stringify(want.dropout)) {
    throw new MinibatchError('BAD_ARGUMENT', `${source} was saved with dropout ${JSON.stringify(got.dropout ?? 'none')}, this run's model has dropout ${JSON.stringify(want.dropout ?? 'none')}; resume with the model the checkpoint was saved from`);
  }
  if (drop && cp.dropout) { const r = cp.dropout.rng; drop.setState([r[0], r[1], r[2], r[3], r[4] ?? NaN]); }
  loop.model.params.set(saved.params);
  loop.optimizer.setState({ iterations: cp.optimizer.iterations, lastLearningRate: cp.optimizer.lastLearningRate ?? NaN, size: cp.optimizer.size, buffers: cp.optimizer.buffers.map((b) => fromBase64(b, Float32Array, source)) });
  if ((cp.policy === undefined) !== (run.policy === undefined)) {
    throw new MinibatchError('BAD_ARGUMENT', `${source} was saved ${cp.policy ? 'with' : 'without'} a batch-size policy (batchSize 'adaptive' or batchSizeSchedule), this run ${run.policy ? 'has one' : 'has none'}; resume with the settings of the saved run`);
  }
  if (run.policy && cp.policy) {
    const { meter: m, ...rest } = cp.policy;
    const state: BatchPolicyState = { ...rest, ...(m ? { meter: { ...m, prev: fromBase64(m.prev, Float32Array, source) } } : {}) };
    run.policy.setState(state, sampler, loop.optimizer, source);
  }
  const nb = sampler.batchesPerEpoch;
  const stats = fromBase64(cp.loop.stats, Float64Array, source);
  const { stats: _s, firstLoss, ...at } = cp.loop;
  if (stats.length !== STAT_SIZE || at.batch > nb || at.epoch < 1) throw damaged(source, 'loop');
  // The sampler's cursor from the loop's position: inside epoch e at batch b, or epoch e-1 used up.
  const rng = cp.sampler.rng;
  sampler.setState({
    order: fromBase64(cp.sampler.order, Uint32Array, source), rng: [rng[0], rng[1], rng[2], rng[3], rng[4] ?? NaN] as RngState,
    epoch: at.inEpoch ? at.epoch : at.epoch - 1, batch: at.inEpoch ? at.batch : nb,
  });
  loop.stats.set(stats);
  Object.assign(loop.state, at);
  loop.setInitialLoss(firstLoss ?? NaN);
  run.history.records = cp.records.map((r) => ({ ...r, learningRate: r.learningRate ?? NaN }) as EpochRecord);
  if (cp.stopped) run.history.stopped = cp.stopped;
  if (run.early && cp.early) restoreEarly(run.early, cp.early, loop.model.params.length, source);
  if (run.reduceLr && cp.reduceLr) {
    run.reduceLr.setState({ ...cp.reduceLr, best: cp.reduceLr.best ?? Infinity }, loop.optimizer);
    if (cp.reduceLr.reductions.length > 0) run.history.lrReductions = cp.reduceLr.reductions.map((r) => ({ ...r }));
  } else if (cp.reduceLr) {
    throw new MinibatchError('BAD_ARGUMENT', `${source} was saved with reduceLROnPlateau (learning rate x ${cp.reduceLr.rateScale}), this run has none; resume with the settings of the saved run`);
  }
  // A checkpoint without the field (written before reduceLROnPlateau was saved) starts its counters afresh.
}

function checkFingerprint(saved: RunFingerprint, now: RunFingerprint, source: string): void {
  const data = ['trainExamples', 'validationExamples', 'numFeatures', 'targetWidth', 'dataHash'] as const;
  for (const k of data) {
    if (saved[k] !== now[k]) {
      throw new MinibatchError('BAD_SHAPE', `${source} was saved training on other data: its ${k} is ${saved[k]}, this run's is ${now[k]}; resume with the same data, split and scaling, or start without resuming`);
    }
  }
  for (const k of ['batchSize', 'shuffle', 'dropLast', 'reduction', 'seed'] as const) {
    if (saved[k] !== now[k]) {
      throw new MinibatchError('BAD_ARGUMENT', `${source} was saved with ${k} ${saved[k]}, this run has ${k} ${now[k]}; resume with the settings of the saved run (only epochs may change)`);
    }
  }
}

type EarlyInternals = { best: number; bestEpoch: number; wait: number; bestParams: Float32Array | undefined };

/** EarlyStopping keeps `wait` and `bestParams` private; checkpoints read and restore them here. */
function earlyState(e: EarlyStopping): NonNullable<Checkpoint['early']> {
  const s = e as unknown as EarlyInternals;
  return { best: finiteOrNull(s.best), bestEpoch: s.bestEpoch, wait: s.wait, ...(s.bestParams ? { bestParams: toBase64(s.bestParams) } : {}) };
}

function restoreEarly(e: EarlyStopping, c: NonNullable<Checkpoint['early']>, size: number, source: string): void {
  const s = e as unknown as EarlyInternals;
  s.best = c.best ?? Infinity; s.bestEpoch = c.bestEpoch; s.wait = c.wait;
  if (c.bestParams !== undefined) {
    const p = fromBase64(c.bestParams, Float32Array, source);
    if (p.length !== size) throw damaged(source, 'early.bestParams');
    s.bestParams = p;
  }
}

function finiteOrNull(v: number): number | null { return Number.isFinite(v) ? v : null; }

function toBase64(a: Float32Array | Float64Array | Uint32Array): string {
  return bytesToBase64(a);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64<T extends Float32Array | Float64Array | Uint32Array>(
  s: string, Type: { new (n: number): T; BYTES_PER_ELEMENT: number }, source: string,
): T {
  if (s.length % 4 !== 0 || !BASE64.test(s)) throw damaged(source, 'an array that is not valid base64');
  const bytes = base64ToBytes(s);
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) throw damaged(source, 'an array of the wrong byte length');
  const out = new Type(bytes.length / Type.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function damaged(source: string, what: string): MinibatchError {
  return new MinibatchError('BAD_MODEL_FILE', `checkpoint ${source} is damaged (${what}); delete it to start over`);
}
