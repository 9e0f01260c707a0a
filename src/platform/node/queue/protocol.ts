// What coordinator and workers exchange through Redis: key names, ids by content hash, and validated payloads.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Point, RunRecord } from '../../../experiments/records.js';
import type { TrialJob, TrialSettings } from '../../../experiments/run/trial.js';
import { METRIC_KEYS, type MetricKey } from '../../../train/metrics.js';

/** Prefix of every key (BullMQ's and ours) and the default queue name. */
export const PREFIX = 'minibatch';
export const DEFAULT_QUEUE = 'trials';

/** Keys: a split's rows by content hash; a sweep's finished trials; (H1) a trial's snapshot. */
export const dataKey = (hash: string): string => `${PREFIX}:data:${hash}`;
export const resultsKey = (sweep: string): string => `${PREFIX}:results:${sweep}`;
export const snapshotKey = (sweep: string, trial: string): string => `${PREFIX}:snapshot:${sweep}:${trial}`;
/** The BullMQ job id of a trial: the same trial is never queued twice at once. */
export const jobIdOf = (sweep: string, trial: string): string => `${sweep.slice(0, 32)}-${trial.slice(0, 32)}`;

export function sha256(...parts: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The sweep id: a hash of everything but the settings (model, optimizer, init rule, data). */
export function sweepIdOf(job: Pick<TrialJob, 'model' | 'optimizer' | 'varyInit'>, dataHash: string): string {
  return sha256(canonical({ model: job.model, optimizer: job.optimizer, varyInit: job.varyInit, data: dataHash }));
}

/** The trial id within a sweep: a hash of its settings. */
export function trialIdOf(s: TrialSettings): string {
  return sha256(encodeJson([s.requested, s.learningRate, s.seed, s.budget, s.evalEvery, s.divergenceFactor, s.keepParams, ...(s.sampling ? [s.sampling] : []), ...(s.metric ? [{ metric: s.metric }] : [])]));
}

/** JSON with sorted keys, so equal objects hash alike. */
function canonical(v: unknown): string {
  return encodeJson(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

/** JSON that keeps NaN, +-Infinity and -0 (as strings), so records cross Redis bit for bit. */
export function encodeJson(v: unknown, pre?: (k: string, x: unknown) => unknown): string {
  return JSON.stringify(v, function (this: unknown, k: string, x: unknown) {
    const y = pre ? pre(k, x) : x;
    if (typeof y !== 'number') return y;
    if (Number.isNaN(y)) return 'NaN';
    if (y === Infinity) return 'Infinity';
    if (y === -Infinity) return '-Infinity';
    return Object.is(y, -0) ? '-0' : y;
  });
}

export function decodeJson(s: string): unknown {
  return JSON.parse(s, (_k, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === '-0' ? -0 : v));
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const num = z.custom<number>((v) => typeof v === 'number', 'a number');
const finite = z.number().refine(Number.isFinite, 'a finite number');
const notNaN = z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v), 'a number');
const int = (min: number, max: number): z.ZodNumber => z.number().int().min(min).max(max);

type Sched = { type: string } & Record<string, unknown>;
const scheduleSchema: z.ZodType<Sched> = z.lazy(() => z.union([
  z.object({ type: z.literal('constant'), value: finite }).strict(),
  z.object({ type: z.literal('step'), initial: finite, stepSize: int(1, 2 ** 40), gamma: finite }).strict(),
  z.object({ type: z.literal('exponential'), initial: finite, decaySteps: finite, decayRate: finite }).strict(),
  z.object({ type: z.literal('cosine'), initial: finite, decaySteps: finite, minValue: finite }).strict(),
  z.object({ type: z.literal('warmup'), warmupSteps: int(0, 2 ** 40), startFactor: finite, after: scheduleSchema }).strict(),
])) as z.ZodType<Sched>;

/** Widest model a job may ask for: more weights than this is refused rather than allocated. */
export const MAX_JOB_PARAMS = 50_000_000;

const modelSchema = z.object({
  kind: z.enum(['linear', 'logistic', 'softmax', 'mlp']),
  layers: z.array(int(1, 1 << 20)).min(2).max(64)
    .refine((l) => l.slice(1).reduce((a, w, i) => a + (l[i]! + 1) * w, 0) <= MAX_JOB_PARAMS, `at most ${MAX_JOB_PARAMS} weights`),
  activation: z.enum(['relu', 'leaky-relu', 'tanh', 'sigmoid', 'linear']),
  output: z.enum(['linear', 'sigmoid', 'softmax']),
  init: z.enum(['glorot', 'he', 'zeros']),
  seed: int(0, 2 ** 53), leakySlope: finite,
  dropout: z.array(z.number().min(0).lt(1)).max(64).optional(),
}).strict();

const optimizerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd'), learningRate: scheduleSchema, momentum: finite, dampening: finite, nesterov: z.boolean(), weightDecay: finite }).strict(),
  z.object({ type: z.literal('rmsprop'), learningRate: scheduleSchema, alpha: finite, epsilon: finite, momentum: finite, centered: z.boolean(), weightDecay: finite }).strict(),
  z.object({ type: z.literal('adam'), learningRate: scheduleSchema, beta1: finite, beta2: finite, epsilon: finite, weightDecay: finite, decoupled: z.boolean() }).strict(),
]);

const settingsSchema = z.object({
  requested: z.union([int(1, 2 ** 31), z.literal('full')]),
  learningRate: finite.refine((v) => v > 0, 'positive'),
  seed: int(0, 2 ** 53),
  budget: z.union([
    z.object({ epochs: int(1, 1e6) }).strict(), z.object({ examples: int(1, 2 ** 50) }).strict(),
    z.object({ seconds: finite.refine((v) => v > 0 && v <= 7 * 86400, 'at most a week') }).strict(),
  ]),
  evalEvery: notNaN.refine((v) => v >= 1, 'at least 1'),
  divergenceFactor: notNaN.refine((v) => v > 0, 'positive'),
  keepParams: z.boolean(),
  sampling: z.object({ shuffle: z.boolean(), dropLast: z.boolean() }).strict().optional(),
  metric: z.enum(METRIC_KEYS as [MetricKey, ...MetricKey[]]).optional(),
}).strict();

const trialJobSchema = z.object({ model: modelSchema, optimizer: optimizerSchema, varyInit: z.boolean(), settings: settingsSchema }).strict();

/** The data of a BullMQ job: ids by hash and the TrialJob as extended JSON (at most 1 MB). */
export const payloadSchema = z.object({ v: z.literal(1), sweep: hex64, data: hex64, trial: hex64, job: z.string().max(1 << 20) }).strict();
export type Payload = z.infer<typeof payloadSchema>;

/** A payload checked through: its TrialJob, and ids that match its content. */
export interface CheckedPayload { sweep: string; data: string; trial: string; job: TrialJob }

/** Validates a job's data; a string naming the first problem when it is unusable. */
export function checkPayload(raw: unknown): CheckedPayload | string {
  const p = payloadSchema.safeParse(raw);
  if (!p.success) return `bad job payload: ${summary(p.error)}`;
  let parsed: unknown;
  try { parsed = decodeJson(p.data.job); } catch { return 'bad job payload: job is not JSON'; }
  const j = trialJobSchema.safeParse(parsed);
  if (!j.success) return `bad job payload: ${summary(j.error)}`;
  const job = j.data as unknown as TrialJob;
  if (sweepIdOf(job, p.data.data) !== p.data.sweep || trialIdOf(job.settings) !== p.data.trial) return 'bad job payload: its sweep or trial id does not match its content';
  return { sweep: p.data.sweep, data: p.data.data, trial: p.data.trial, job };
}

/** The payload of one job. */
export function makePayload(job: TrialJob, dataHash: string): Payload {
  return { v: 1, sweep: sweepIdOf(job, dataHash), data: dataHash, trial: trialIdOf(job.settings), job: encodeJson(job) };
}

const pointSchema = z.object({ epoch: num, updates: num, examplesSeen: num, trainSeconds: num, trainLoss: num, valLoss: num, valMetric: num }).strict();
const recordSchema = z.object({
  batchSize: int(1, 2 ** 53), requested: z.union([int(1, 2 ** 53), z.literal('full')]), learningRate: num, seed: num,
  points: z.array(pointSchema), diverged: z.object({ epoch: num, loss: num }).strict().optional(), finalParams: z.array(num).optional(),
}).strict();

/** A record read back from Redis, or undefined when it is not a valid RunRecord. */
export function parseRecord(s: string | null | undefined): RunRecord | undefined {
  if (typeof s !== 'string') return undefined;
  try { const r = recordSchema.safeParse(decodeJson(s)); return r.success ? (r.data as RunRecord) : undefined; } catch { return undefined; }
}

/** A point sent as job progress, or undefined. */
export function parsePoint(v: unknown): Point | undefined {
  if (typeof v !== 'string') return undefined;
  try { const r = pointSchema.safeParse(decodeJson(v)); return r.success ? r.data : undefined; } catch { return undefined; }
}

function summary(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}`.slice(0, 200) : 'invalid';
}
