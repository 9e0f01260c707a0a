// PyTorch and scikit-learn peers: finds a python3 that has them, hands it a workload through a temp dir, runs bench/peers-python.py in its tuned environment.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuFlags } from './cpu.js';
import type { Measurement, MeasureOptions } from './timing.js';
import { batchRows, type Workload } from './workloads.js';

/** The two Python peers; each runs in its own Python process. */
export type PyPeer = 'torch' | 'sklearn';

/** The Debian packages that provide each peer (what a missing peer's note tells you to install). */
export const PY_INSTALL_HINT = 'apt-get install python3-torch python3-sklearn';

/** One peer at one batch size, or why it did not run. `impl` names the estimator (e.g. SGDClassifier). */
export type PyResult =
  | { ok: true; peer: PyPeer; impl: string; version: string; python: string; env: Record<string, string>; measurement: Measurement }
  | { ok: false; peer: PyPeer; reason: string };

/** The Python module each peer imports. */
const moduleOf = (peer: PyPeer): string => (peer === 'torch' ? 'torch' : 'sklearn');

/** bench/peers-python.py: the compiled file lives in dist/bench, its source two levels up. */
function scriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'bench', 'peers-python.py');
}

/**
 * The first interpreter that has `peer`'s module: `MINIBATCH_BENCH_PYTHON` if set, then
 * Debian's /usr/bin/python3 (where python3-torch and python3-sklearn install; the `python3` on
 * PATH may be a pyenv one without them), then python3 and python on PATH. The check asks
 * importlib for the module's spec, which is fast (no import of torch). Returns why not if none has it.
 */
export function findPython(peer: PyPeer): { ok: true; python: string } | { ok: false; reason: string } {
  const mod = moduleOf(peer);
  const fromEnv = process.env['MINIBATCH_BENCH_PYTHON'];
  const candidates = [...(fromEnv ? [fromEnv] : []), '/usr/bin/python3', 'python3', 'python'];
  const probe = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('${mod}') else 1)`;
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return { ok: true, python };
  }
  return { ok: false, reason: `not installed: no python among ${candidates.join(', ')} can import ${mod} (${PY_INSTALL_HINT})` };
}

/**
 * OpenBLAS's name for this CPU's best kernels, from the flags in /proc/cpuinfo: SKYLAKEX where
 * AVX-512 is present, HASWELL where only AVX2 is, otherwise none (OpenBLAS's own detection).
 * Setting it explicitly matters: a stale or generic OPENBLAS_CORETYPE inherited from the
 * environment (HASWELL here) halves PyTorch's matrix multiplies on an AVX-512 core.
 */
export function openblasCoreType(flags: ReadonlySet<string> = cpuFlags()): string | undefined {
  if (flags.has('avx512f') && flags.has('avx512bw') && flags.has('avx512vl')) return 'SKYLAKEX';
  if (flags.has('avx2') && flags.has('fma')) return 'HASWELL';
  return undefined;
}

/**
 * PyTorch's tuned configuration, used for both peers (numpy, under scikit-learn, calls the same
 * OpenBLAS): OpenBLAS's core type set to this CPU's; OpenBLAS on one thread below batch 128 and
 * on two threads from batch 128, with OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads sleep
 * instead of spinning against OpenBLAS's on a 2-core machine); PyTorch's own intra-op pool
 * (torch.set_num_threads, OpenMP) on one thread at every batch size, because on this machine a
 * second intra-op thread slowed every workload (see bench/README.md). OpenBLAS's pthreads ignore
 * torch.set_num_threads, so the two counts are set separately.
 * MINIBATCH_BENCH_PY_THREADS="<torch>,<openblas>" forces both counts, for checking the rule.
 */
export function tunedEnv(rows: number): { torchThreads: number; blasThreads: number; env: Record<string, string> } {
  const forced = (process.env['MINIBATCH_BENCH_PY_THREADS'] ?? '').split(',').map(Number);
  const torchThreads = forced[0]! >= 1 ? forced[0]! : 1;
  const blasThreads = forced[1]! >= 1 ? forced[1]! : rows < 128 ? 1 : 2;
  const core = openblasCoreType();
  const env: Record<string, string> = {
    OPENBLAS_NUM_THREADS: String(blasThreads), OMP_NUM_THREADS: String(torchThreads), MKL_NUM_THREADS: String(blasThreads),
    ...(core ? { OPENBLAS_CORETYPE: core } : {}), ...(Math.max(torchThreads, blasThreads) > 1 ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}),
  };
  return { torchThreads, blasThreads, env };
}

/**
 * Trains `w` at batch size `bs` with `peer` in a fresh Python process and returns its timing
 * (warm-up excluded, median of repeats of whole epochs, as bench/timing.ts does). The data goes
 * through a temp dir (x.bin, y.bin float32 and spec.json) that is removed afterwards.
 */
export function benchPython(w: Workload, peer: PyPeer, bs: number | 'full', o: MeasureOptions = {}): PyResult {
  const found = findPython(peer);
  if (!found.ok) return { ok: false, peer, reason: found.reason };
  const script = scriptPath();
  if (!existsSync(script)) return { ok: false, peer, reason: `${script} not found` };
  const rows = batchRows(w, bs); const { torchThreads, env } = tunedEnv(rows);
  const dir = mkdtempSync(join(tmpdir(), 'minibatch-py-'));
  try {
    writeFileSync(join(dir, 'x.bin'), w.x.subarray(0, w.n * w.features));
    writeFileSync(join(dir, 'y.bin'), w.y.subarray(0, w.n));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({
      n: w.n, features: w.features, classes: w.classes, layers: w.layers, optimizer: w.optimizer,
      learningRate: w.learningRate, batch: rows, torchThreads, seed: 1,
      minSeconds: o.minSeconds ?? 0.3, repeats: o.repeats ?? 3, warmupSeconds: o.warmupSeconds ?? 0.15,
    }));
    const r = spawnSync(found.python, [script, dir, peer], {
      encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24, timeout: 600_000,
    });
    const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
    if (r.status !== 0 || !line) {
      const err = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || r.error?.message || '';
      return { ok: false, peer, reason: `${found.python} ${script} exited ${r.status}: ${err}` };
    }
    const out = JSON.parse(line) as { ok: boolean; reason?: string; impl?: string; version?: string; measurement?: Measurement };
    if (!out.ok || !out.measurement) return { ok: false, peer, reason: out.reason ?? 'no measurement' };
    return { ok: true, peer, impl: out.impl ?? peer, version: out.version ?? '?', python: found.python, env, measurement: out.measurement };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
