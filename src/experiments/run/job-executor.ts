// The seam for running a sweep's trials elsewhere (other processes or machines): JobExecutor and its use.
import type { Dataset } from '../../data/dataset.js';
import type { Point, RunRecord } from '../records.js';
import type { TrialJob, TrialSettings } from './trial.js';

/** Hooks of one JobExecutor.run call: job i started (a worker took it), reported a point, ended. */
export interface JobHooks {
  signal?: AbortSignal;
  onStart?(index: number): void;
  onPoint?(index: number, point: Point): void;
  onEnd?(index: number): void;
}

/**
 * Runs data-only TrialJobs somewhere else (e.g. `redisExecutor` on a BullMQ queue) and answers
 * with their RunRecords in input order (undefined where a job did not finish because `signal`
 * was raised; then `partial: true`). A job's record must depend on the job and the data alone,
 * so a sweep's results equal a local run's except for timings. `run` may be called again and
 * concurrently (asynchronous successive halving submits one cell at a time). The caller that
 * created it closes it; sweeps never do, so one executor serves several sweeps.
 */
export interface JobExecutor {
  /** Where jobs run, for messages (never a secret such as a password). */
  readonly name: string;
  run(jobs: readonly TrialJob[], data: { train: Dataset; val: Dataset }, hooks: JobHooks): Promise<{ runs: Array<RunRecord | undefined>; partial: boolean }>;
  close(): Promise<void>;
}

/** The part of a sweep's progress counter a JobExecutor feeds (see executor.ts Progress). */
export interface ProgressSink { start(s: TrialSettings): number; end(id: number, finished: boolean): void }

/** Runs `jobs` on `exec`, counting each as started when a worker takes it and done when it ends. */
export async function runOnJobExecutor(
  exec: JobExecutor, jobs: readonly TrialJob[], data: { train: Dataset; val: Dataset }, progress: ProgressSink, signal?: AbortSignal,
): Promise<{ runs: Array<RunRecord | undefined>; partial: boolean }> {
  const ids = new Map<number, number>();
  const out = await exec.run(jobs, data, {
    ...(signal ? { signal } : {}),
    onStart: (i) => { if (!ids.has(i)) ids.set(i, progress.start(jobs[i]!.settings)); },
    onEnd: (i) => {
      if (!ids.has(i)) ids.set(i, progress.start(jobs[i]!.settings));
      progress.end(ids.get(i)!, true); ids.delete(i);
    },
  });
  for (const id of ids.values()) progress.end(id, false);
  return out;
}
