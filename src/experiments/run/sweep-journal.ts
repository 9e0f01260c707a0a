// The trial journal seam: the TrialJournal interface, trial keys, and the journal of the running sweep (files: src/platform/node/sweep-journal.ts).
import type { Dataset } from '../../data/dataset.js';
import type { RunRecord } from '../records.js';
import type { SplitData } from './setup.js';
import type { TrialSettings } from './trial.js';

/** Finished trial records by key: a sweep reuses them instead of rerunning (SweepJournal keeps them in a file). */
export interface TrialJournal {
  /** The record of a finished trial, if journaled. */
  get(key: string): RunRecord | undefined;
  /** Keeps a finished trial (synchronously, so a signal arriving next cannot lose it). */
  record(key: string, run: RunRecord): void;
}

/** Gives the journal of the sweep running in the current async context (Node: AsyncLocalStorage). */
export interface JournalScope { current(): TrialJournal | undefined }

let scope: JournalScope | undefined;

/** Installs the platform's JournalScope (src/platform/node/install.ts does this for Node). */
export function setJournalScope(s: JournalScope | undefined): void { scope = s; }

/** The journal of the sweep running in this async context, if any. */
export function currentJournal(): TrialJournal | undefined { return scope?.current(); }

/** The key of one trial: everything its result depends on, as canonical JSON. */
export function trialKey(context: string, s: TrialSettings): string {
  return `${context}|${JSON.stringify([s.requested, s.learningRate, s.seed, s.budget, s.evalEvery, s.divergenceFactor, s.keepParams, ...(s.sampling ? [s.sampling] : []), ...(s.metric ? [{ metric: s.metric }] : [])])}`;
}

/** The part of a trial key shared by every trial of an executor: model, optimizer, data. */
export function journalContext(model: unknown, optimizer: unknown, varyInit: boolean, data: SplitData): string {
  return JSON.stringify({ model, optimizer, varyInit, train: fingerprint(data.train), val: fingerprint(data.val) });
}

function fingerprint(d: Dataset): string {
  let h = 0x811c9dc5;
  for (const a of [d.x, d.y]) {
    const w = new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i]!, 0x01000193) >>> 0;
  }
  return `${d.length}x${d.numFeatures}+${d.targetWidth}#${h.toString(16)}`;
}

