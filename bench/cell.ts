// One benchmark cell in a fresh Node process (so JIT state from one cell never colours another).
import '../src/platform/node/install.js'; // the Node platform (WASM bytes from disk, kernel threads, native addon, setImmediate yield), as the package's Node entry installs it
import { pathToFileURL } from 'node:url';
import { JsBackend } from '../src/kernels/js/js-backend.js';
import { nativeInfo } from '../src/kernels/native/native-status.js';
import { countGcs, sampleAllocation } from './alloc.js';
import { benchDenormal } from './denormal.js';
import { engineRunner } from './engine.js';
import { handFused } from './hand-fused.js';
import { checkKernels } from './kernel-check.js';
import { benchPython, type PyPeer } from './peers-python.js';
import { benchTf, type TfBackend } from './peers-tfjs.js';
import { measure, type MeasureOptions } from './timing.js';
import { benchGemm } from './kernel-gemm.js';
import { digitsLike, mnistWorkload } from './workloads-big.js';
import { batchRows, cancerLike, pima, stepsPerEpoch, type Workload } from './workloads.js';

/** The line prefix that carries a cell's JSON result on stdout (anything else is ignored). */
export const RESULT_MARK = '@@cell-result ';

/**
 * Commands (argv after the script path): `perf <workload> <engine|engine-js|engine-wasm|engine-auto|engine-auto1|hand> <batch>`,
 * `tf <workload> <cpu|wasm> <batch>`, `py <workload> <torch|sklearn> <batch>`, `gc <workload>`, `sample <workload> <batch>`, `check`, `gemm`.
 * Workloads: logistic, mlp, digits, mnist.
 */
export function workload(id: string): Workload {
  if (id === 'logistic') return cancerLike();
  if (id === 'mlp') return pima();
  if (id === 'digits') return digitsLike();
  throw new Error(`unknown workload ${id}`);
}

/** Rows of MNIST the TF.js cells train on (a class-balanced prefix), so a TF.js epoch at batch 1 stays short. */
export const TF_MNIST_ROWS = 2048;

/** Any workload, MNIST included (loaded from the mnist package); `tf` takes the TF.js subset. */
export async function loadWorkload(id: string, tf = false): Promise<Workload> {
  if (id !== 'mnist') return workload(id);
  const w = await mnistWorkload();
  if (!tf) return w;
  const n = TF_MNIST_ROWS;
  return { ...w, n, x: w.x.subarray(0, n * w.features), y: w.y.subarray(0, n), source: `${w.source}, first ${n} rows` };
}

export function parseBatch(s: string): number | 'full' {
  return s === 'full' ? 'full' : Number(s);
}

/**
 * Differential check of the two loops this benchmark compares: from the same seed (same
 * initial weights, same shuffles), three epochs of fit and of the hand-fused loop must end at
 * the same parameters up to float rounding, or the yardstick is not doing the same work.
 */
async function differential(w: Workload): Promise<{ workload: string; maxParamDiff: number; engineLoss: number; handLoss: number }> {
  const bs = 32; const epochs = 3;
  const eng = engineRunner(w, bs, 1); await eng.run(epochs);
  const hand = handFused(w, batchRows(w, bs), 1); hand.run(epochs);
  let maxParamDiff = 0;
  eng.model.params.forEach((p, i) => { maxParamDiff = Math.max(maxParamDiff, Math.abs(p - hand.params[i]!)); });
  const rec = eng.last?.records.at(-1);
  return { workload: w.id, maxParamDiff, engineLoss: rec?.trainLoss ?? NaN, handLoss: hand.lastLoss };
}

async function runCell(cmd: string[], o: MeasureOptions): Promise<unknown> {
  const [what, id, a, b] = cmd;
  switch (what) {
    case 'perf': {
      // engine-auto1: the default backend on one thread (no kernel splitting). Set before the
      // workload loads: loading MNIST already starts the native kernels (huge pages for its
      // rows), whose pool takes its thread count once, when they load.
      if (a === 'engine-auto1') process.env['MINIBATCH_THREADS'] = '1';
      const w = await loadWorkload(id!); const bs = parseBatch(b!);
      const kind = a === 'engine-wasm' ? 'wasm' : a === 'engine-auto' || a === 'engine-auto1' ? 'auto' : 'js';
      const runner = a!.startsWith('engine') ? engineRunner(w, bs, 1, kind) : handFused(w, batchRows(w, bs));
      // The native pool's threads as the cell ran (null without the native kernels), in latest.json.
      return { ...await measure(runner, w.n, stepsPerEpoch(w, bs), o), nativeThreads: nativeInfo()?.threads ?? null };
    }
    case 'tf': return benchTf(await loadWorkload(id!, true), a as TfBackend, parseBatch(b!), o);
    case 'py': return benchPython(await loadWorkload(id!), a as PyPeer, parseBatch(b!), o);
    case 'gemm': return benchGemm([64, 256, 1024], o.minSeconds ?? 0.3);
    case 'denormal': return benchDenormal(Number(a ?? '4000'));
    case 'gc': return countGcs(await loadWorkload(id!), 32, o.minSeconds === undefined ? 1 : Math.max(0.3, 3 * o.minSeconds));
    case 'sample': return sampleAllocation(await loadWorkload(id!), Number(a));
    case 'check': {
      const kernels = checkKernels(new JsBackend());
      const diffs = [await differential(cancerLike()), await differential(pima())];
      return { kernels, diffs };
    }
    default: throw new Error(`unknown cell command: ${cmd.join(' ')}`);
  }
}

// Entry point: `node dist/bench/cell.js <command...>` with MINIBATCH_BENCH_MIN_SECONDS and
// MINIBATCH_BENCH_REPEATS optionally shortening the timing (for quick runs).
const argv = process.argv.slice(2);
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const o: MeasureOptions = {
    ...(env.MINIBATCH_BENCH_MIN_SECONDS ? { minSeconds: Number(env.MINIBATCH_BENCH_MIN_SECONDS) } : {}),
    ...(env.MINIBATCH_BENCH_REPEATS ? { repeats: Number(env.MINIBATCH_BENCH_REPEATS) } : {}),
  };
  runCell(argv, o).then(
    (r) => { process.stdout.write(`${RESULT_MARK}${JSON.stringify(r)}\n`); },
    (e: unknown) => { console.error(e instanceof Error ? e.stack : String(e)); process.exitCode = 1; },
  );
}
