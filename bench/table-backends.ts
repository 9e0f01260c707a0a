// Markdown table of one workload across backends: this project (js, auto), hand-fused, TF.js, PyTorch, scikit-learn, with ratios and GFLOP/s.
import type { PyPeer, PyResult } from './peers-python.js';
import type { TfResult } from './peers-tfjs.js';
import { si, us } from './table.js';
import type { Measurement } from './timing.js';

/** One batch size of one workload. */
export interface BackendRow {
  batch: number | 'full';
  rows: number;
  js: Measurement;
  auto: Measurement;
  /** The default backend with MINIBATCH_THREADS=1 (kernel calls not split over threads). */
  auto1?: Measurement;
  hand?: Measurement;
  tf: TfResult[];
  /** PyTorch and scikit-learn (absent or empty when not run, e.g. `--skip-py`). */
  py?: PyResult[];
  /** A close call measured again (see {@link CLOSE_CALL}): examples/s of auto and of the best peer, pair by pair, the first pair the row's own cells. */
  recheck?: { peer: string; pairs: RecheckPair[] };
}

/**
 * A row whose auto column is at most `high` times its best peer at first is a close call or a
 * loss, and either may be the machine's drift: cells measured minutes apart on a shared VM
 * differ by up to a third (bench/README.md, "Last run"; a 784-128-10 full-batch cell read 0.78x
 * once and 1.1x-1.5x in fresh processes minutes later). So run.ts measures both again,
 * alternately, `pairs` - 1 more times, and the ratio column gives the median of the pairs'
 * ratios (marked ‡). A real loss stays a loss; a false one, or a false win near 1x, does not stand.
 */
export const CLOSE_CALL = { high: 1.25, pairs: 4 } as const;

/** Whether a row's first ratio to its best peer is measured again (a close call or a loss). */
export function isCloseCall(ratioToBest: number): boolean {
  return ratioToBest <= CLOSE_CALL.high;
}

/** One pair of a close call measured again: examples/s of this project and of the peer. */
export interface RecheckPair { ours: number; peer: number }

/**
 * The pairs of a close call: `first` (the row's own cells), then `pairs` - 1 more, each from
 * `again` (this project's cell, then the peer's); undefined when a peer's run fails.
 */
export function recheckPairs(first: RecheckPair, again: () => RecheckPair | undefined): RecheckPair[] | undefined {
  const pairs = [first];
  for (let i = 1; i < CLOSE_CALL.pairs; i++) {
    const pair = again();
    if (!pair) return undefined;
    pairs.push(pair);
  }
  return pairs;
}

/** The median of the pairs' ratios (ours over the peer's). */
export function recheckRatio(pairs: readonly RecheckPair[]): number {
  const r = pairs.map((p) => p.ours / p.peer).sort((a, b) => a - b);
  const m = r.length >> 1;
  return r.length % 2 === 1 ? r[m]! : (r[m - 1]! + r[m]!) / 2;
}

/** The fastest peer figure of a row (TF.js cpu/wasm at their better method, PyTorch, scikit-learn). */
export interface BestPeer { name: string; examplesPerSec: number }

/** Multiply-adds per training example of a dense stack: forward, weight gradient, and input gradient below the first layer. */
export function macsPerExample(layers: readonly number[]): number {
  let s = 0;
  for (let l = 0; l + 1 < layers.length; l++) s += layers[l]! * layers[l + 1]! * (l === 0 ? 2 : 3);
  return s;
}

const cell = (m: Measurement): string => `${si(m.examplesPerSec)} · ${us(m.usPerStep)}`;
const ratio = (x: number): string => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
/** The peers' names in the tables. */
export const PY_NAMES: Record<PyPeer, string> = { torch: 'PyTorch', sklearn: 'sklearn' };

/** TF.js's better figure (fit or minimize) for one backend, NaN if it did not run. */
function tfBest(r: BackendRow, be: string): number {
  const t = r.tf.find((x) => x.backend === be);
  return t && t.ok ? Math.max(t.fit.examplesPerSec, t.minimize.examplesPerSec) : NaN;
}

/** The fastest of every peer present in the row, or undefined when none ran. */
export function bestPeer(r: BackendRow): BestPeer | undefined {
  const all: BestPeer[] = [
    ...(['cpu', 'wasm'] as const).map((be) => ({ name: `TF.js ${be}`, examplesPerSec: tfBest(r, be) })),
    ...(r.py ?? []).flatMap((p) => (p.ok ? [{ name: PY_NAMES[p.peer], examplesPerSec: p.measurement.examplesPerSec }] : [])),
  ];
  return all.filter((p) => p.examplesPerSec > 0).sort((a, b) => b.examplesPerSec - a.examplesPerSec)[0];
}

/** A PyTorch or scikit-learn cell: examples/s · µs per update; `*` marks SGDClassifier. */
function pyCell(r: BackendRow, peer: PyPeer): string {
  const p = r.py?.find((x) => x.peer === peer);
  if (!p) return 'not run';
  if (!p.ok) return p.reason.startsWith('not installed') ? 'not installed' : 'failed';
  return `${cell(p.measurement)}${p.impl === 'SGDClassifier' ? '*' : ''}`;
}

/** The ratio cell: auto over the best peer, or the median of a close call's pairs (‡, with each pair's ratio). */
function vsBest(r: BackendRow, best: BestPeer): string {
  if (!r.recheck) return `${ratio(r.auto.examplesPerSec / best.examplesPerSec)} (${best.name})`;
  const each = r.recheck.pairs.map((p) => (p.ours / p.peer).toFixed(2)).join(', ');
  return `${ratio(recheckRatio(r.recheck.pairs))} (${r.recheck.peer}) ‡ ${each}`;
}

/**
 * The table: examples/s · µs per update per column, TF.js's better method per backend,
 * PyTorch and scikit-learn, this project (auto) over the best of all peers present (named),
 * the auto column's GFLOP/s and its share of peak.
 */
export function backendTable(rows: BackendRow[], layers: readonly number[], peakGflops: number): string {
  const hasHand = rows.some((r) => r.hand);
  const head = ['batch', 'js', 'auto (wasm, all cores)', 'auto, 1 thread', 'auto / js', ...(hasHand ? ['hand-fused', 'auto / hand'] : []),
    'TF.js cpu (best)', 'TF.js wasm (best)', 'PyTorch', 'scikit-learn', '× best peer', 'GFLOP/s (auto)', '% of 2-core peak'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  const flopsPerEx = 2 * macsPerExample(layers);
  for (const r of rows) {
    const cpu = tfBest(r, 'cpu'); const wasm = tfBest(r, 'wasm'); const best = bestPeer(r);
    const gf = (r.auto.examplesPerSec * flopsPerEx) / 1e9;
    lines.push(`| ${r.batch === 'full' ? `full (${r.rows})` : r.batch} | ${cell(r.js)} | ${cell(r.auto)} | ${r.auto1 ? cell(r.auto1) : '-'} | ${(r.auto.examplesPerSec / r.js.examplesPerSec).toFixed(1)} | ` +
      (hasHand ? `${r.hand ? cell(r.hand) : '-'} | ${r.hand ? (r.auto.examplesPerSec / r.hand.examplesPerSec).toFixed(2) : '-'} | ` : '') +
      `${Number.isNaN(cpu) ? 'not run' : si(cpu)} | ${Number.isNaN(wasm) ? 'not run' : si(wasm)} | ${pyCell(r, 'torch')} | ${pyCell(r, 'sklearn')} | ` +
      `${best ? vsBest(r, best) : '-'} | ` +
      `${gf.toFixed(gf < 10 ? 2 : 1)} | ${((100 * gf) / peakGflops).toFixed(gf / peakGflops < 0.01 ? 2 : 1)}% |`);
  }
  return lines.join('\n');
}
