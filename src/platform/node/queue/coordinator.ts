// The coordinator side: a JobExecutor that queues a sweep's trials on BullMQ and collects their records from Redis.
import { Redis } from 'ioredis';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Queue, QueueEvents } from 'bullmq';
import { MinibatchError } from '../../../core/errors.js';
import type { JobExecutor, JobHooks } from '../../../experiments/run/job-executor.js';
import type { Point, RunRecord } from '../../../experiments/records.js';
import type { TrialJob, TrialSettings } from '../../../experiments/run/trial.js';
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
export function redisExecutor(o: RedisExecutorOptions): RedisExecutor { return new RedisCoordinator(o); }

interface Connection { redis: Redis; queue: Queue; events: QueueEvents }

class RedisCoordinator implements RedisExecutor {
  readonly name: string;
  queued = 0; reused = 0;
  private readonly target: RedisTarget;
  private readonly queueName: string;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly cleared = new Set<string>();
  private readonly stored = new Set<string>();
  private conn: Promise<Connection> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polls = 0;

  constructor(private readonly o: RedisExecutorOptions) {
    this.target = parseRedisUrl(o.url, o.tls);
    this.queueName = o.queue ?? DEFAULT_QUEUE;
    this.name = `redis ${this.target.display}`;
  }

  private log(line: string): void { this.o.log?.(redactSecret(line, this.target.options.password)); }
  private redact(text: string): string { return redactSecret(text, this.target.options.password); }

  async run(jobs: readonly TrialJob[], data: SplitRows, hooks: JobHooks): Promise<{ runs: Array<RunRecord | undefined>; partial: boolean }> {
    this.conn ??= this.connect();
    const { redis, queue } = await this.conn;
    const hash = await this.storeOnce(redis, data);
    const runs: Array<RunRecord | undefined> = new Array(jobs.length).fill(undefined);
    const mine: Waiter[] = [];
    const settled = jobs.map((job, i) => new Promise<void>((resolve, reject) => {
      const w = this.waiter(job, i, hash, hooks, (r) => { if (r instanceof Error) reject(r); else { runs[i] = r; resolve(); } });
      mine.push(w); this.waiters.set(w.jobId, [...(this.waiters.get(w.jobId) ?? []), w]);
    }));
    try {
      await this.clearUnlessResuming(redis, mine);
      await this.collect(redis, mine.map((w) => w.jobId));
      const todo = mine.filter((w) => this.waiters.get(w.jobId)?.includes(w));
      this.reused += jobs.length - todo.length;
      if (jobs.length > todo.length) this.log(`${jobs.length - todo.length} trials already finished in Redis, reused`);
      if (todo.length > 0) {
        await this.enqueue(queue, todo);
        if (todo.length > 1) this.log(`queued ${todo.length} trials on ${this.target.display} (queue ${this.queueName})`);
      }
      await untilDone(Promise.all(settled), hooks.signal);
    } finally {
      for (const w of mine) this.unregister(w);
      if (hooks.signal?.aborted) await withdraw(queue, mine.filter((_, i) => runs[i] === undefined));
    }
    return { runs, partial: runs.some((r) => r === undefined) };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const c = await this.conn?.catch(() => undefined);
    this.conn = undefined;
    if (!c) return;
    await Promise.allSettled([c.events.close(), c.queue.close()]);
    c.redis.disconnect();
  }

  private async connect(): Promise<Connection> {
    const { options, display } = this.target;
    const redis = new Redis(options);
    let last = 'no answer';
    redis.on('error', (e: Error) => { last = this.redact(e.message); this.log(`redis ${display}: ${last}`); });
    const limit = this.o.connectTimeoutMs ?? 10_000;
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new MinibatchError('IO', `cannot reach Redis at ${display} within ${limit / 1000} s (${last}); check the --redis URL, the password and that redis-server runs`)), limit).unref());
    await Promise.race([redis.ping(), timeout]).catch((e: unknown) => {
      redis.disconnect();
      if (e instanceof MinibatchError) throw e;
      throw new MinibatchError('IO', `cannot use Redis at ${display}: ${this.redact((e as Error).message)}; check the --redis URL and its password`);
    });
    const queue = new Queue(this.queueName, { connection: options, prefix: PREFIX });
    const events = new QueueEvents(this.queueName, { connection: options, prefix: PREFIX });
    queue.on('error', (e: Error) => this.log(`queue: ${e.message}`));
    events.on('error', (e: Error) => this.log(`queue events: ${e.message}`));
    events.on('active', ({ jobId }) => this.waiters.get(jobId)?.forEach((w) => w.started()));
    events.on('progress', ({ jobId, data }) => { const p = parsePoint(data); this.waiters.get(jobId)?.forEach((w) => { w.started(); if (p) w.point(p); }); });
    events.on('completed', ({ jobId }) => { void this.collect(redis, [jobId]); });
    events.on('failed', ({ jobId, failedReason }) => this.fail(jobId, failedReason));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    this.timer = setInterval(() => { void this.poll(redis, queue); }, this.o.pollMs ?? 1000);
    this.timer.unref();
    return { redis, queue, events };
  }

  private fail(jobId: string, reason: string): void {
    const err = new MinibatchError('BAD_ARGUMENT', `a trial failed on a worker and will not be retried: ${this.redact(reason)}`);
    this.waiters.get(jobId)?.forEach((w) => w.settle(err));
  }

  /** Settles the waiters of these jobs whose records are in Redis. */
  private async collect(redis: Redis, jobIds: readonly string[]): Promise<void> {
    const ws = jobIds.flatMap((id) => this.waiters.get(id)?.slice(0, 1) ?? []);
    if (ws.length === 0) return;
    try {
      const got = await Promise.all(ws.map((w) => redis.hget(resultsKey(w.payload.sweep), w.payload.trial)));
      got.forEach((s, k) => { const r = parseRecord(s); if (r) this.waiters.get(ws[k]!.jobId)?.forEach((w) => w.settle(r)); });
    } catch (e) { this.log(`collecting results: ${(e as Error).message}`); }
  }

  /** Records finished while events were missed; every 5th poll, jobs lost (queued again) or failed. */
  private async poll(redis: Redis, queue: Queue): Promise<void> {
    const ids = [...this.waiters.keys()];
    if (ids.length === 0) return;
    await this.collect(redis, ids);
    if (++this.polls % 5 !== 0) return;
    for (const id of ids.slice(0, 200)) {
      const w = this.waiters.get(id)?.[0];
      if (!w) continue;
      try {
        const state = await queue.getJobState(id);
        if (state === 'unknown') {
          await this.collect(redis, [id]);
          if (this.waiters.has(id)) { this.log(`trial ${id} was lost from the queue; queueing it again`); await this.enqueue(queue, [w]); }
        } else if (state === 'failed') this.fail(id, (await queue.getJob(id))?.failedReason ?? 'failed');
      } catch (e) { this.log(`checking trial ${id}: ${(e as Error).message}`); }
    }
  }

  private async enqueue(queue: Queue, ws: readonly Waiter[]): Promise<void> {
    for (const w of ws) { if ((await queue.getJobState(w.jobId)) === 'failed') await queue.remove(w.jobId); }
    await queue.addBulk(ws.map((w) => ({
      name: 'trial', data: w.payload,
      opts: { jobId: w.jobId, attempts: this.o.attempts ?? 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
    })));
    this.queued += ws.length;
  }

  private waiter(job: TrialJob, i: number, hash: string, hooks: JobHooks, done: (r: RunRecord | Error) => void): Waiter {
    const payload = makePayload(job, hash);
    let started = false; let over = false;
    const w: Waiter = {
      payload, jobId: jobIdOf(payload.sweep, payload.trial),
      started: () => { if (!started && !over) { started = true; hooks.onStart?.(i); } },
      point: (p) => { if (!over) { hooks.onPoint?.(i, p); this.o.onPoint?.(job.settings, p); } },
      settle: (r) => { if (over) return; over = true; this.unregister(w); if (!(r instanceof Error)) hooks.onEnd?.(i); done(r); },
    };
    return w;
  }

  private unregister(w: Waiter): void {
    const rest = (this.waiters.get(w.jobId) ?? []).filter((x) => x !== w);
    if (rest.length > 0) this.waiters.set(w.jobId, rest); else this.waiters.delete(w.jobId);
  }

  private async storeOnce(redis: Redis, data: SplitRows): Promise<string> {
    const hash = await putSplit(redis, data);
    if (!this.stored.has(hash)) { this.stored.add(hash); this.log(`data set ${hash.slice(0, 12)} stored in Redis (${data.train.length} + ${data.val.length} rows)`); }
    return hash;
  }

  private async clearUnlessResuming(redis: Redis, ws: readonly Waiter[]): Promise<void> {
    if (this.o.resume) return;
    for (const sweep of new Set(ws.map((w) => w.payload.sweep))) {
      if (!this.cleared.has(sweep)) { this.cleared.add(sweep); await redis.del(resultsKey(sweep)); }
    }
  }
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
