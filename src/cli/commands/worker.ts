// `minibatch worker`: runs the trials of distributed sweeps from a Redis queue until stopped.
import type { Command } from 'commander';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIntArg } from '../numbers.js';
import { runCommand, UsageError } from '../run-command.js';
import { redactUrl } from '../../platform/node/queue/redis-url.js';
import { entryUrl } from '../../platform/node/entries.js';

interface WorkerOpts { redis?: string; concurrency: string; queue: string; lockDuration: string; stalledInterval: string; tlsCa?: string; quiet?: boolean }

/** Environment variable that may hold the Redis URL (keeps a password off the command line). */
export const REDIS_ENV = 'MINIBATCH_REDIS_URL';

export function registerWorker(program: Command): void {
  program.command('worker')
    .description('run trials of sweeps started with --redis, on this machine, until stopped (Ctrl-C or SIGTERM)')
    .option('--redis <url>', `redis://[:password@]host[:port][/db] or rediss:// (default: $${REDIS_ENV})`)
    .option('--concurrency <n>', 'trials at once: one process each (use the cores this machine can spare)', '1')
    .option('--queue <name>', 'queue name shared with the coordinator', 'trials')
    .option('--lock-duration <ms>', 'a trial whose worker is silent this long is given to another worker', '30000')
    .option('--stalled-interval <ms>', 'how often to look for such trials', '30000')
    .option('--tls-ca <file>', 'PEM file of the certificate authority for rediss://')
    .option('--quiet', 'no log lines on stderr')
    .addHelpText('after', `
Examples:
  minibatch worker --redis redis://127.0.0.1:6379
  MINIBATCH_REDIS_URL=redis://:secret@10.0.0.5:6379 minibatch worker --concurrency 4
then, on any machine, a sweep with the same URL:
  minibatch study --data data.csv --redis redis://:secret@10.0.0.5:6379
A worker needs only the URL: the data comes through Redis. SIGTERM or Ctrl-C hands a running
trial back to the queue and exits. See docs/distributed.md.`)
    .action((o: WorkerOpts) => runCommand(async () => {
      const url = o.redis ?? process.env[REDIS_ENV];
      if (!url) throw new UsageError(`worker needs --redis URL (or $${REDIS_ENV}), e.g. --redis redis://127.0.0.1:6379`);
      const n = parseIntArg('--concurrency', o.concurrency, 1, 256);
      const log = (line: string): void => { if (!o.quiet) process.stderr.write(`${new Date().toISOString()} worker ${process.pid}: ${line}\n`); };
      if (n > 1) { process.exitCode = await runChildren(n, url, o, log); return; }
      const tls = o.tlsCa !== undefined ? { ca: readCa(o.tlsCa) } : undefined;
      const { startTrialWorker } = await import('../../platform/node/queue/worker.js'); // BullMQ loads only for this command
      const worker = await startTrialWorker({
        url, queue: o.queue, log, ...(tls ? { tls } : {}),
        lockDuration: parseIntArg('--lock-duration', o.lockDuration, 100), stalledInterval: parseIntArg('--stalled-interval', o.stalledInterval, 100),
      });
      log(`waiting for trials on ${worker.display} (queue ${o.queue})`);
      const sig = await new Promise<NodeJS.Signals>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
      log(`${sig}: handing any running trial back to the queue`);
      await worker.close();
      log(`stopped after ${worker.finished} trials`);
      process.exitCode = sig === 'SIGINT' ? 130 : 0;
    }));
}

function readCa(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch (e) { throw new UsageError(`cannot read --tls-ca ${file}: ${(e as Error).message}`); }
}

/** Runs `n` one-trial worker processes (the URL passes through the environment, not argv) until a signal. */
async function runChildren(n: number, url: string, o: WorkerOpts, log: (l: string) => void): Promise<number> {
  const main = fileURLToPath(entryUrl('main'));
  const args = ['worker', '--concurrency', '1', '--queue', o.queue, '--lock-duration', o.lockDuration, '--stalled-interval', o.stalledInterval,
    ...(o.tlsCa !== undefined ? ['--tls-ca', o.tlsCa] : []), ...(o.quiet ? ['--quiet'] : [])];
  const kids = Array.from({ length: n }, () => fork(main, args, { env: { ...process.env, [REDIS_ENV]: url } }));
  log(`started ${n} worker processes on ${redactUrl(url)}`);
  let signal: NodeJS.Signals | undefined;
  const forward = (s: NodeJS.Signals): void => { signal = s; for (const k of kids) k.kill(s); };
  process.on('SIGINT', forward); process.on('SIGTERM', forward);
  const codes = await Promise.all(kids.map((k) => new Promise<number>((resolve) => k.on('exit', (c) => resolve(c ?? 1)))));
  return signal === 'SIGINT' ? 130 : signal ? 0 : Math.max(...codes);
}
