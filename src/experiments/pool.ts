// A pool of worker threads that run trial jobs over data shared once per worker.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MinibatchError, type ErrorCode } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { RunRecord } from './records.js';
import type { TrialJob } from './trial.js';

/** A dataset's arrays in SharedArrayBuffers: workers read them without a copy. */
export interface SharedRows { x: Float32Array; y: Float32Array; length: number }

/** What the worker entry receives as workerData. */
export interface WorkerInit { train: SharedRows; val: SharedRows }

/** Messages between the pool and a worker. */
export type WorkerReply = { run: RunRecord } | { error: { message: string; code?: string; name?: string } };

/** Copies a dataset's rows once into shared memory. */
export function shareRows(d: Dataset): SharedRows {
  const x = new Float32Array(new SharedArrayBuffer(d.x.length * 4)); x.set(d.x);
  const y = new Float32Array(new SharedArrayBuffer(d.y.length * 4)); y.set(d.y);
  return { x, y, length: d.length };
}

/** Default worker count: one per core the process may use. */
export function defaultWorkers(): number { return Math.max(1, availableParallelism()); }

/** Hooks of one `run`: trial i started or finished. */
export interface PoolHooks {
  signal?: AbortSignal;
  onStart?(index: number): void;
  onEnd?(index: number): void;
}

const ABORTED = Symbol('aborted');

/**
 * Runs TrialJobs on up to `size` worker threads (started on first use and reused across
 * `run` calls, e.g. the rungs of successive halving). Each worker gets the training and
 * validation rows once, as SharedArrayBuffers; a job is plain data and its result depends on
 * it alone, so results equal a sequential run's except for wall-clock fields. On abort the
 * pool starts no more jobs and terminates the workers still running one: `run` resolves with
 * the finished results (undefined elsewhere) and `partial: true`.
 */
export class TrialPool {
  private readonly init: WorkerInit;
  private idle: Worker[] = [];
  private closed = false;

  constructor(train: Dataset, val: Dataset, readonly size: number = defaultWorkers()) {
    this.init = { train: shareRows(train), val: shareRows(val) };
  }

  async run(jobs: readonly TrialJob[], hooks: PoolHooks = {}): Promise<{ runs: Array<RunRecord | undefined>; partial: boolean }> {
    if (this.closed) throw new MinibatchError('BAD_ARGUMENT', 'this TrialPool was closed; create a new one');
    const runs: Array<RunRecord | undefined> = new Array(jobs.length).fill(undefined);
    const { signal } = hooks;
    let next = 0;
    const busy = new Set<Worker>();
    let onAbort: () => void = () => {};
    const aborted = new Promise<typeof ABORTED>((resolve) => { onAbort = () => resolve(ABORTED); });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const lane = async (w: Worker): Promise<void> => {
      while (next < jobs.length && !signal?.aborted) {
        const i = next++;
        hooks.onStart?.(i);
        busy.add(w);
        const job = execute(w, jobs[i]!);
        job.catch(() => {}); // a job ended by abort rejects after the race is decided
        const r = await Promise.race([job, aborted]);
        if (r === ABORTED) return;
        busy.delete(w);
        runs[i] = r;
        hooks.onEnd?.(i);
      }
    };
    const count = Math.min(this.size, jobs.length);
    const workers: Worker[] = [];
    for (let i = 0; i < count; i++) workers.push(this.idle.pop() ?? this.spawn());
    try {
      await Promise.all(workers.map(lane));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) {
        if (busy.has(w)) void w.terminate(); else this.idle.push(w);
      }
    }
    return { runs, partial: runs.some((r) => r === undefined) };
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const ws = this.idle; this.idle = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./trial-worker.js', import.meta.url), { workerData: this.init });
    w.unref();
    return w;
  }
}

function execute(w: Worker, job: TrialJob): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => { w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
    const onMessage = (m: WorkerReply): void => {
      cleanup();
      if ('run' in m) resolve(m.run);
      else reject(new MinibatchError((m.error.code ?? 'BAD_ARGUMENT') as ErrorCode, `a trial failed in a worker thread: ${m.error.message}`));
    };
    const onError = (e: Error): void => { cleanup(); reject(e); };
    const onExit = (code: number): void => { cleanup(); reject(new Error(`a trial worker exited with code ${code} before answering`)); };
    w.on('message', onMessage); w.on('error', onError); w.on('exit', onExit);
    w.ref();
    w.postMessage(job);
  }).finally(() => w.unref()) as Promise<RunRecord>;
}
