// A pool of worker threads (from the platform's TrialThreads) that run trial jobs (and a study's noise-tracking run) over data shared once per worker.
import { MinibatchError, type ErrorCode } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { NoiseTrack, NoiseTrackJob } from '../noise-track.js';
import type { RunRecord } from '../records.js';
import type { TrialJob } from './trial.js';

/** A dataset's arrays in SharedArrayBuffers: workers read them without a copy. */
export interface SharedRows { x: Float32Array; y: Float32Array; length: number }

/** What the worker entry receives as workerData. */
export interface WorkerInit { train: SharedRows; val: SharedRows }

/**
 * What a worker is sent: a trial, a noise-tracking run (see trackNoise), or (not answered) word
 * that a new pool took it over, whose rows may have changed since its last job: it copies them
 * afresh into its memory before the next one. Within one pool the rows stay as they are (trials
 * on other threads read them while a sweep runs), so a worker copies them once per pool.
 */
export type WorkerRequest = TrialJob | { track: NoiseTrackJob } | { rowsRenewed: true };

/** Messages between the pool and a worker: a trial's record, a tracking run's result (null: it diverged), or an error. */
export type WorkerReply = { run: RunRecord } | { track: NoiseTrack | null } | { error: { message: string; code?: string; name?: string } };

/** A dataset's rows in shared memory: copied there once, or as they are when already shared (a split made with `shared`). */
export function shareRows(d: Dataset): SharedRows {
  return { x: shared(d.x), y: shared(d.y), length: d.length };
}

function shared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const c = new Float32Array(new SharedArrayBuffer(a.length * 4)); c.set(a);
  return c;
}

/** The handlers of a thread's next answer, error and exit. */
export interface ThreadListener { message(m: WorkerReply): void; error(e: Error): void; exit(code: number): void }

/** One trial worker thread as the pool drives it (Node: a worker_threads Worker; a browser: a Web Worker). */
export interface TrialThread {
  postMessage(job: WorkerRequest): void;
  /** Sets the handlers of the thread's events (null removes them). */
  listen(l: ThreadListener | null): void;
  terminate(): Promise<unknown>;
  /** Whether the thread keeps the process alive (on while it runs a job). */
  keepAlive(on: boolean): void;
}

/** Starts trial worker threads; the platform installs one (src/platform/node/trial-threads.ts). */
export interface TrialThreads {
  /** A thread running the trial worker entry over `init` (the entry installs its platform itself). */
  spawn(init: WorkerInit): TrialThread;
  /** Cores this process may use. */
  readonly cores: number;
}

let threads: TrialThreads | undefined;

/** Installs the platform's TrialThreads (src/platform/node/install.ts does this for Node). */
export function setTrialThreads(t: TrialThreads | undefined): void { threads = t; }

/** The installed TrialThreads, if this platform has threads. */
export function trialThreads(): TrialThreads | undefined { return threads; }

/** Default worker count: one per core the process may use (1 without threads). */
export function defaultWorkers(): number { return threads ? Math.max(1, threads.cores) : 1; }

/** Hooks of one `run`: trial i started or finished. */
export interface PoolHooks {
  signal?: AbortSignal;
  onStart?(index: number): void;
  /** Trial i finished with this record. */
  onEnd?(index: number, run: RunRecord): void;
}

const ABORTED = Symbol('aborted');

/**
 * How long the idle workers of a closed pool over rows that were already shared wait for the
 * next pool over the same rows (a study's tuning, then its comparison) before they end.
 */
export const PARK_MS = 250;

/** The idle workers of the last such pool, the rows they hold, the TrialThreads that started them and the timer that ends them. */
let parked: { init: WorkerInit; host: TrialThreads; idle: TrialThread[]; timer: ReturnType<typeof setTimeout> } | undefined;

function sameRows(a: WorkerInit, b: WorkerInit): boolean {
  return a.train.x === b.train.x && a.train.y === b.train.y && a.train.length === b.train.length
    && a.val.x === b.val.x && a.val.y === b.val.y && a.val.length === b.val.length;
}

/** Ends the parked workers now (e.g. before parking others). */
function endParked(): void {
  if (!parked) return;
  clearTimeout(parked.timer);
  for (const w of parked.idle) void w.terminate();
  parked = undefined;
}

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
  private idle: TrialThread[] = [];
  private closed = false;
  private readonly threads: TrialThreads;
  /** Whether the rows were shared as given (not copied here): only then can a later pool see the same rows. */
  private readonly given: boolean;

  constructor(train: Dataset, val: Dataset, readonly size: number = defaultWorkers(), host: TrialThreads | undefined = threads) {
    if (!host) throw new MinibatchError('BAD_ARGUMENT', 'a TrialPool needs worker threads, and this platform has none installed; run the sweep with workers: 1');
    this.threads = host;
    this.init = { train: shareRows(train), val: shareRows(val) };
    this.given = this.init.train.x === train.x && this.init.train.y === train.y && this.init.val.x === val.x && this.init.val.y === val.y;
    // Workers a closed pool over these very rows (and threads) left: their modules are loaded and
    // their memory holds the rows already (a worker's results depend on its jobs alone).
    if (parked && parked.host === host && sameRows(parked.init, this.init)) {
      clearTimeout(parked.timer);
      const taken = parked.idle; parked = undefined;
      this.idle = taken.slice(0, size);
      for (const w of this.idle) w.postMessage({ rowsRenewed: true });
      for (const w of taken.slice(size)) void w.terminate(); // more than this pool may run: their memory goes now
    }
  }

  async run(jobs: readonly TrialJob[], hooks: PoolHooks = {}): Promise<{ runs: Array<RunRecord | undefined>; partial: boolean }> {
    if (this.closed) throw new MinibatchError('BAD_ARGUMENT', 'this TrialPool was closed; create a new one');
    const runs: Array<RunRecord | undefined> = new Array(jobs.length).fill(undefined);
    const { signal } = hooks;
    let next = 0;
    const busy = new Set<TrialThread>();
    let onAbort: () => void = () => {};
    const aborted = new Promise<typeof ABORTED>((resolve) => { onAbort = () => resolve(ABORTED); });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const lane = async (w: TrialThread): Promise<void> => {
      while (next < jobs.length && !signal?.aborted) {
        const i = next++;
        hooks.onStart?.(i);
        busy.add(w);
        const job = execute(w, jobs[i]!, (m) => ('run' in m ? m.run : undefined));
        job.catch(() => {}); // a job ended by abort rejects after the race is decided
        const r = await Promise.race([job, aborted]);
        if (r === ABORTED) return;
        busy.delete(w);
        runs[i] = r;
        hooks.onEnd?.(i, r);
      }
    };
    const count = Math.min(this.size, jobs.length);
    const workers: TrialThread[] = [];
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

  /**
   * Runs a noise-tracking job (see trackNoise) on one of the pool's workers over its training
   * rows: its result, undefined when the run diverged, or when `signal` aborts (the worker is
   * then ended).
   */
  async track(job: NoiseTrackJob, signal?: AbortSignal): Promise<NoiseTrack | undefined> {
    if (this.closed) throw new MinibatchError('BAD_ARGUMENT', 'this TrialPool was closed; create a new one');
    if (signal?.aborted) return undefined;
    const w = this.idle.pop() ?? this.spawn();
    let onAbort: () => void = () => {};
    const aborted = new Promise<typeof ABORTED>((resolve) => { onAbort = () => resolve(ABORTED); });
    signal?.addEventListener('abort', onAbort, { once: true });
    const run = execute(w, { track: job }, (m) => ('track' in m ? m.track : undefined));
    run.catch(() => {}); // a run ended by abort rejects after the race is decided
    try {
      const r = await Promise.race([run, aborted]);
      if (r === ABORTED) { void w.terminate(); return undefined; }
      this.idle.push(w);
      return r ?? undefined;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Ends the pool. Its idle workers end too, except over rows that were already shared (e.g. a
   * split made with `shared`) unless `park` is false: those wait {@link PARK_MS} for a new pool
   * over the same rows, which takes over as many as it may run, and then end. Waiting workers
   * never keep the process alive.
   */
  async close(park = true): Promise<void> {
    this.closed = true;
    const ws = this.idle; this.idle = [];
    if (park && this.given && ws.length > 0) {
      endParked();
      const timer = setTimeout(endParked, PARK_MS);
      (timer as { unref?: () => void }).unref?.();
      parked = { init: this.init, host: this.threads, idle: ws, timer };
      return;
    }
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private spawn(): TrialThread {
    return this.threads.spawn(this.init);
  }
}

/** Sends `request` to `w` and resolves with what `pick` takes from the answer (an error answer rejects). */
function execute<T>(w: TrialThread, request: WorkerRequest, pick: (m: WorkerReply) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    w.listen({
      message: (m) => {
        w.listen(null);
        if ('error' in m) reject(new MinibatchError((m.error.code ?? 'BAD_ARGUMENT') as ErrorCode, `${'track' in request ? 'the noise-scale tracking run' : 'a trial'} failed in a worker thread: ${m.error.message}`));
        else resolve(pick(m) as T);
      },
      error: (e) => { w.listen(null); reject(e); },
      exit: (code) => { w.listen(null); reject(new Error(`a trial worker exited with code ${code} before answering`)); },
    });
    w.keepAlive(true);
    w.postMessage(request);
  }).finally(() => w.keepAlive(false));
}
