// Worker-thread entry of the trial pool (Node): installs the Node platform, rebuilds the shared rows once, then runs jobs (trials, a study's noise-tracking run) as they come.
import '../../../platform/node/install.js';
import { parentPort, workerData } from 'node:worker_threads';
import { Dataset } from '../../../data/dataset.js';
import { markSteady } from '../../../kernels/backend.js';
import { trackNoise, type NoiseTrackJob } from '../../noise-track.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from '../pool.js';
import { optimizerAt } from '../optimizer-spec.js';
import { modelForSeed, runJob, warmUp } from '../trial.js';

const init = workerData as WorkerInit;
const train = new Dataset(init.train.x, init.train.y, init.train.length);
const val = new Dataset(init.val.x, init.val.y, init.val.length);
/** The rows do not change while a pool runs: the trials of this thread share one resident copy of them (see markSteady). */
const renew = (): void => { for (const a of [train.x, train.y, val.x, val.y]) markSteady(a); };
renew();

let warm = false;

parentPort?.on('message', (msg: WorkerRequest) => {
  if ('rowsRenewed' in msg) { renew(); return; }
  if ('track' in msg) { void track(msg.track); return; }
  let reply: WorkerReply;
  try {
    if (!warm) { warmUp(modelForSeed(msg.model, 0, false), optimizerAt(msg.optimizer, 1e-3), train, val); warm = true; }
    reply = { run: runJob(msg, train, val) };
  } catch (e) {
    reply = errorReply(e);
  }
  parentPort?.postMessage(reply);
});

/** A study's noise-tracking run (trackNoise) from seed 1's weights over the training rows; null when it diverged. */
async function track(job: NoiseTrackJob): Promise<void> {
  let reply: WorkerReply;
  try {
    reply = { track: (await trackNoise(modelForSeed(job.model, 1, true), train, job)) ?? null };
  } catch (e) {
    reply = errorReply(e);
  }
  parentPort?.postMessage(reply);
}

function errorReply(e: unknown): WorkerReply {
  const err = e as { message?: string; code?: string; name?: string };
  return { error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}), ...(err?.name ? { name: err.name } : {}) } };
}
