// The --serve [port] and --host options of study, compare and tune: start, feed and keep the live page.
import { parseIntArg } from '../numbers.js';
import { EXIT, UsageError } from '../run-command.js';
import { untilInterrupted } from './listen.js';
import type { LiveServer } from './live-server.js';

export interface ServeArgs { serve?: string | boolean; host: string }

/** Declares --serve [port] and --host on a sweep command. */
export function addServeOptions<T extends { option(flags: string, desc: string, def?: string): T }>(c: T): T {
  return c
    .option('--serve [port]', 'draw the learning curves live in a browser at http://127.0.0.1:PORT/ (0 or no port: a free one); the page becomes the report, served until Ctrl-C')
    .option('--host <address>', 'address --serve listens on (another machine can connect if you give 0.0.0.0)', '127.0.0.1');
}

/** Refuses --serve with --no-report: the live page ends as the report's page. */
export function checkServeWithReport(a: ServeArgs & { report: boolean }): void {
  if (a.report === false && a.serve !== undefined && a.serve !== false) {
    throw new UsageError("--serve shows the run's page and ends on its report, which --no-report leaves out; give one of the two");
  }
}

/** Starts the live page when --serve was given and prints its URL on stderr (quiet or not: it is the way in). */
export async function startServing(a: ServeArgs, title: string): Promise<LiveServer | undefined> {
  if (a.serve === undefined || a.serve === false) return undefined;
  const port = a.serve === true ? 0 : parseIntArg('--serve', a.serve, 0, 65535);
  // Loaded on use: the HTTP server and its static file handler only for --serve.
  const { startLiveServer } = await import('./live-server.js');
  const live = await startLiveServer(a.host, port, title);
  process.stderr.write(`Live report: ${live.url}\n`);
  return live;
}

/**
 * After the report is written to `dir`: the page turns into it and the server stays until
 * Ctrl-C (then exit status 130; every file is already written). When the sweep itself was
 * interrupted the server closes at once.
 */
export async function serveUntilInterrupted(live: LiveServer | undefined, dir: string | undefined, interrupted: boolean, quiet: boolean): Promise<void> {
  if (!live) return;
  live.done(dir);
  if (!interrupted) {
    if (!quiet) process.stderr.write(dir !== undefined ? `The report is served at ${live.url}report/index.html until Ctrl-C\n` : `The live page stays at ${live.url} until Ctrl-C\n`);
    await untilInterrupted();
    process.exitCode = EXIT.interrupted;
  }
  await live.close();
}
