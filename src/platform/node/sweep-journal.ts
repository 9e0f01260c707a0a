// Sweep journal: finished trial records on disk, keyed by the trial's full configuration, for --resume.
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { MinibatchError } from '../../core/errors.js';
import type { RunRecord } from '../../experiments/records.js';
import type { JournalScope, TrialJournal } from '../../experiments/run/sweep-journal.js';

/** Largest journal read back (bytes). */
export const MAX_JOURNAL_BYTES = 512 * 1024 * 1024;

/**
 * An append-only JSON-lines file of finished trials: one line `{"key": ..., "run": ...}` per
 * trial, written as soon as the trial's record is known. The key is the trial's whole
 * configuration (model and optimizer specs, settings, and a fingerprint of the data), so a
 * journaled record is reused only by the very same trial. A torn last line (no final newline:
 * a crash or a full disk while appending) is dropped with a warning (see `warnings`) and cut off
 * the file before anything is appended, so that trial reruns and the journal stays readable; a
 * damaged complete line anywhere is refused with its line number.
 */
export class SweepJournal implements TrialJournal {
  private readonly done = new Map<string, RunRecord>();
  /** Trials answered from the journal (not rerun) since opening. */
  reused = 0;
  /** What opening repaired (a torn last line dropped), for the caller to show. */
  readonly warnings: string[] = [];

  private constructor(readonly path: string) {}

  /** Opens `path`: with `resume` its finished trials are loaded; otherwise it starts empty. */
  static open(path: string, options: { resume: boolean }): SweepJournal {
    const j = new SweepJournal(path);
    try {
      if (options.resume && existsSync(path)) j.load();
      else writeFileSync(path, '');
    } catch (err) {
      if (err instanceof MinibatchError) throw err;
      const e = err as NodeJS.ErrnoException;
      throw new MinibatchError('IO', `cannot use the trial journal ${path}: ${e.code ?? ''} ${e.message}. Check that the output folder is writable`, { cause: err });
    }
    return j;
  }

  /** Number of finished trials known. */
  get size(): number { return this.done.size; }

  get(key: string): RunRecord | undefined {
    const r = this.done.get(key);
    if (r) this.reused++;
    return r;
  }

  /** Appends a finished trial (synchronously, so a signal arriving next cannot lose it). */
  record(key: string, run: RunRecord): void {
    if (this.done.has(key)) return;
    this.done.set(key, run);
    try {
      appendFileSync(this.path, `${JSON.stringify({ key, run }, nonFinite)}\n`);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new MinibatchError('IO', `cannot append to the trial journal ${this.path}: ${e.code ?? ''} ${e.message}. Check that the disk has space`, { cause: err });
    }
  }

  private load(): void {
    const size = statSync(this.path).size;
    if (size > MAX_JOURNAL_BYTES) throw new MinibatchError('BAD_RESULTS_FILE', `the trial journal ${this.path} is ${size} bytes, above the ${MAX_JOURNAL_BYTES}-byte limit; delete it to start the sweep over`);
    const bytes = readFileSync(this.path);
    const end = bytes.lastIndexOf(0x0a) + 1; // the complete lines end here
    const lines = bytes.subarray(0, end).toString('utf8').split('\n');
    lines.pop(); // the empty string after the last newline
    lines.forEach((line, i) => this.loadLine(line, i + 1));
    if (end < bytes.length) this.dropTornTail(bytes.subarray(end), end, lines.length + 1);
  }

  /** Reads one complete (newline-terminated) line; a damaged one is refused with its number. */
  private loadLine(line: string, lineNo: number): void {
    if (line.trim() === '') return;
    let entry: unknown;
    try { entry = JSON.parse(line, revive); } catch {
      throw new MinibatchError('BAD_RESULTS_FILE', `the trial journal ${this.path} is damaged at line ${lineNo} (not valid JSON); delete it to start the sweep over`);
    }
    const e = entry as { key?: unknown; run?: unknown };
    if (typeof e?.key !== 'string' || typeof e.run !== 'object' || e.run === null || !Array.isArray((e.run as RunRecord).points)) {
      throw new MinibatchError('BAD_RESULTS_FILE', `the trial journal ${this.path} has a malformed entry at line ${lineNo}; delete it to start the sweep over`);
    }
    this.done.set(e.key, e.run as RunRecord);
  }

  /**
   * The bytes after the last newline are a write that never finished: they are cut off the file
   * (so the next append starts a fresh line) and the trial they held runs again.
   */
  private dropTornTail(tail: Uint8Array, keep: number, lineNo: number): void {
    truncateSync(this.path, keep);
    this.warnings.push(`the trial journal ${this.path} ended with an incomplete line ${lineNo} (${tail.length} bytes, from an interrupted write); it was dropped and that trial runs again`);
  }
}

const storage = new AsyncLocalStorage<TrialJournal>();

/**
 * Runs `fn` with `journal` as the journal of every sweep it starts (compare, tune, study and
 * their stages pick it up in createExecutor): finished trials are appended, and trials already
 * in the journal are not rerun.
 */
export function withSweepJournal<T>(journal: TrialJournal, fn: () => Promise<T>): Promise<T> {
  return storage.run(journal, fn);
}

/** The scope that gives experiments/ the journal of the sweep running in this async context (installed by install.ts). */
export const nodeJournalScope: JournalScope = { current: () => storage.getStore() };

function nonFinite(_k: string, v: unknown): unknown { return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v; }
function revive(_k: string, v: unknown): unknown {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}
