// Markdown tables for the benchmark results (pure formatting, no I/O).
import type { AllocResult } from './alloc.js';
import type { TfResult } from './peers-tfjs.js';
import type { Measurement } from './timing.js';

/** One batch size of one workload: every column's figures. */
export interface Row {
  batch: number | 'full';
  rows: number;
  stepsPerEpoch: number;
  engine: Measurement;
  hand: Measurement;
  tf: TfResult[];
  /** The fastest TF.js figure over backends and methods, if any ran. */
  bestPeer?: { name: string; examplesPerSec: number; usPerStep: number };
  /** This project's examples/s divided by the best peer's and by the hand-fused loop's. */
  vsBestPeer?: number;
  vsHand: number;
  /** The same ratio from process CPU time per update (steadier than wall time on a shared machine). */
  vsHandCpu: number;
}

/** Picks the best TF.js figure and computes the ratios of a row. */
export function finishRow(r: Omit<Row, 'bestPeer' | 'vsBestPeer' | 'vsHand' | 'vsHandCpu'>): Row {
  let best: Row['bestPeer'];
  for (const t of r.tf) {
    if (!t.ok) continue;
    for (const [method, m] of [['fit', t.fit], ['minimize', t.minimize]] as const) {
      if (!best || m.examplesPerSec > best.examplesPerSec) best = { name: `TF.js ${t.backend} ${method}`, examplesPerSec: m.examplesPerSec, usPerStep: m.usPerStep };
    }
  }
  return {
    ...r, ...(best ? { bestPeer: best, vsBestPeer: r.engine.examplesPerSec / best.examplesPerSec } : {}),
    vsHand: r.engine.examplesPerSec / r.hand.examplesPerSec,
    vsHandCpu: r.hand.cpuUsPerStep / r.engine.cpuUsPerStep,
  };
}

/** 1234567 -> "1.23M", 45678 -> "45.7k", 512 -> "512". */
export function si(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return v.toPrecision(3);
}

/** Microseconds with three significant figures. */
export function us(v: number): string {
  return v >= 1000 ? v.toFixed(0) : v.toPrecision(3);
}

const cell = (m: Measurement): string => `${si(m.examplesPerSec)} · ${us(m.usPerStep)} µs`;
const ratio = (x: number): string => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));

/**
 * One row per batch size: examples/s and microseconds per update for this project, the
 * hand-fused loop and each TF.js backend (model.fit and the minimize loop), then the best
 * peer and the two ratios (this project's throughput over theirs).
 */
export function workloadTable(rows: Row[], batchLabel: (b: number | 'full', rows: number) => string): string {
  const backends = ['cpu', 'wasm'] as const;
  const head = ['batch', 'this project', 'hand-fused', ...backends.flatMap((b) => [`TF.js ${b} fit`, `TF.js ${b} minimize`]),
    'best peer', '× best peer', '× hand-fused', '× hand-fused (CPU)'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) {
    const tfCells = backends.flatMap((b) => {
      const t = r.tf.find((x) => x.backend === b);
      if (!t) return ['—', '—'];
      if (!t.ok) return ['skipped', 'skipped'];
      return [cell(t.fit), cell(t.minimize)];
    });
    const best = r.bestPeer ? `${r.bestPeer.name.replace('TF.js ', '')}` : '—';
    lines.push(`| ${[batchLabel(r.batch, r.rows), cell(r.engine), cell(r.hand), ...tfCells, best,
      r.vsBestPeer === undefined ? '—' : ratio(r.vsBestPeer), ratio(r.vsHand), ratio(r.vsHandCpu)].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** GC counts and the per-step / per-epoch split of allocated bytes, one row per workload. */
export function allocTable(results: AllocResult[]): string {
  const head = '| workload | steps at batch 32 | scavenges / 100k steps | mark-sweeps / 100k steps | heap growth | allocated / step | allocated / epoch |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map((r) => `| ${r.workload} | ${r.gc.steps} | ${r.gc.scavengesPer100kSteps.toFixed(1)} | ${r.gc.markSweepsPer100kSteps.toFixed(1)} | ${kb(r.gc.heapGrowthBytes)} | ${bytes(r.bytesPerStep)} | ${bytes(r.bytesPerEpoch)} |`);
  return [head, ...rows].join('\n');
}

/** Where the bytes come from: allocating functions with more than ~1 byte per step or 16 per epoch. */
export function allocSitesTable(results: AllocResult[]): string {
  const head = '| workload | allocating function (innermost in this project) | bytes / step | bytes / epoch |\n| --- | --- | ---: | ---: |';
  const rows = results.flatMap((r) => r.sites.map((s) => `| ${r.workload} | ${s.site} | ${bytes(s.bytesPerStep)} | ${bytes(s.bytesPerEpoch)} |`));
  return [head, ...rows].join('\n');
}

/** Bytes; solved values a little below zero are measurement noise and print as 0. */
function bytes(v: number): string { return `${v < 0.5 ? 0 : v.toFixed(v >= 100 ? 0 : 1)} B`; }
function kb(v: number): string { return `${(v / 1024).toFixed(0)} KiB`; }
