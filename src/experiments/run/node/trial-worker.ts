// Worker-thread entry of the trial pool (Node): installs the Node platform, rebuilds the shared rows once, then runs jobs as they come.
import '../../../platform/node/install.js';
import { parentPort, workerData } from 'node:worker_threads';
import { Dataset } from '../../../data/dataset.js';
import type { WorkerInit, WorkerReply } from '../pool.js';
import { optimizerAt } from '../optimizer-spec.js';
import { modelForSeed, runJob, warmUp, type TrialJob } from '../trial.js';

const init = workerData as WorkerInit;
const train = new Dataset(init.train.x, init.train.y, init.train.length);
const val = new Dataset(init.val.x, init.val.y, init.val.length);

let warm = false;

parentPort?.on('message', (job: TrialJob) => {
  let reply: WorkerReply;
  try {
    if (!warm) { warmUp(modelForSeed(job.model, 0, false), optimizerAt(job.optimizer, 1e-3), train, val); warm = true; }
    reply = { run: runJob(job, train, val) };
  } catch (e) {
    const err = e as { message?: string; code?: string; name?: string };
    reply = { error: { message: String(err?.message ?? e), ...(err?.code ? { code: err.code } : {}), ...(err?.name ? { name: err.name } : {}) } };
  }
  parentPort?.postMessage(reply);
});
