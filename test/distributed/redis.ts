// Helpers of the distributed tests: a real redis-server on a free 127.0.0.1 port, real worker processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `minibatch` command (package.json's bin). */
export const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Why the Redis tests cannot run here, or false when redis-server is installed. */
export function redisMissing(): string | false {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? 'redis-server not installed: apt-get install redis-server' : false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

export interface RedisServer {
  port: number;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  /** Stops the server (SIGTERM: it writes its append-only file first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (the data come back from the append-only file). */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  dispose(): Promise<void>;
}

/** Starts redis-server on a free loopback port with append-only persistence in a temp folder. */
export async function startRedis(o: { password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'minibatch-redis-'));
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--protected-mode', 'yes', ...(o.password ? ['--requirepass', o.password] : [])];
    const p = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      p.stdout!.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('Ready to accept connections')) { clearTimeout(t); resolve(); } });
      p.once('exit', (c) => { clearTimeout(t); reject(new Error(`redis-server exited with ${c}: ${out}`)); });
    });
  };
  const stop = async (): Promise<void> => {
    const p = proc; proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill('SIGTERM'); });
  };
  await start();
  return {
    port, url: `redis://${o.password ? `:${encodeURIComponent(o.password)}@` : ''}127.0.0.1:${port}`,
    stop, start, async dispose() { await stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** A `minibatch worker` process and what it wrote to stderr. */
export interface WorkerProcess { proc: ChildProcess; log(): string; stop(signal?: NodeJS.Signals): Promise<number | null> }

/** Starts a worker process (small lock and stall intervals, so a killed one is noticed within ~2 s). */
export function startWorker(url: string, extra: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--lock-duration', '1500', '--stalled-interval', '500', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MINIBATCH_THREADS: '1', ...env },
  });
  let log = '';
  proc.stderr!.on('data', (b: Buffer) => { log += b.toString(); });
  return {
    proc, log: () => log,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) { resolve(proc.exitCode); return; }
      proc.once('exit', (c) => resolve(c));
      proc.kill(signal);
    }),
  };
}

/** Waits until `cond` holds, checking every 50 ms (fails after `ms`). */
export async function until(cond: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A deep copy of a result without wall-clock fields (seconds, secondsToTarget, trainSeconds...). */
/**
 * Fields read off a clock besides the `...seconds...` ones: the throughput profile a sweep times on
 * its own machine, and what is derived from it (wall against priced time, and the recommendation,
 * which ranks priced time to target).
 */
const TIMED = new Set(['throughput', 'wallOverPriced', 'timesDisagree', 'recommendation', 'crossCheck']);

export function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !/seconds/i.test(k) && !TIMED.has(k)).map(([k, x]) => [k, withoutTimings(x)]));
  }
  return v;
}
