// The checkpoint file's schema (zod): what loadCheckpoint accepts, field by field, with bounds.
import { z } from 'zod';
import { METRIC_KEYS } from './metrics.js';

export const CHECKPOINT_FORMAT = 'minibatch-checkpoint';

/** An RNG state word: xoshiro keeps them as int32 or uint32. */
const u32 = z.number().int().min(-(2 ** 31)).max(2 ** 32 - 1);
const count = z.number().int().min(0).max(2 ** 53);
const numOrNull = z.number().nullable();
const b64 = z.string().max(2 ** 29);
const metrics = z.object(Object.fromEntries(METRIC_KEYS.map((k) => [k, numOrNull.optional()]))).strict();
const recordSchema = z.object({
  epoch: count, updates: count, examplesSeen: count, trainSeconds: z.number(), trainLoss: z.number(),
  valLoss: z.number().optional(), metrics, valMetrics: metrics.optional(), learningRate: numOrNull, batchSize: count.optional(),
}).strict();
const policySchema = z.object({
  spec: z.record(z.string(), z.unknown()), batchSize: count, lrScale: z.number(),
  meter: z.object({
    g2Sum: z.number(), trSum: z.number(), pairs: count, prevLen: count, prev: b64,
    ema: z.object({ g: z.number(), t: z.number(), k: count }).strict(),
  }).strict().optional(),
  backoff: z.object({ prevLoss: numOrNull, cap: numOrNull, hold: z.boolean() }).strict().optional(),
}).strict();
export const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int(),
  createdBy: z.string().max(1000),
  model: z.record(z.string(), z.unknown()),
  optimizer: z.object({ spec: z.record(z.string(), z.unknown()), iterations: count, lastLearningRate: numOrNull, size: z.number().int().min(-1).max(2 ** 31), buffers: z.array(b64).max(16) }).strict(),
  sampler: z.object({ order: b64, rng: z.tuple([u32, u32, u32, u32, numOrNull]) }).strict(),
  loop: z.object({ epoch: count, inEpoch: z.boolean(), batch: count, updates: count, seen: count, seconds: z.number().min(0), firstLoss: numOrNull, stats: b64 }).strict(),
  run: z.object({
    batchSize: count, shuffle: z.boolean(), dropLast: z.boolean(), reduction: z.enum(['mean', 'sum']), seed: count,
    trainExamples: count, validationExamples: count, numFeatures: count, targetWidth: count, dataHash: z.string().max(16),
  }).strict(),
  records: z.array(recordSchema).max(1e7),
  stopped: z.literal('early-stopping').optional(),
  early: z.object({ best: numOrNull, bestEpoch: count, wait: count, bestParams: b64.optional() }).strict().optional(),
  policy: policySchema.optional(),
  reduceLr: z.object({
    rateScale: z.number().positive(), best: numOrNull, wait: count, cooling: count,
    reductions: z.array(z.object({ epoch: count, learningRate: z.number() }).strict()).max(1e7),
  }).strict().optional(),
  dropout: z.object({ rng: z.tuple([u32, u32, u32, u32, numOrNull]) }).strict().optional(),
}).strict();

