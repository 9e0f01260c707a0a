// Node's TrialThreads: trial worker threads from worker_threads, running src/experiments/run/node/trial-worker.ts.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { entryUrl } from './entries.js';
import type { ThreadListener, TrialThread, TrialThreads, WorkerInit, WorkerRequest } from '../../experiments/run/pool.js';

const TRIAL_WORKER = entryUrl('trial-worker');

/** A worker_threads Worker as a TrialThread; unref'd except while it runs a job. */
function wrap(w: Worker): TrialThread {
  let current: ThreadListener | null = null;
  const on = {
    message: (m: Parameters<ThreadListener['message']>[0]) => current?.message(m),
    error: (e: Error) => current?.error(e),
    exit: (code: number) => current?.exit(code),
  };
  w.on('message', on.message); w.on('error', on.error); w.on('exit', on.exit);
  w.unref();
  return {
    postMessage: (job: WorkerRequest) => w.postMessage(job),
    listen: (l) => { current = l; },
    terminate: () => w.terminate(),
    keepAlive: (yes) => { if (yes) w.ref(); else w.unref(); },
  };
}

/** The trial threads of a Node process. */
export const nodeTrialThreads: TrialThreads = {
  spawn: (init: WorkerInit) => wrap(new Worker(TRIAL_WORKER, { workerData: init })),
  cores: availableParallelism(),
};
