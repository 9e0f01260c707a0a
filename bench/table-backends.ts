// Markdown table of one workload across backends: this project (js, auto), hand-fused, TF.js, with ratios and GFLOP/s.
import type { TfResult } from './peers-tfjs.js';
import { si, us } from './table.js';
import type { Measurement } from './timing.js';

/** One batch size of one workload. */
export interface BackendRow {
  batch: number | 'full';
  rows: number;
  js: Measurement;
  auto: Measurement;
  hand?: Measurement;
  tf: TfResult[];
}

/** Multiply-adds per training example of a dense stack: forward, weight gradient, and input gradient below the first layer. */
export function macsPerExample(layers: readonly number[]): number {
  let s = 0;
  for (let l = 0; l + 1 < layers.length; l++) s += layers[l]! * layers[l + 1]! * (l === 0 ? 2 : 3);
  return s;
}

const cell = (m: Measurement): string => `${si(m.examplesPerSec)} · ${us(m.usPerStep)}`;

/** The table: examples/s · µs per update per column, the best TF.js figure, ratios, GFLOP/s of the auto column and its share of peak. */
export function backendTable(rows: BackendRow[], layers: readonly number[], peakGflops: number): string {
  const hasHand = rows.some((r) => r.hand);
  const head = ['batch', 'js', 'auto (wasm)', 'auto / js', ...(hasHand ? ['hand-fused', 'auto / hand'] : []), 'TF.js cpu (best)', 'TF.js wasm (best)', '× best TF.js', 'GFLOP/s (auto)', '% of 2-core peak'];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  const flopsPerEx = 2 * macsPerExample(layers);
  for (const r of rows) {
    const tfBest = (be: string): number => {
      const t = r.tf.find((x) => x.backend === be);
      return t && t.ok ? Math.max(t.fit.examplesPerSec, t.minimize.examplesPerSec) : NaN;
    };
    const cpu = tfBest('cpu'); const wasm = tfBest('wasm'); const best = Math.max(cpu || 0, wasm || 0);
    const gf = (r.auto.examplesPerSec * flopsPerEx) / 1e9;
    lines.push(`| ${r.batch === 'full' ? `full (${r.rows})` : r.batch} | ${cell(r.js)} | ${cell(r.auto)} | ${(r.auto.examplesPerSec / r.js.examplesPerSec).toFixed(1)} | ` +
      (hasHand ? `${r.hand ? cell(r.hand) : '-'} | ${r.hand ? (r.auto.examplesPerSec / r.hand.examplesPerSec).toFixed(2) : '-'} | ` : '') +
      `${Number.isNaN(cpu) ? 'not run' : si(cpu)} | ${Number.isNaN(wasm) ? 'not run' : si(wasm)} | ${best > 0 ? Math.round(r.auto.examplesPerSec / best).toString() : '-'} | ` +
      `${gf.toFixed(gf < 10 ? 2 : 1)} | ${((100 * gf) / peakGflops).toFixed(gf / peakGflops < 0.01 ? 2 : 1)}% |`);
  }
  return lines.join('\n');
}
