// Records -> flat chart rows: curves aggregated over seeds, per-batch-size spreads, tune cells.
import type { CompareResult, RunRecord, Spread, TuneResult } from '../experiments/records.js';
import { formatNumber } from './format.js';
import { batchKeys, type BatchKey } from './theme.js';

/** One comparable moment of one batch size, aggregated over the seeds that reached it. */
export interface CurveRow {
  batch: string;
  epoch: number;
  updates: number;
  examplesSeen: number;
  /** Mean over seeds of the training seconds so far. */
  trainSeconds: number;
  mean: number;
  min: number;
  max: number;
  /** Number of seeds with a point here. */
  n: number;
}

/** The runs drawn for one batch size: those at the summary's learning rate (all if none match). */
export function runsFor(compare: CompareResult, key: BatchKey): RunRecord[] {
  const same = compare.runs.filter((r) => r.batchSize === key.batchSize && r.requested === key.requested);
  const s = compare.summary.find((x) => x.batchSize === key.batchSize && x.requested === key.requested);
  const atLr = s ? same.filter((r) => r.learningRate === s.learningRate) : [];
  return atLr.length > 0 ? atLr : same;
}

/**
 * Curves of `quantity` per batch size: the points of all seeds are lined up by examplesSeen
 * (seeds of one batch size are evaluated at the same example counts) and reduced to the mean,
 * min and max; non-finite values are left out. Rows are in batch order, then examplesSeen.
 */
export function curveRows(compare: CompareResult, quantity: 'valLoss' | 'trainLoss'): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const key of batchKeys(compare)) {
    const byX = new Map<number, { epoch: number; updates: number; secs: number[]; ys: number[] }>();
    for (const run of runsFor(compare, key)) {
      for (const p of run.points) {
        const y = p[quantity];
        if (!Number.isFinite(y)) continue;
        let slot = byX.get(p.examplesSeen);
        if (!slot) { slot = { epoch: p.epoch, updates: p.updates, secs: [], ys: [] }; byX.set(p.examplesSeen, slot); }
        slot.secs.push(p.trainSeconds); slot.ys.push(y);
      }
    }
    for (const x of [...byX.keys()].sort((a, b) => a - b)) {
      const s = byX.get(x)!;
      rows.push({
        batch: key.label, epoch: s.epoch, updates: s.updates, examplesSeen: x, trainSeconds: mean(s.secs),
        mean: mean(s.ys), min: Math.min(...s.ys), max: Math.max(...s.ys), n: s.ys.length,
      });
    }
  }
  return rows;
}

/** One batch size's spread of a summary quantity, finite values only. */
export interface SpreadRow {
  batch: string;
  mean: number;
  min: number;
  max: number;
  /** Seeds with a finite value, and seeds in all. */
  finite: number;
  total: number;
}

/** Per batch size (in batch order) the spread picked by `pick`; rows without a spread are skipped. */
export function spreadRows(
  compare: CompareResult, pick: (s: CompareResult['summary'][number]) => Spread | undefined,
): SpreadRow[] {
  const rows: SpreadRow[] = [];
  for (const key of batchKeys(compare)) {
    const s = compare.summary.find((x) => x.batchSize === key.batchSize && x.requested === key.requested);
    const spread = s ? pick(s) : undefined;
    if (!spread) continue;
    const ok = spread.values.filter((v) => Number.isFinite(v));
    rows.push({
      batch: key.label, mean: ok.length ? mean(ok) : NaN,
      min: ok.length ? Math.min(...ok) : NaN, max: ok.length ? Math.max(...ok) : NaN,
      finite: ok.length, total: spread.values.length,
    });
  }
  return rows;
}

/** One cell of the tuning heat map. */
export interface HeatRow {
  batch: string;
  lr: string;
  loss: number | null;
  text: string;
  /** Text colour for contrast on the cell's fill. */
  ink: string;
  diverged: boolean;
  /** Stopped by successive halving before the highest rung (its loss is from a shorter run). */
  early: boolean;
  best: boolean;
}

/**
 * The tuning cells as heat-map rows, one per (batch size, learning rate), keeping the cell of
 * the highest rung when a cell was retrained; diverged or non-finite cells get loss null, and
 * cells stopped early by successive halving show their loss in parentheses.
 */
export function heatRows(tune: TuneResult): { rows: HeatRow[]; batches: string[]; lrs: string[] } {
  const best = new Map<string, TuneResult['cells'][number]>();
  for (const c of tune.cells) {
    const k = `${c.batchSize}|${c.learningRate}`;
    const prev = best.get(k);
    if (!prev || c.rung > prev.rung) best.set(k, c);
  }
  const cells = [...best.values()];
  const topRung = Math.max(0, ...cells.map((c) => c.rung));
  const losses = cells.filter((c) => !c.diverged && Number.isFinite(c.valLoss.mean)).map((c) => Math.log(c.valLoss.mean > 0 ? c.valLoss.mean : 1e-12));
  const lo = Math.min(...losses); const hi = Math.max(...losses);
  const rows = cells.map((c): HeatRow => {
    const bad = c.diverged || !Number.isFinite(c.valLoss.mean);
    const t = bad || hi === lo ? 0 : (Math.log(Math.max(c.valLoss.mean, 1e-12)) - lo) / (hi - lo);
    return {
      batch: String(c.batchSize), lr: formatNumber(c.learningRate), loss: bad ? null : c.valLoss.mean,
      text: bad ? '\u00d7' : c.rung < topRung ? `(${formatNumber(c.valLoss.mean, 2)})` : formatNumber(c.valLoss.mean, 2),
      ink: bad ? '#444' : t < 0.55 ? 'white' : 'black', diverged: bad, early: c.rung < topRung,
      best: c.batchSize === tune.best.batchSize && c.learningRate === tune.best.learningRate,
    };
  });
  const batches = uniqSorted(cells.map((c) => c.batchSize)).map(String);
  const lrs = uniqSorted(cells.map((c) => c.learningRate)).map((v) => formatNumber(v));
  return { rows, batches, lrs };
}

function uniqSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Arithmetic mean (NaN for none). */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}
