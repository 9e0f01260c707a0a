// A trial worker: takes trial jobs from the BullMQ queue, runs them with the local trial code, reports points.
import { Redis } from 'ioredis';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { MinibatchError } from '../../../core/errors.js';
import { optimizerAt } from '../../../experiments/run/optimizer-spec.js';
import { modelForSeed, TrialRunner, warmUp } from '../../../experiments/run/trial.js';
import { checkDataFitsModel } from '../../../train/metrics.js';
import { SplitCache, type SplitRows } from './data-store.js';
import { checkPayload, DEFAULT_QUEUE, encodeJson, PREFIX, resultsKey, snapshotKey, type CheckedPayload } from './protocol.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.js';
import { parseRedisUrl, redactSecret } from './redis-url.js';

export interface TrialWorkerOptions {
  /** redis://[:password@]host[:port][/db] or rediss://... */
  url: string;
  /** TLS options for rediss:// (ca, cert, key, rejectUnauthorized...). */
  tls?: TlsOptions;
  /** Queue name (default 'trials'); coordinator and workers must agree. */
  queue?: string;
  /** Milliseconds a job's lock lasts without renewal: a worker silent that long has stalled. Default 30000. */
  lockDuration?: number;
  /** Milliseconds between checks for stalled jobs (those go back to the queue). Default 30000. */
  stalledInterval?: number;
  /** Times a job may stall before it fails. Default 3. */
  maxStalledCount?: number;
  /** One line per event (job taken, finished, failed, connection trouble); the password never appears. */
  log?(line: string): void;
}

/** A running worker. */
export interface TrialWorker {
  /** The Redis URL with the password redacted. */
  readonly display: string;
  /** Trials finished by this worker. */
  readonly finished: number;
  /** Stops: a trial in progress goes back to the queue for another worker (or this one later). */
  close(): Promise<void>;
}

const SLICE_MS = 100;

/**
 * Starts a worker that runs one trial at a time (start one process per core for more). Each
 * job's payload is validated (zod) first; a payload that is not a valid trial, or whose model
 * does not fit the data, fails at once as unrecoverable (never retried). The data set is
 * fetched once per content hash and cached. The trial runs in slices of ~0.1 s so the job's
 * lock is renewed and every evaluation point is reported as job progress; the finished record
 * is stored in the sweep's results hash before the job completes, so nothing finished is
 * lost if this process dies. The worker reads and writes no file.
 */
export async function startTrialWorker(o: TrialWorkerOptions): Promise<TrialWorker> {
  const target = parseRedisUrl(o.url, o.tls);
  const log = (line: string): void => o.log?.(redactSecret(line, target.options.password));
  const redis = new Redis(target.options);
  redis.on('error', (e: Error) => log(`redis ${target.display}: ${e.message}`));
  const ctx: Context = { redis, cache: new SplitCache(redis), warmed: new Set(), log, stopping: false, finished: 0 };
  const worker = new Worker(o.queue ?? DEFAULT_QUEUE, (job: Job, token?: string) => runTrial(ctx, job, token), {
    connection: target.options, prefix: PREFIX, concurrency: 1,
    lockDuration: o.lockDuration ?? 30_000, stalledInterval: o.stalledInterval ?? 30_000, maxStalledCount: o.maxStalledCount ?? 3,
  });
  worker.on('error', (e) => log(`worker: ${e.message}`));
  worker.on('completed', (job) => log(`job ${job.id}: finished`));
  worker.on('failed', (job, e) => log(`job ${job?.id ?? '?'}: failed: ${e.message}`));
  await worker.waitUntilReady();
  return {
    display: target.display,
    get finished() { return ctx.finished; },
    async close() {
      ctx.stopping = true;
      await worker.close();
      redis.disconnect();
    },
  };
}

interface Context { redis: Redis; cache: SplitCache; warmed: Set<string>; log(line: string): void; stopping: boolean; finished: number }

/** The processor of one job: validate, fetch the data, train in slices with progress, store the record. */
async function runTrial(ctx: Context, job: Job, token: string | undefined): Promise<string> {
  const p = checkPayload(job.data);
  if (typeof p === 'string') { ctx.log(`job ${job.id}: ${p}`); throw new UnrecoverableError(p); }
  const data = await ctx.cache.get(p.data).catch((e: unknown) => {
    // A damaged or forged data set fails the same way on every try; a missing one may yet be stored.
    if (e instanceof MinibatchError && e.code !== 'NOT_FOUND') throw new UnrecoverableError(`bad data set: ${e.message}`);
    throw e;
  });
  let runner = build(ctx, p, data);
  ctx.log(`job ${job.id}: batch ${p.job.settings.requested}, lr ${p.job.settings.learningRate}, seed ${p.job.settings.seed}`);
  const snapKey = snapshotKey(p.sweep, p.trial);
  // A trial another worker started (and stalled in) resumes from its last snapshot: same bits.
  const from = await resumeFromSnapshot(ctx, runner, snapKey, String(job.id));
  if (from === 'failed') runner = build(ctx, p, data); // a half-restored runner is not trusted
  const resumed = from === 'resumed';
  let sent = resumed ? runner.result().points.length : 1;
  if (!resumed) await job.updateProgress(encodeJson(runner.result().points[0]));
  let savedAt = performance.now();
  for (;;) {
    const done = runner.advance(performance.now() + SLICE_MS);
    const points = runner.result().points;
    for (; sent < points.length; sent++) await job.updateProgress(encodeJson(points[sent]));
    if (done) break;
    if (performance.now() - savedAt >= SNAPSHOT_EVERY_MS) {
      await ctx.redis.set(snapKey, encodeSnapshot(runner.snapshot()), 'EX', SNAPSHOT_TTL_SECONDS);
      savedAt = performance.now();
    }
    if (ctx.stopping && token) { await job.moveToWait(token); throw new WaitingError(); }
    await new Promise((r) => setImmediate(r));
  }
  await ctx.redis.hset(resultsKey(p.sweep), p.trial, encodeJson(runner.result()));
  await ctx.redis.del(snapKey);
  ctx.finished++;
  return 'stored';
}

/** Milliseconds between snapshots of a running trial (a stalled trial reruns at most this much). */
export const SNAPSHOT_EVERY_MS = 2000;
/** Snapshots of abandoned sweeps expire after a day. */
const SNAPSHOT_TTL_SECONDS = 86400;

/** Restores `runner` from the snapshot under `key`, if one is there and fits. */
async function resumeFromSnapshot(ctx: Context, runner: TrialRunner, key: string, id: string): Promise<'resumed' | 'none' | 'failed'> {
  const text = await ctx.redis.get(key);
  if (text === null) return 'none';
  const snap = decodeSnapshot(text);
  try {
    if (!snap) throw new Error('not a trial snapshot');
    runner.restore(snap);
  } catch (e) {
    ctx.log(`job ${id}: its snapshot could not be used (${(e as Error).message}); starting the trial over`);
    await ctx.redis.del(key);
    return 'failed';
  }
  ctx.log(`job ${id}: resumed at ${snap.updates} updates from its snapshot`);
  return 'resumed';
}

/** The trial's runner; a model that does not fit the data, or a spec the library refuses, is unrecoverable. */
function build(ctx: Context, p: CheckedPayload, data: SplitRows): TrialRunner {
  try {
    const model = modelForSeed(p.job.model, p.job.settings.seed, p.job.varyInit);
    checkDataFitsModel(model, data.train, 'training data');
    checkDataFitsModel(model, data.val, 'validation data');
    const opt = optimizerAt(p.job.optimizer, p.job.settings.learningRate);
    if (!ctx.warmed.has(p.data)) { warmUp(modelForSeed(p.job.model, 0, false), optimizerAt(p.job.optimizer, 1e-3), data.train, data.val); ctx.warmed.add(p.data); }
    return new TrialRunner(model, opt, data.train, data.val, p.job.settings);
  } catch (err) {
    if (err instanceof MinibatchError) throw new UnrecoverableError(`bad trial: ${err.message}`);
    throw err;
  }
}
