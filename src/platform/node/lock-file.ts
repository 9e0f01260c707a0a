// Lock files: one process at a time may write an output (a checkpoint, a model, a sweep folder); a dead holder's lock is taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { MinibatchError } from '../../core/errors.js';

/** A lock held by this process; `release()` removes the lock file (idempotent). */
export interface FileLock {
  readonly path: string;
  release(): void;
}

/** What a lock file holds (JSON). */
interface LockInfo { pid: number; started: string; command?: string }

/** A lock file younger than this with unreadable content is taken to be still being written. */
const FRESH_MS = 10_000;
const held = new Map<string, string>();
let exitHook = false;

/**
 * Takes the lock file `lockPath` (created with O_EXCL, holding this process's pid and start
 * time): while it is held, another acquireLock of the same path throws MinibatchError LOCKED
 * "... in use by pid N (started ...); wait for it or remove LOCKFILE if that process is gone".
 * A lock whose pid is no longer alive (a killed run) is stale: it is taken over, with
 * `onWarning` told. `what` names the guarded output in messages. Locks still held when the
 * process exits are removed then. Two processes that find the same stale lock at the same
 * instant may both take it (the window is a few microseconds); the lock guards against
 * accidents, not adversaries.
 */
export function acquireLock(lockPath: string, options: { what?: string; command?: string; onWarning?: (message: string) => void } = {}): FileLock {
  const what = options.what ?? lockPath.replace(/\.lock$/, '');
  const content = JSON.stringify({ pid: process.pid, started: new Date(Date.now() - process.uptime() * 1000).toISOString(), ...(options.command ? { command: options.command } : {}) } satisfies LockInfo);
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockPath, content, what)) break;
    const info = readLock(lockPath);
    if (info === 'gone') continue;
    if (info === 'unreadable' ? isFresh(lockPath) : isAlive(info.pid)) {
      const by = info === 'unreadable' ? 'another process (its lock is being written)' : `pid ${info.pid} (started ${info.started}${info.command ? `, ${info.command}` : ''})`;
      throw new MinibatchError('LOCKED', `${what} is in use by ${by}; wait for it or remove ${lockPath} if that process is gone`);
    }
    if (attempt >= 3) throw new MinibatchError('LOCKED', `could not take the lock ${lockPath} for ${what}: other processes keep taking it; try again`);
    options.onWarning?.(`${lockPath} was left by ${info === 'unreadable' ? 'a process' : `pid ${info.pid}`}, which is no longer running; taking it over`);
    try { unlinkSync(lockPath); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(lockPath, err); }
  }
  held.set(lockPath, content);
  if (!exitHook) { exitHook = true; process.on('exit', releaseAll); }
  return { path: lockPath, release: () => release(lockPath, content) };
}

/**
 * Locks each distinct output of `targets` (undefined entries skipped) with `<target>.lock`,
 * all or none: if one is in use, those already taken are released and the error is thrown.
 */
export function lockOutputs(targets: ReadonlyArray<string | undefined>, options: { command?: string; onWarning?: (message: string) => void } = {}): FileLock {
  const taken: FileLock[] = [];
  try {
    for (const t of new Set(targets.filter((x): x is string => x !== undefined && x !== ''))) taken.push(acquireLock(lockPathFor(t), { ...options, what: t }));
  } catch (err) {
    for (const l of taken) l.release();
    throw err;
  }
  return { path: taken.map((l) => l.path).join(', '), release: () => { for (const l of taken) l.release(); } };
}

/** The lock file guarding `target`: `<target>.lock` beside it. */
export function lockPathFor(target: string): string { return `${target}.lock`; }

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function tryCreate(path: string, content: string, what: string): boolean {
  let fd: number;
  try { fd = openSync(path, 'wx'); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') throw new MinibatchError('IO', `could not write ${what}: its folder ${dirname(path)} does not exist. Check that the folder exists and is writable, or create it first`, { cause: err });
    throw ioError(path, err);
  }
  try { writeSync(fd, content); } finally { closeSync(fd); }
  return true;
}

function readLock(path: string): LockInfo | 'unreadable' | 'gone' {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw ioError(path, err);
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' ? { pid: v.pid, started: String(v.started ?? 'at an unknown time'), ...(typeof v.command === 'string' ? { command: v.command } : {}) } : 'unreadable';
  } catch { return 'unreadable'; }
}

function isFresh(path: string): boolean {
  try { return Date.now() - statSync(path).mtimeMs < FRESH_MS; } catch { return false; }
}

/** Removes the lock if it is still ours (another process may have taken it over meanwhile). */
function release(path: string, content: string): void {
  if (held.get(path) !== content) return;
  held.delete(path);
  try { if (readFileSync(path, 'utf8') === content) unlinkSync(path); } catch { /* already gone */ }
}

function releaseAll(): void { for (const [path, content] of [...held]) release(path, content); }

function ioError(path: string, err: unknown): MinibatchError {
  const e = err as NodeJS.ErrnoException;
  return new MinibatchError('IO', `cannot use the lock file ${path}: ${e.message}. Check that the folder exists and is writable`, { cause: err });
}
