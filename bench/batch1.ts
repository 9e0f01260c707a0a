// Batch-1 logistic regression: fit on its fused whole-epoch kernel, fit forced onto the general steps, and scikit-learn's SGDClassifier, in examples per second.
import '../src/platform/node/install.js'; // the Node platform (WASM kernels, files), first
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCsv } from '../src/platform/node/csv-file.js';
import { fusedEpochs } from '../src/train/fused-epoch.js';
import { engineRunner } from './engine.js';
import { benchPython } from './peers-python.js';
import { CLOSE_CALL, isCloseCall, recheckPairs, recheckRatio, type RecheckPair } from './table-backends.js';
import { measure, type Measurement, type MeasureOptions } from './timing.js';
import { cancerLike, pima, sharedDatasets, standardise, type Workload } from './workloads.js';

/** The line prefix that carries the JSON result on stdout (for bench/run.ts). */
export const BATCH1_MARK = 'BATCH1_RESULT ';

/** One data set's row: examples per second of each column (or why a column did not run). */
export interface Batch1Row {
  name: string; n: number; features: number; learningRate: number;
  fused: number; general: number; sklearn: number | string;
  /** Kernel calls the fused runs made, and the general runs (0: the switch held). */
  fusedCalls: number; generalCalls: number;
  /** A close call or a loss against SGDClassifier, measured again alternately (see CLOSE_CALL): each pair, the row's own first. */
  recheck?: RecheckPair[];
}
export type Batch1Result = { rows: Batch1Row[]; notes: string[] };

const LR = 0.01;

/** The workloads: the bench's 569x30 set, Pima 768x8 and adult 32561x105 (one-hot), standardised; absent files are noted. */
async function workloads(notes: string[]): Promise<Workload[]> {
  const out: Workload[] = [cancerLike()];
  const p = pima();
  if (p.source.startsWith('file:')) out.push({ ...p, id: 'logistic', title: 'Pima 768x8', layers: [8, 1], optimizer: 'sgd', learningRate: LR });
  else notes.push(`Pima skipped: ${p.source}`);
  const adult = resolve(sharedDatasets(), 'adult-train.csv');
  if (existsSync(adult)) {
    const d = await loadCsv(adult, { missing: 'mean' });
    const x = d.x.slice(); standardise(x, d.length, d.numFeatures);
    out.push({ id: 'logistic', title: 'adult 32561x105', n: d.length, features: d.numFeatures, x, y: d.y, classes: 1,
      layers: [d.numFeatures, 1], optimizer: 'sgd', learningRate: LR, source: `file: ${adult} (one-hot, missing: mean), standardised` });
  } else notes.push(`adult skipped: ${adult} not found`);
  return out;
}

/** One column in this process: fit at batch 1 on the auto backend with the fused path on or off. */
async function cellRun(w: Workload, fused: boolean, o: MeasureOptions): Promise<{ m: Measurement; calls: number }> {
  const runner = engineRunner(w, 1, 1, 'auto'); const before = fusedEpochs.calls;
  const m = await measure({ run: async (epochs) => { fusedEpochs.enabled = fused; await runner.run(epochs); } }, w.n, w.n, o);
  return { m, calls: fusedEpochs.calls - before };
}

function options(quick: boolean): MeasureOptions {
  return quick ? { minSeconds: 0.1, repeats: 1, warmupSeconds: 0.05 } : { minSeconds: 0.3, repeats: 3, warmupSeconds: 0.15 };
}

/** Each fit column in a fresh process (no JIT state shared), SGDClassifier through bench/peers-python. */
export async function benchBatch1(quick: boolean): Promise<Batch1Result> {
  const notes: string[] = []; const rows: Batch1Row[] = [];
  const ws = await workloads(notes);
  const self = fileURLToPath(import.meta.url);
  ws.forEach((w, i) => {
    const col = (mode: 'fused' | 'general'): { eps: number; calls: number } => {
      const r = spawnSync(process.execPath, [self, '--cell', String(i), mode, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = r.stdout?.split('\n').find((l) => l.startsWith(BATCH1_MARK));
      if (r.status !== 0 || !line) throw new Error(`batch1 cell ${i} ${mode} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
      return JSON.parse(line.slice(BATCH1_MARK.length)) as { eps: number; calls: number };
    };
    const sgdClassifier = (): number | string => {
      const py = benchPython(w, 'sklearn', 1, options(quick));
      return py.ok ? (py.impl === 'SGDClassifier' ? py.measurement.examplesPerSec : `ran ${py.impl}, not SGDClassifier`) : py.reason;
    };
    const f = col('fused'); const g = col('general'); const sk = sgdClassifier();
    const row: Batch1Row = { name: w.title.split(',')[0]!, n: w.n, features: w.features, learningRate: w.learningRate, fused: f.eps, general: g.eps, sklearn: sk, fusedCalls: f.calls, generalCalls: g.calls };
    if (!quick && typeof sk === 'number' && isCloseCall(f.eps / sk)) {
      // As in the main tables: both measured again, alternately, so that a drift of the machine cannot decide it.
      const pairs = recheckPairs({ ours: f.eps, peer: sk }, () => {
        const ours = col('fused').eps; const peer = sgdClassifier();
        return typeof peer === 'number' ? { ours, peer } : undefined;
      });
      if (pairs) row.recheck = pairs;
    }
    rows.push(row);
  });
  return { rows, notes };
}

const k = (v: number): string => `${(v / 1000).toFixed(0)}k`;

/** The markdown table: examples/s of each column and the fused path's ratio to the general steps and to SGDClassifier. */
export function batch1Table(r: Batch1Result): string {
  const lines = [
    '| data set | rows x features | fit, fused epoch | fit, general steps | fused / general | SGDClassifier | fused / SGDClassifier |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of r.rows) {
    const sk = typeof row.sklearn === 'number' ? k(row.sklearn) : `— (${row.sklearn})`;
    const ratio = row.recheck ? `${recheckRatio(row.recheck).toFixed(2)}x ‡ ${row.recheck.map((p) => (p.ours / p.peer).toFixed(2)).join(', ')}`
      : typeof row.sklearn === 'number' ? `${(row.fused / row.sklearn).toFixed(2)}x` : '—';
    lines.push(`| ${row.name} | ${row.n} x ${row.features} | ${k(row.fused)} | ${k(row.general)} | ${(row.fused / row.general).toFixed(1)}x | ${sk} | ${ratio} |`);
  }
  const calls = r.rows.map((x) => `${x.fusedCalls}/${x.generalCalls}`).join(', ');
  lines.push('', `Examples per second (median, whole epochs, warm-up excluded), logistic regression, plain SGD lr ${LR}, batch 1, shuffled, auto backend; kernel calls fused/general runs: ${calls}.${r.rows.some((x) => x.recheck) ? ` ‡: at most ${CLOSE_CALL.high}x SGDClassifier at first, so the fused column and SGDClassifier were measured ${CLOSE_CALL.pairs - 1} more times alternately: the median of the ${CLOSE_CALL.pairs} pairs' ratios, then each pair's (the other columns are the first run's).` : ''}`);
  for (const n of r.notes) lines.push('', n);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--cell');
  if (at >= 0) {
    const ws = await workloads([]); const w = ws[Number(argv[at + 1])]!;
    const { m, calls } = await cellRun(w, argv[at + 2] === 'fused', options(quick));
    process.stdout.write(`${BATCH1_MARK}${JSON.stringify({ eps: m.examplesPerSec, calls })}\n`);
    return;
  }
  const r = await benchBatch1(quick);
  if (argv.includes('--json')) process.stdout.write(`${BATCH1_MARK}${JSON.stringify(r)}\n`);
  else process.stdout.write(`${batch1Table(r)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => { console.error(e); process.exitCode = 1; });
}
