// The report's look: font stack, chart sizes, the Vega-Lite config and the batch-size colours.
import type { CompareResult } from '../experiments/records.js';
import { batchLabel } from './format.js';

/** System fonts only: the SVGs never reference a web font. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Plot area of every chart, in px; the SVG scales down with CSS on narrow screens. */
export const CHART_WIDTH = 360;
export const CHART_HEIGHT = 230;

/** Okabe-Ito colours (colour-blind safe), yellow left out for contrast on white. */
export const BATCH_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];

/** Vega-Lite config shared by every chart: fonts, sizes, legend at the bottom, no frame. */
export const VL_CONFIG = {
  font: FONT_STACK,
  background: 'white',
  padding: 6,
  view: { stroke: null },
  axis: {
    labelFontSize: 13, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333',
    gridColor: '#e8e8e8', domainColor: '#888', tickColor: '#888', labelOverlap: true,
  },
  legend: {
    orient: 'bottom', direction: 'horizontal', labelFontSize: 13, titleFontSize: 13,
    titleFontWeight: 'normal', symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, symbolSize: 200,
    columns: 6, labelLimit: 140,
  },
  text: { fontSize: 13 },
} as const;

/** One batch size as the charts see it: its legend label and its place in the order. */
export interface BatchKey {
  batchSize: number;
  requested: number | 'full';
  label: string;
}

/**
 * The batch sizes of a comparison in one consistent order (ascending actual size, 'full'
 * after a numeric request of the same size), from the summary, else from the runs.
 */
export function batchKeys(compare: Pick<CompareResult, 'summary' | 'runs'>): BatchKey[] {
  const source = compare.summary.length > 0 ? compare.summary : compare.runs;
  const seen = new Map<string, BatchKey>();
  for (const s of source) {
    const label = batchLabel(s.batchSize, s.requested);
    if (!seen.has(label)) seen.set(label, { batchSize: s.batchSize, requested: s.requested, label });
  }
  return [...seen.values()].sort(
    (a, b) => a.batchSize - b.batchSize || Number(a.requested === 'full') - Number(b.requested === 'full'),
  );
}

/** The colour encoding shared by all per-batch-size charts: same label, same colour, same order. */
export function batchColor(keys: readonly BatchKey[], legend = true): {
  field: 'batch'; type: 'nominal'; title: string;
  scale: { domain: string[]; range: string[] }; legend: null | { title: string };
} {
  const domain = keys.map((k) => k.label);
  const range = domain.map((_, i) => BATCH_PALETTE[i % BATCH_PALETTE.length]!);
  return { field: 'batch', type: 'nominal', title: 'batch size', scale: { domain, range }, legend: legend ? { title: 'batch size' } : null };
}

/**
 * True when a positive quantity spans enough orders of magnitude that a log axis reads better
 * (max / min above `ratio` over the positive finite values).
 */
export function spansDecades(values: readonly number[], ratio = 30): boolean {
  let lo = Infinity; let hi = 0;
  for (const v of values) if (v > 0 && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return hi > 0 && hi / lo > ratio;
}

/** Powers of ten from lo to hi, every k-th decade so that at most `max` remain (log-axis ticks). */
export function decadeTicks(lo: number, hi: number, max = 6): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return [];
  const a = Math.ceil(Math.log10(lo) - 1e-9); const b = Math.floor(Math.log10(hi) + 1e-9);
  const step = Math.max(1, Math.ceil((b - a + 1) / max));
  const out: number[] = [];
  for (let e = a; e <= b; e += step) out.push(Number(`1e${e}`));
  return out;
}

/** `count` values spread evenly (geometrically when `log`) from lo to hi, 2 significant digits. */
export function spreadTicks(lo: number, hi: number, count: number, log: boolean): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) || (log && lo <= 0)) return [];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const f = i / (count - 1);
    const v = log ? lo * (hi / lo) ** f : lo + (hi - lo) * f;
    out.push(Number(v.toPrecision(2)));
  }
  return [...new Set(out)];
}
