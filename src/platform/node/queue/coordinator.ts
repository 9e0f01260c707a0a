// The coordinator side: a JobExecutor that queues a sweep's trials on BullMQ and collects their records from Redis.
import { Redis } from 'ioredis';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Queue, QueueEvents } from 'bullmq';
import { MinibatchError } from '../../../core/errors.js';
import type { JobExecutor, JobHooks } from '../../../experiments/job-executor.js';
import type { Point, RunRecord } from '../../../experiments/records.js';
import type { TrialJob, TrialSettings } from '../../../experiments/trial.js';
import { putSplit, type SplitRows } from './data-store.js';
import { DEFAULT_QUEUE, jobIdOf, makePayload, parsePoint, parseRecord, PREFIX, resultsKey, type Payload } from './protocol.js';
import { parseRedisUrl, redactSecret, type RedisTarget } from './redis-url.js';

export interface RedisExecutorOptions {
  /** redis://[:password@]host[:port][/db] or rediss://... (the password is never printed). */
  url: string;
  /** TLS options for rediss:// (ca, cert, key, rejectUnauthorized...). */
  tls?: TlsOptions;
  /** Queue name (default 'trials'); workers must use the same. */
  queue?: string;
  /** Reuse the finished trials Redis keeps for the same sweep (a restarted coordinator). Default false: they rerun. */
  resume?: boolean;
  /** Tries per trial before it counts as failed (a worker's crash or a lost connection). Default 3. */
  attempts?: number;
  /** Every evaluation point a worker reports, as it happens. */
  onPoint?(settings: TrialSettings, point: Point): void;
  /** One line per notable event (queued, reused, connection trouble), password redacted. */
  log?(line: string): void;
  /** Milliseconds between checks of unfinished trials (covers events missed while disconnected). Default 1000. */
  pollMs?: number;
  /** Milliseconds to wait for the first connection before failing. Default 10000. */
  connectTimeoutMs?: number;
}

/** A JobExecutor on Redis, with counters for messages. */
export interface RedisExecutor extends JobExecutor {
  /** Trials queued for workers so far. */
  readonly queued: number;
  /** Trials answered from records already in Redis (with resume). */
  readonly reused: number;
}

interface Waiter { payload: Payload; jobId: string; settle(r: RunRecord | Error): void; started(): void; point(p: Point): void }

/**
 * A JobExecutor whose trials run on `minibatch worker` processes anywhere that reach the same
 * Redis. The split is stored once under its content hash; each trial is one BullMQ job whose
 * id derives from the sweep id (a hash of model, optimizer and data) and the trial's settings,
 * so a trial is never queued twice at once. Workers store each finished record in the sweep's
 * results hash; the coordinator takes records from there (on the job's completed event, and
 * by polling), so events missed while Redis restarts lose nothing, and with `resume` a
 * restarted coordinator reuses every trial finished before. Connects on first use.
 */
export function redisExecutor(o: RedisExecutorOptions): RedisExecutor {
  const target: RedisTarget = parseRedisUrl(o.url, o.tls);
  const secret = target.options.password;
  const log = (line: string): void => o.log?.(redactSecret(line, secret));
  const waiters = new Map<string, Waiter[]>();
  const cleared = new Set<string>(); const stored = new Set<string>();
  let conn: Promise<{ redis: Redis; queue: Queue; events: QueueEvents }> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let queued = 0; let reused = 0; let polls = 0;
  const name = o.queue ?? DEFAULT_QUEUE;

  const connect = async (): Promise<{ redis: Redis; queue: Queue; events: QueueEvents }> => {
    const redis = new Redis(target.options);
    let last = 'no answer';
    redis.on('error', (e: Error) => { last = redactSecret(e.message, secret); log(`redis ${target.display}: ${last}`); });
    const limit = o.connectTimeoutMs ?? 10_000;
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new MinibatchError('IO', `cannot reach Redis at ${target.display} within ${limit / 1000} s (${last}); check the --redis URL, the password and that redis-server runs`)), limit).unref());
    await Promise.race([redis.ping(), timeout]).catch((e: unknown) => {
      redis.disconnect();
      if (e instanceof MinibatchError) throw e;
      throw new MinibatchError('IO', `cannot use Redis at ${target.display}: ${redactSecret((e as Error).message, secret)}; check the --redis URL and its password`);
    });
    const queue = new Queue(name, { connection: target.options, prefix: PREFIX });
    const events = new QueueEvents(name, { connection: target.options, prefix: PREFIX });
    queue.on('error', (e: Error) => log(`queue: ${e.message}`));
    events.on('error', (e: Error) => log(`queue events: ${e.message}`));
    events.on('active', ({ jobId }) => waiters.get(jobId)?.forEach((w) => w.started()));
    events.on('progress', ({ jobId, data }) => { const p = parsePoint(data); waiters.get(jobId)?.forEach((w) => { w.started(); if (p) w.point(p); }); });
    events.on('completed', ({ jobId }) => { void collect(redis, [jobId]); });
    events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    timer = setInterval(() => { void poll(redis, queue); }, o.pollMs ?? 1000);
    timer.unref();
    return { redis, queue, events };
  };

  const fail = (jobId: string, reason: string): void => {
    const err = new MinibatchError('BAD_ARGUMENT', `a trial failed on a worker and will not be retried: ${redactSecret(reason, secret)}`);
    waiters.get(jobId)?.forEach((w) => w.settle(err));
  };

  /** Settles the waiters of these jobs whose records are in Redis. */
  const collect = async (redis: Redis, jobIds: readonly string[]): Promise<void> => {
    const ws = jobIds.flatMap((id) => waiters.get(id)?.slice(0, 1) ?? []);
    if (ws.length === 0) return;
    try {
      const got = await Promise.all(ws.map((w) => redis.hget(resultsKey(w.payload.sweep), w.payload.trial)));
      got.forEach((s, k) => { const r = parseRecord(s); if (r) waiters.get(ws[k]!.jobId)?.forEach((w) => w.settle(r)); });
    } catch (e) { log(`collecting results: ${(e as Error).message}`); }
  };

  /** Records finished while events were missed; every 5th poll, jobs lost (re-queued) or failed. */
  const poll = async (redis: Redis, queue: Queue): Promise<void> => {
    const ids = [...waiters.keys()];
    if (ids.length === 0) return;
    await collect(redis, ids);
    if (++polls % 5 !== 0) return;
    for (const id of ids.slice(0, 200)) {
      const w = waiters.get(id)?.[0];
      if (!w) continue;
      try {
        const state = await queue.getJobState(id);
        if (state === 'unknown') { await collect(redis, [id]); if (waiters.has(id)) { log(`trial ${id} was lost from the queue; queueing it again`); await enqueue(queue, [w]); } }
        else if (state === 'failed') fail(id, (await queue.getJob(id))?.failedReason ?? 'failed');
      } catch (e) { log(`checking trial ${id}: ${(e as Error).message}`); }
    }
  };

  const enqueue = async (queue: Queue, ws: readonly Waiter[]): Promise<void> => {
    for (const w of ws) { if ((await queue.getJobState(w.jobId)) === 'failed') await queue.remove(w.jobId); }
    await queue.addBulk(ws.map((w) => ({
      name: 'trial', data: w.payload,
      opts: { jobId: w.jobId, attempts: o.attempts ?? 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
    })));
    queued += ws.length;
  };

  const run: JobExecutor['run'] = async (jobs, data, hooks) => {
    conn ??= connect();
    const { redis, queue } = await conn;
    const hash = await storeOnce(redis, data);
    const runs: Array<RunRecord | undefined> = new Array(jobs.length).fill(undefined);
    const mine: Waiter[] = [];
    const settled = jobs.map((job, i) => new Promise<void>((resolve, reject) => {
      const w = waiter(job, i, hash, hooks, (r) => { if (r instanceof Error) reject(r); else { runs[i] = r; resolve(); } });
      mine.push(w); waiters.set(w.jobId, [...(waiters.get(w.jobId) ?? []), w]);
    }));
    try {
      await clearUnlessResuming(redis, mine);
      await collect(redis, mine.map((w) => w.jobId));
      const todo = mine.filter((w) => waiters.get(w.jobId)?.includes(w));
      reused += jobs.length - todo.length;
      if (jobs.length > todo.length) log(`${jobs.length - todo.length} trials already finished in Redis, reused`);
      if (todo.length > 0) { await enqueue(queue, todo); log(`queued ${todo.length} trials on ${target.display} (queue ${name})`); }
      await untilDone(Promise.all(settled), hooks.signal);
    } finally {
      for (const w of mine) unregister(w);
      if (hooks.signal?.aborted) await withdraw(queue, mine.filter((_, i) => runs[i] === undefined));
    }
    return { runs, partial: runs.some((r) => r === undefined) };
  };

  const waiter = (job: TrialJob, i: number, hash: string, hooks: JobHooks, done: (r: RunRecord | Error) => void): Waiter => {
    const payload = makePayload(job, hash);
    let started = false; let over = false;
    const w: Waiter = {
      payload, jobId: jobIdOf(payload.sweep, payload.trial),
      started() { if (!started && !over) { started = true; hooks.onStart?.(i); } },
      point(p) { if (!over) { hooks.onPoint?.(i, p); o.onPoint?.(job.settings, p); } },
      settle(r) { if (over) return; over = true; unregister(w); if (!(r instanceof Error)) hooks.onEnd?.(i); done(r); },
    };
    return w;
  };

  const unregister = (w: Waiter): void => {
    const rest = (waiters.get(w.jobId) ?? []).filter((x) => x !== w);
    if (rest.length > 0) waiters.set(w.jobId, rest); else waiters.delete(w.jobId);
  };

  const storeOnce = async (redis: Redis, data: SplitRows): Promise<string> => {
    const hash = await putSplit(redis, data);
    if (!stored.has(hash)) { stored.add(hash); log(`data set ${hash.slice(0, 12)} stored in Redis (${data.train.length} + ${data.val.length} rows)`); }
    return hash;
  };

  const clearUnlessResuming = async (redis: Redis, ws: readonly Waiter[]): Promise<void> => {
    if (o.resume) return;
    for (const sweep of new Set(ws.map((w) => w.payload.sweep))) {
      if (!cleared.has(sweep)) { cleared.add(sweep); await redis.del(resultsKey(sweep)); }
    }
  };

  return {
    name: `redis ${target.display}`,
    get queued() { return queued; },
    get reused() { return reused; },
    run,
    async close() {
      if (timer) clearInterval(timer);
      if (!conn) return;
      const c = await conn.catch(() => undefined);
      conn = undefined;
      if (!c) return;
      await Promise.allSettled([c.events.close(), c.queue.close()]);
      c.redis.disconnect();
    },
  };
}

/** Resolves when `all` does, or when `signal` is raised (then the caller reports partial results). */
function untilDone(all: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return all.then(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    all.then(() => resolve(), reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Removes a cancelled sweep's trials that no worker has taken yet (running ones finish and are kept). */
async function withdraw(queue: Queue, ws: readonly Waiter[]): Promise<void> {
  await Promise.allSettled(ws.map(async (w) => { if ((await queue.getJobState(w.jobId)) === 'waiting') await queue.remove(w.jobId); }));
}
