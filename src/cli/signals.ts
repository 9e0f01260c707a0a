// Ctrl-C and SIGTERM cancel a sweep cleanly: what finished is kept, journaled and reported.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MinibatchError } from '../core/errors.js';
import { SweepJournal, withSweepJournal } from '../platform/node/sweep-journal.js';
import { acquireLock } from '../platform/node/lock-file.js';

/** An AbortSignal raised by the first SIGINT or SIGTERM; a second one exits at once. */
export function cancelOnSignals(doing = 'finishing with the trials done so far'): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(`\nminibatch: ${sig} received; ${doing} (press Ctrl-C again to quit at once)\n`);
    ctl.abort();
  };
  process.on('SIGINT', handler); process.on('SIGTERM', handler);
  return { signal: ctl.signal, dispose() { process.off('SIGINT', handler); process.off('SIGTERM', handler); } };
}

/**
 * Runs a sweep with the trial journal `<out>/trials.jsonl`: every finished trial is appended;
 * with `resume` the trials already there are reused instead of rerun (and counted on stderr).
 */
export async function withTrialJournal<T>(out: string, resume: boolean, quiet: boolean, fn: () => Promise<T>): Promise<T> {
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new MinibatchError('IO', `cannot create the output folder ${out}: ${(err as Error).message}; choose another --out`, { cause: err });
  }
  // Held until the command exits (its report files are written after the sweep).
  acquireLock(join(out, '.minibatch.lock'), { what: `the output folder ${out}`, command: 'a minibatch sweep', onWarning: (w) => { process.stderr.write(`minibatch: warning: ${w}\n`); } });
  const journal = SweepJournal.open(join(out, 'trials.jsonl'), { resume });
  for (const w of journal.warnings) process.stderr.write(`minibatch: warning: ${w}\n`);
  if (resume && !quiet) process.stderr.write(`resuming: ${journal.size} finished trials in ${journal.path}\n`);
  try {
    return await withSweepJournal(journal, fn);
  } finally {
    if (resume && !quiet) process.stderr.write(`${journal.reused} trials reused from the journal, not rerun\n`);
  }
}
