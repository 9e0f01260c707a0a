// The main job end to end (issue 20): `minibatch compare` on the mnist digits and the same 15 trials in PyTorch (bench/main-job.py), in one run, wall and CPU time and the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(here, '..', 'src', 'cli', 'main.js');
const PYTHON = '/usr/bin/python3';
/** The job of issue 20. */
export const COMPARE_ARGS = ['compare', '--data', 'mnist', '--model', 'softmax', '--batch-sizes', '1,8,32,128,full', '--lr', '0.1', '--epochs', '5', '--seeds', '3'];

export interface Timed { name: string; wall: number; cpu: number; ok: boolean; note: string }

/** Runs `cmd args` under bash's `time` (wall, and user + sys CPU of the command and its children). */
function timed(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='@@%R %U %S'; time ${quoted} > /dev/null`], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const line = (r.stderr ?? '').split('\n').find((l) => l.startsWith('@@'));
  const [wall, user, sys] = (line ?? '@@NaN NaN NaN').slice(2).split(' ').map(Number) as [number, number, number];
  const tail = (r.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('@@')).slice(-2).join(' | ');
  return { name, wall, cpu: user + sys, ok: r.status === 0, note: tail };
}

/** One round: minibatch compare, then the PyTorch script (the order alternates between rounds). */
export function benchMainJob(rounds = 1): { rows: Timed[][]; skipped?: string } {
  const digits = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const torch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (torch.status !== 0) return { rows: [], skipped: `PyTorch not importable by ${PYTHON} (apt-get install python3-torch)` };
  const rows: Timed[][] = [];
  for (let r = 0; r < rounds; r++) {
    const out = mkdtempSync(join(tmpdir(), 'minibatch-main-job-'));
    try {
      const mb = (): Timed => timed('minibatch compare', process.execPath, [cli, ...COMPARE_ARGS, '--out', out, '--quiet']);
      const pt = (): Timed => timed('PyTorch (2 processes x 1 thread)', PYTHON, [join(root, 'bench', 'main-job.py'), digits, '2'],
        { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
      rows.push(r % 2 === 0 ? [mb(), pt()] : [pt(), mb()].reverse());
    } finally { rmSync(out, { recursive: true, force: true }); }
  }
  return { rows };
}

/** The Markdown table of {@link benchMainJob}. */
export function mainJobTable(res: { rows: Timed[][]; skipped?: string }): string {
  if (res.skipped) return `Skipped: ${res.skipped}`;
  const lines = ['| round | minibatch wall s | minibatch CPU s | PyTorch wall s | PyTorch CPU s | wall ratio | CPU ratio |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  res.rows.forEach(([mb, pt], i) => {
    const f = (x: number): string => x.toFixed(2);
    lines.push(`| ${i + 1} | ${f(mb!.wall)}${mb!.ok ? '' : ' (failed)'} | ${f(mb!.cpu)} | ${f(pt!.wall)}${pt!.ok ? '' : ' (failed)'} | ${f(pt!.cpu)} | ${(pt!.wall / mb!.wall).toFixed(1)}x | ${(pt!.cpu / mb!.cpu).toFixed(1)}x |`);
  });
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = Number(process.argv[2] ?? '1');
  if (!existsSync(cli)) throw new Error(`build first: ${cli} is missing`);
  const res = benchMainJob(rounds);
  console.log(mainJobTable(res));
  for (const row of res.rows) for (const t of row) if (!t.ok) console.log(`${t.name} failed: ${t.note}`);
}
