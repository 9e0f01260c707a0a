// `npm run bench`: every cell in its own process, then markdown tables and bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveAllocation, type AllocResult, type GcCount, type Sampled } from './alloc.js';
import { RESULT_MARK, workload } from './cell.js';
import type { TfResult } from './peers-tfjs.js';
import { allocSitesTable, allocTable, finishRow, workloadTable, type Row } from './table.js';
import type { Measurement } from './timing.js';
import { BATCH_SIZES, batchRows, stepsPerEpoch } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const log = (s: string): void => { process.stderr.write(`${s}\n`); };

/** Runs `node dist/bench/cell.js ...cmd` and returns its JSON result (or throws with its stderr). */
function cell<T>(cmd: string[]): T {
  const env = { ...process.env, ...(quick ? { MINIBATCH_BENCH_MIN_SECONDS: '0.1', MINIBATCH_BENCH_REPEATS: '1' } : {}) };
  const r = spawnSync(process.execPath, [join(here, 'cell.js'), ...cmd], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (r.status !== 0 || !line) throw new Error(`cell ${cmd.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

function machine(): Record<string, string | number> {
  const c = cpus();
  return { nproc: c.length, cpu: c[0]?.model ?? 'unknown', node: process.version, v8: process.versions.v8, platform: `${process.platform} ${process.arch}` };
}

async function csvLoad(): Promise<{ ok: true; results: unknown; table: string } | { ok: false; reason: string }> {
  const spec = './csv-load.js';
  try {
    const mod = (await import(spec)) as { benchCsvLoad?: () => Promise<unknown>; csvLoadTable?: (r: unknown) => string };
    if (typeof mod.benchCsvLoad !== 'function') return { ok: false, reason: 'bench/csv-load.ts does not export benchCsvLoad()' };
    const results = await mod.benchCsvLoad();
    const table = typeof mod.csvLoadTable === 'function' ? mod.csvLoadTable(results) : '```\n' + JSON.stringify(results, null, 2) + '\n```';
    return { ok: true, results, table };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

async function main(): Promise<void> {
  const t0 = performance.now(); const load0 = loadavg();
  const out: string[] = []; const say = (s = ''): void => { out.push(s); process.stdout.write(`${s}\n`); };
  const m = machine();
  say('# minibatch benchmark');
  say();
  say(`Machine: ${m.nproc} × ${m.cpu}, Node ${m.node} (V8 ${m.v8}), ${m.platform}; load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}.`);
  say(`Timing: each cell in a fresh process; warm-up excluded; median of ${quick ? 1 : 3} repeats of whole epochs lasting >= ${quick ? 0.1 : 0.3} s; wall clock.`);
  say();

  log('check: kernels against naive loops, fit against the hand-fused loop ...');
  const check = cell<{ kernels: { cases: number; maxError: number }; diffs: { workload: string; maxParamDiff: number }[] }>(['check']);
  say(`Checks: ${check.kernels.cases} kernel cases match naive float64 loops (max relative error ${check.kernels.maxError.toExponential(1)}); ` +
    `after 3 epochs at batch 32 from the same seed, fit and the hand-fused loop differ by at most ${check.diffs.map((d) => `${d.maxParamDiff.toExponential(1)} (${d.workload})`).join(', ')} in any parameter.`);

  const workloads: { id: string; title: string; source: string; n: number; features: number; rows: Row[] }[] = [];
  for (const id of ['logistic', 'mlp'] as const) {
    const w = workload(id); const rows: Row[] = [];
    for (const bs of BATCH_SIZES) {
      const b = String(bs);
      log(`${id} batch ${b}: this project, hand-fused, TF.js cpu, TF.js wasm ...`);
      const engine = cell<Measurement>(['perf', id, 'engine', b]);
      const hand = cell<Measurement>(['perf', id, 'hand', b]);
      const tf: TfResult[] = [];
      if (!args.has('--skip-tf')) for (const be of ['cpu', 'wasm'] as const) tf.push(cell<TfResult>(['tf', id, be, b]));
      rows.push(finishRow({ batch: bs, rows: batchRows(w, bs), stepsPerEpoch: stepsPerEpoch(w, bs), engine, hand, tf }));
    }
    workloads.push({ id, title: w.title, source: w.source, n: w.n, features: w.features, rows });
    say();
    say(`## ${w.title}`);
    say();
    say(`Data: ${w.source}.`);
    const skipped = rows.flatMap((r) => r.tf).find((t) => !t.ok);
    if (skipped && !skipped.ok) say(`TF.js ${skipped.backend} skipped: ${skipped.reason}`);
    say();
    say(workloadTable(rows, (bs, n) => (bs === 'full' ? `full (${n})` : String(bs))));
    say();
    say('Cells: examples/s · µs per update (wall clock). × columns: this project\'s examples/s over the best TF.js figure and over the hand-fused loop (1 = the speed of light; the target is >= 0.5); the last column is the same ratio from CPU time per update.');
  }

  log('allocation: GC counts and sampled allocation at batch 1 and 32 ...');
  const alloc: AllocResult[] = (['logistic', 'mlp'] as const).map((id) => {
    const w = workload(id);
    const gc = cell<GcCount>(['gc', id]);
    return solveAllocation(w, gc, cell<Sampled>(['sample', id, '1']), cell<Sampled>(['sample', id, '32']));
  });
  say();
  say('## Allocation per step (this project, fit, js backend)');
  say();
  say(allocTable(alloc));
  say();
  say(allocSitesTable(alloc));
  say();
  say('Per-step and per-epoch bytes are solved from two sampled runs (batch 1 and 32): bytes = s × steps + e × epochs. The target is 0 B per step; the per-epoch record and the end-of-epoch yield are expected.');

  let csv: Awaited<ReturnType<typeof csvLoad>> = { ok: false, reason: 'skipped (--skip-csv)' };
  if (!args.has('--skip-csv')) { log('csv load ...'); csv = await csvLoad(); }
  say();
  say('## CSV loading (bench/csv-load.ts)');
  say();
  say(csv.ok ? csv.table : `Skipped: ${csv.reason}`);

  const seconds = (performance.now() - t0) / 1000;
  say();
  say(`Total ${seconds.toFixed(0)} s; load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
  const file = join(repo, 'bench', 'results', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({
    date: new Date().toISOString(), machine: m, loadAverage: { start: load0, end: loadavg() }, quick, seconds,
    check, workloads, alloc, csvLoad: csv.ok ? { ok: true, results: csv.results } : csv, markdown: out.join('\n'),
  }, null, 2));
  log(`wrote ${file}`);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
