// `npm run bench`: every cell in its own process, then markdown tables and bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveAllocation, type AllocResult, type GcCount, type Sampled } from './alloc.js';
import { loadWorkload, RESULT_MARK, TF_MNIST_ROWS } from './cell.js';
import { cpuFlopsPerCycle, cpuGhz } from './cpu.js';
import type { GemmResult } from './kernel-gemm.js';
import { denormalTable, type DenormalRow } from './denormal.js';
import { benchMemory, memoryTable, type MemoryResult } from './memory.js';
import { backendTable, bestPeer, CLOSE_CALL, isCloseCall, PY_NAMES, recheckPairs, type BackendRow } from './table-backends.js';
import { findPython, PY_INSTALL_HINT, type PyPeer, type PyResult } from './peers-python.js';
import type { TfResult } from './peers-tfjs.js';
import { nativeTable, type NativeBench } from './kernel-native.js';
import { ONLINE_MARK, onlineTable, type OnlineResult } from './online.js';
import { allocSitesTable, allocTable } from './table.js';
import { BATCH1_MARK, batch1Table, type Batch1Result } from './batch1.js';
import { benchMainJob, mainJobTable, type MainJobResult } from './main-job.js';
import type { Measurement } from './timing.js';
import { batchRows, batchSizesOf } from './workloads.js';

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

/** bench/online.ts in a child process (TF.js stays out of this one); its result or why it failed. */
function onlineBench(): OnlineResult | { ok: false; reason: string } {
  const r = spawnSync(process.execPath, [join(here, 'online.js'), '--json', ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith(ONLINE_MARK));
  if (r.status !== 0 || !line) return { ok: false, reason: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(line.slice(ONLINE_MARK.length)) as OnlineResult;
}

/** bench/batch1.ts in a child process (its cells in their own): batch-1 logistic regression, fused epoch vs general steps vs SGDClassifier. */
function batch1Section(say: (s?: string) => void): Batch1Result | { ok: false; reason: string } {
  log('batch 1: fused epoch, general steps, SGDClassifier ...');
  const r = spawnSync(process.execPath, [join(here, 'batch1.js'), '--json', ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith(BATCH1_MARK));
  const result: Batch1Result | { ok: false; reason: string } = r.status !== 0 || !line
    ? { ok: false, reason: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` }
    : JSON.parse(line.slice(BATCH1_MARK.length)) as Batch1Result;
  say();
  say('## Batch 1: the fused whole-epoch kernel of logistic regression (bench/batch1.ts)');
  say();
  say('rows' in result ? batch1Table(result) : `Skipped: ${result.reason}`);
  return result;
}

/** The checks, the matrix-multiply table and the native-kernel table. */
async function kernelSections(say: (s?: string) => void): Promise<{ check: unknown; peak: number; gemm: GemmResult[]; native: NativeBench }> {
  log('check: kernels against naive loops, fit against the hand-fused loop ...');
  const check = cell<{ kernels: { cases: number; maxError: number }; diffs: { workload: string; maxParamDiff: number }[] }>(['check']);
  say(`Checks: ${check.kernels.cases} kernel cases match naive float64 loops (max relative error ${check.kernels.maxError.toExponential(1)}); ` +
    `after 3 epochs at batch 32 from the same seed, fit and the hand-fused loop differ by at most ${check.diffs.map((d) => `${d.maxParamDiff.toExponential(1)} (${d.workload})`).join(', ')} in any parameter.`);

  const ghz = cpuGhz(); const fpc = cpuFlopsPerCycle(); const peak = 2 * fpc.flops * ghz; // cores x float32 flops per cycle x GHz
  say(`Peak: ${peak.toFixed(0)} GFLOP/s float32 for both cores (${(peak / 2).toFixed(0)} per core) from the ${ghz.toFixed(2)} GHz of /proc/cpuinfo, assuming ${fpc.flops} float32 flops per cycle per core (${fpc.isa}; its flags in /proc/cpuinfo). WASM SIMD is 128 bits wide: 2 FMA units x 4 lanes x 2 flops per cycle, about 16 flops per cycle, is its ceiling per core, ${((100 * 16) / fpc.flops).toFixed(0)}% of this peak at the nominal clock. Boost clocks run well above the nominal one (the single-thread WASM figures below can exceed what 16 flops per cycle allow at the nominal clock), so every share is an upper bound.`);
  log('kernel: matrix multiply GFLOP/s ...');
  const gemm = cell<GemmResult[]>(['gemm']);
  say();
  say('## Matrix multiply, single thread (C = A B, n x n x n)');
  say();
  say('| n | implementation | GFLOP/s | % of one core\'s peak |');
  say('| ---: | --- | ---: | ---: |');
  for (const g of gemm) say(`| ${g.size} | ${g.impl} | ${g.gflops.toFixed(1)} | ${((100 * g.gflops) / (peak / 2)).toFixed(0)}% |`);

  log('kernel: native vs WASM, one 784-128-10 step ...');
  const nr = spawnSync(process.execPath, [join(here, 'kernel-native.js'), '--json'], { encoding: 'utf8', env: { ...process.env, MINIBATCH_BENCH_REPEATS: quick ? '1' : '3' } });
  const native: NativeBench = nr.status === 0 ? (JSON.parse(nr.stdout) as NativeBench) : { ok: false, reason: `bench/kernel-native failed (exit ${nr.status}): ${(nr.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  say();
  say('## Native kernels: one 784-128-10 forward + backward step (bench/kernel-native.ts)');
  say();
  say(nativeTable(native));
  say();
  say(`Both on the same resident WASM memory (the native kernels read and write it in place). ${native.ok ? `Native path: ${native.isa}. ` : ''}Median of ${quick ? 1 : 3} rounds of at least 0.2 s; wall clock.`);

  return { check, peak, gemm, native };
}

/**
 * A row whose auto column is a close call against, or below, PyTorch or scikit-learn (see CLOSE_CALL):
 * both measured again, alternately, each in a fresh process as before, so that a drift of the
 * machine between the two cells cannot decide it. TF.js is never that close here.
 */
function recheckCloseCall(row: BackendRow, id: string, b: string): BackendRow {
  const best = bestPeer(row);
  const peer = row.py?.find((p) => p.ok && PY_NAMES[p.peer] === best?.name);
  if (!best || !peer || !peer.ok || !isCloseCall(row.auto.examplesPerSec / best.examplesPerSec)) return row;
  log(`${id} batch ${b}: a close call or a loss (${(row.auto.examplesPerSec / best.examplesPerSec).toFixed(2)}x ${best.name}), measured again ${CLOSE_CALL.pairs - 1} times alternately ...`);
  const pairs = recheckPairs({ ours: row.auto.examplesPerSec, peer: best.examplesPerSec }, () => {
    const ours = cell<Measurement>(['perf', id, 'engine-auto', b]).examplesPerSec;
    const again = cell<PyResult>(['py', id, peer.peer, b]);
    return again.ok ? { ours, peer: again.measurement.examplesPerSec } : undefined;
  });
  if (!pairs) return row;
  return { ...row, recheck: { peer: best.name, pairs } };
}

/** One table per workload: this project beside TF.js, PyTorch and scikit-learn. */
async function workloadSections(say: (s?: string) => void, peak: number): Promise<unknown[]> {
  // PyTorch and scikit-learn: looked for once; a peer without a python that has it is noted, not spawned per cell.
  const pyPeers = ['torch', 'sklearn'] as const;
  const pyMissing = new Map<PyPeer, string>();
  if (args.has('--skip-py')) log('PyTorch and scikit-learn: skipped (--skip-py)');
  else for (const p of pyPeers) { const f = findPython(p); if (!f.ok) pyMissing.set(p, f.reason); }
  if (pyMissing.size) say(`\nPython peers not run: ${[...pyMissing.values()].join('; ')}.`);

  const workloads: { id: string; title: string; source: string; n: number; features: number; rows: BackendRow[] }[] = [];
  for (const id of ['logistic', 'mlp', 'digits', 'mnist'] as const) {
    const w = await loadWorkload(id); const rows: BackendRow[] = [];
    for (const bs of batchSizesOf(w)) {
      const b = String(bs);
      log(`${id} batch ${b}: this project (js, auto), hand-fused, TF.js cpu, TF.js wasm, PyTorch, scikit-learn ...`);
      const js = cell<Measurement>(['perf', id, 'engine-js', b]);
      const auto = cell<Measurement>(['perf', id, 'engine-auto', b]);
      const auto1 = cell<Measurement>(['perf', id, 'engine-auto1', b]);
      const hand = id === 'logistic' || id === 'mlp' ? cell<Measurement>(['perf', id, 'hand', b]) : undefined;
      const tf: TfResult[] = [];
      const tfHere = !args.has('--skip-tf') && (id !== 'mnist' || bs === 32 || bs === 1024);
      if (tfHere) for (const be of ['cpu', 'wasm'] as const) tf.push(cell<TfResult>(['tf', id, be, id === 'mnist' && bs === 'full' ? String(TF_MNIST_ROWS) : b]));
      const py: PyResult[] = args.has('--skip-py') ? [] : pyPeers.map((p) => {
        const missing = pyMissing.get(p);
        return missing === undefined ? cell<PyResult>(['py', id, p, b]) : { ok: false, peer: p, reason: missing };
      });
      const row: BackendRow = { batch: bs, rows: batchRows(w, bs), js, auto, auto1, ...(hand ? { hand } : {}), tf, py };
      rows.push(quick ? row : recheckCloseCall(row, id, b));
    }
    workloads.push({ id, title: w.title, source: w.source, n: w.n, features: w.features, rows });
    say();
    say(`## ${w.title}`);
    say();
    say(`Data: ${w.source}.${id === 'mnist' ? ` TF.js runs on the first ${TF_MNIST_ROWS} rows (per-example throughput; its epochs on all 10,000 rows at batch 1 would take most of the benchmark's time), at batch 32 and 1024 only.` : ''}`);
    const skipped = rows.flatMap((r) => r.tf).find((t) => !t.ok);
    if (skipped && !skipped.ok) say(`TF.js ${skipped.backend} skipped: ${skipped.reason}`);
    const pyFailed = rows.flatMap((r) => r.py ?? []).find((p) => !p.ok && !pyMissing.has(p.peer));
    if (pyFailed && !pyFailed.ok) say(`${pyFailed.peer} failed: ${pyFailed.reason}`);
    say();
    say(backendTable(rows, w.layers, peak));
    say();
    say(`Cells: examples/s · µs per update (wall clock, fit() for this project). js: the reference kernels; auto: the default backend (WASM SIMD kernels where the cost model picks them). TF.js (best): the faster of model.fit and the minimize loop. PyTorch: nn.Sequential, a plain loop over slices of a per-epoch permutation, in its tuned configuration (OPENBLAS_CORETYPE for this CPU; OpenBLAS on 1 thread below batch 128 and on 2 with OMP_WAIT_POLICY=PASSIVE from 128; torch.set_num_threads(1)); scikit-learn: MLPClassifier (hidden_layer_sizes=() for logistic regression; * marks SGDClassifier, per-example, at batch 1 of logistic regression), same OpenBLAS settings; ${args.has('--skip-py') ? 'not run (--skip-py)' : pyMissing.size ? `"not installed": ${PY_INSTALL_HINT}` : 'both on all rows'}. × best peer: auto over the fastest peer present, named; ‡ marks a ratio of at most ${CLOSE_CALL.high}x at first (a close call or a loss), for which auto and that peer were measured ${CLOSE_CALL.pairs - 1} more times alternately: the median of the ${CLOSE_CALL.pairs} pairs' ratios, then each pair's. GFLOP/s counts the multiply-adds of the dense layers only (forward, weight and input gradients) x 2.`);
  }

  return workloads;
}

/** Allocation per step, and the denormal guard. */
async function allocSections(say: (s?: string) => void): Promise<{ alloc: AllocResult[]; den: DenormalRow[] }> {
  log('allocation: GC counts and sampled allocation at batch 1 and 32 ...');
  const alloc: AllocResult[] = [];
  for (const id of ['logistic', 'mlp', 'digits'] as const) {
    const w = await loadWorkload(id);
    for (const be of ['js', 'auto'] as const) {
      process.env['MINIBATCH_BENCH_BACKEND'] = be;
      const gc = cell<GcCount>(['gc', id]);
      alloc.push({ ...solveAllocation(w, gc, cell<Sampled>(['sample', id, '1']), cell<Sampled>(['sample', id, '32'])), workload: `${id} (${be})` });
    }
  }
  delete process.env['MINIBATCH_BENCH_BACKEND'];
  say();
  say('## Allocation per step (this project, fit, js and auto backends)');
  say();
  say(allocTable(alloc));
  say();
  say(allocSitesTable(alloc));
  say();
  say('Per-step and per-epoch bytes are solved from two sampled runs (batch 1 and 32): bytes = s × steps + e × epochs. The target is 0 B per step; the per-epoch record and the end-of-epoch yield are expected.');

  log('denormal guard: a run whose ReLUs die ...');
  const den = cell<DenormalRow[]>(['denormal', 'mnist', quick ? '800' : '4000']);
  say();
  say('## Dying ReLUs and subnormal optimizer state (bench/denormal.ts)');
  say();
  say(denormalTable(den));
  say();
  say('MNIST 784-128-10 at batch 32: 250 timed steps of ordinary training, then every hidden unit is killed (biases -1e4) and training goes on, timed in 8 windows. guard on: the library as shipped (state below 1e-30 zeroed every 32 updates); off: an optimizer subclass without it. The last column counts subnormal float32 values left in the optimizer state.');

  return { alloc, den };
}

/** The main job end to end (bench/main-job.ts): compare and `npm start` against the same work in PyTorch, one round each. */
function mainJobSection(say: (s?: string) => void): MainJobResult {
  if (args.has('--skip-main-job')) return { rows: [], skipped: '--skip-main-job' };
  log('main job: compare and study against PyTorch ...');
  const result = benchMainJob(1);
  say();
  say('## The main job end to end: minibatch against the same work in PyTorch (bench/main-job.ts)');
  say();
  say(mainJobTable(result));
  return result;
}

/** Peak memory, CSV loading and online learning. */
async function extraSections(say: (s?: string) => void): Promise<{ memory: MemoryResult | { skipped: string }; csv: Awaited<ReturnType<typeof csvLoad>>; online: OnlineResult | { ok: false; reason: string } }> {
  let memory: MemoryResult | { skipped: string } = { skipped: '--skip-memory' };
  if (!args.has('--skip-memory')) {
    log('memory: peak RSS of npm start and of tune with 1 and 4 batch sizes ...');
    memory = benchMemory();
    say();
    say('## Memory: peak resident set size of whole runs (bench/memory.ts)');
    say();
    say(memoryTable(memory));
    say();
    say('Each run in a child process; peak RSS from process.resourceUsage().maxRSS at exit (the whole process, worker threads included).');
  }

  let csv: Awaited<ReturnType<typeof csvLoad>> = { ok: false, reason: 'skipped (--skip-csv)' };
  if (!args.has('--skip-csv')) { log('csv load ...'); csv = await csvLoad(); }
  say();
  say('## CSV loading (bench/csv-load.ts)');
  say();
  say(csv.ok ? csv.table : `Skipped: ${csv.reason}`);

  let online: OnlineResult | { ok: false; reason: string } = { ok: false, reason: 'skipped (--skip-online)' };
  if (!args.has('--skip-online')) { log('online learning ...'); online = onlineBench(); }
  say();
  say('## Online learning: one row per call (bench/online.ts)');
  say();
  say('rows' in online ? onlineTable(online) : `Skipped: ${online.reason}`);

  return { memory, csv, online };
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

  const { check, peak, gemm, native } = await kernelSections(say);
  const workloads = await workloadSections(say, peak);
  const batch1 = args.has('--skip-batch1') ? { ok: false, reason: 'skipped (--skip-batch1)' } : batch1Section(say);
  const { alloc, den } = await allocSections(say);
  const { memory, csv, online } = await extraSections(say);
  const mainJob = mainJobSection(say);

  const seconds = (performance.now() - t0) / 1000;
  say();
  say(`Total ${seconds.toFixed(0)} s; load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
  const file = join(repo, 'bench', 'results', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({
    date: new Date().toISOString(), machine: m, loadAverage: { start: load0, end: loadavg() }, quick, seconds,
    check, peakGflops: peak, gemm, native, workloads, batch1, alloc, denormal: den, memory, online, mainJob, csvLoad: csv.ok ? { ok: true, results: csv.results } : csv, markdown: out.join('\n'),
  }, null, 2));
  log(`wrote ${file}`);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
