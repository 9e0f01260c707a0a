// Runs a command action and turns its outcome into an exit code and a one-line message.
import { DivergenceError, MinibatchError } from '../core/errors.js';
import { toCliError } from './cli-terms.js';

/** Exit codes of the minibatch command. */
export const EXIT = { ok: 0, trainingFailed: 1, usage: 2, internal: 3, interrupted: 130 } as const;

/** Raised by the CLI for a usage mistake that is not a library error. */
export class UsageError extends Error {
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

/**
 * Runs `action`; on failure writes `minibatch: <message>` to stderr (no stack trace for a
 * user's mistake) and sets process.exitCode: 1 for divergence, 2 for bad usage or input, 130
 * when Ctrl-C cancelled the work before anything could be kept,
 * 3 for an unexpected internal error (whose stack is shown, as it is a bug to report).
 */
export async function runCommand(action: () => Promise<void>): Promise<void> {
  quietOnBrokenPipe();
  try {
    await action();
  } catch (caught) {
    const err = toCliError(caught);
    process.exitCode = exitCodeOf(err);
    const msg = err instanceof Error ? err.message : String(err);
    if (process.exitCode === EXIT.internal) {
      process.stderr.write(`minibatch: internal error (please report it): ${err instanceof Error ? err.stack : msg}\n`);
    } else {
      process.stderr.write(`minibatch: ${msg}\n`);
    }
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof DivergenceError) return EXIT.trainingFailed;
  if (err instanceof MinibatchError) return err.code === 'CANCELLED' ? EXIT.interrupted : err.code === 'DIVERGED' ? EXIT.trainingFailed : EXIT.usage;
  if (err instanceof UsageError) return EXIT.usage;
  return EXIT.internal;
}

let pipeGuarded = false;

/**
 * When the reader of stdout goes away (`minibatch predict ... | head`), further output is
 * pointless, not an error: EPIPE (and writes after it) are ignored instead of crashing with a
 * stack trace, and the exit code stays that of the command. main.ts installs it first, since
 * commander writes `--help` before any command runs (`minibatch study --help | head`).
 */
export function quietOnBrokenPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}
