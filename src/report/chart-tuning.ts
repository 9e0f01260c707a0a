// Vega-Lite specs of learning-rate evidence: the tuning heat map, best lr by batch size, lr range test.
import type { TopLevelSpec } from 'vega-lite';
import type { LrRangeResult, TuneResult } from '../experiments/records.js';
import { heatRows } from './chart-data.js';
import { formatNumber } from './format.js';
import { CHART_HEIGHT, CHART_WIDTH, decadeTicks, spansDecades, spreadTicks, VL_CONFIG } from './theme.js';

/**
 * Heat map of batch size x learning rate coloured by the final validation loss of each tuning
 * cell (mean over seeds; log colour scale when the losses span a factor over 3). Diverged cells
 * are grey with a cross; cells stopped early by successive halving show their loss in
 * parentheses. The `marked` setting (the study's recommendation) is outlined when it is a cell
 * of the grid, else the best cell.
 */
export function tuneHeatmapSpec(tune: TuneResult, marked?: { batchSize: number; learningRate: number }): TopLevelSpec {
  const { rows, batches, lrs } = heatRows(tune);
  const isMarked = markedCell(rows, marked);
  const losses = rows.flatMap((r) => (r.loss === null ? [] : [r.loss]));
  const logC = spansDecades(losses, 3);
  const legendValues = spreadTicks(Math.min(...losses), Math.max(...losses), 4, logC);
  const x = {
    field: 'lr', type: 'ordinal' as const, title: 'learning rate', scale: { domain: lrs },
    axis: { labelAngle: lrs.length > 5 ? -40 : 0, labelOverlap: false },
  };
  const y = { field: 'batch', type: 'ordinal' as const, title: 'batch size', scale: { domain: [...batches].reverse() } };
  const cellH = Math.min(40, Math.max(22, Math.floor(CHART_HEIGHT / Math.max(1, batches.length))));
  return {
    description: 'final validation loss for each batch size and learning rate tried',
    width: CHART_WIDTH, height: cellH * batches.length, config: VL_CONFIG,
    layer: [
      {
        data: { values: rows.filter((r) => !r.diverged) },
        mark: { type: 'rect' },
        encoding: {
          x, y,
          color: {
            field: 'loss', type: 'quantitative', title: 'validation loss',
            scale: { scheme: 'viridis', type: logC ? 'log' : 'linear' },
            legend: { orient: 'bottom', direction: 'horizontal', gradientLength: 220, format: '.2~g', ...(legendValues.length ? { values: legendValues } : {}) },
          },
        },
      },
      { data: { values: rows.filter((r) => r.diverged) }, mark: { type: 'rect', color: '#d9d9d9' }, encoding: { x, y } },
      {
        data: { values: rows.filter(isMarked) },
        mark: { type: 'rect', fill: null, stroke: '#d00', strokeWidth: 3 },
        encoding: { x, y },
      },
      ...['white', 'black', '#444'].map((ink) => ({
        data: { values: rows.filter((r) => r.ink === ink) },
        mark: { type: 'text' as const, fontSize: lrs.length > 7 ? 9 : 11, color: ink },
        encoding: { x, y, text: { field: 'text' } },
      })),
    ],
  };
}

/** Which heat-map row to outline: the `marked` setting's cell when the grid has it, else the best cell. */
export function markedCell<R extends { batch: string; lr: string; best: boolean }>(rows: readonly R[], marked?: { batchSize: number; learningRate: number }): (r: R) => boolean {
  const hit = marked && rows.some((r) => r.batch === String(marked.batchSize) && r.lr === formatNumber(marked.learningRate));
  return hit ? (r) => r.batch === String(marked.batchSize) && r.lr === formatNumber(marked.learningRate) : (r) => r.best;
}

/**
 * The best learning rate found for each batch size on log-log axes, with the fitted power law
 * lr = e^a * batchSize^k (k and a from the tuning's scaling fit; a by least squares in log
 * space when the fit has no intercept).
 * Undefined with fewer than two batch sizes.
 */
export function bestLrSpec(tune: TuneResult): TopLevelSpec | undefined {
  const pts = tune.bestPerBatchSize.filter((p) => p.batchSize > 0 && p.learningRate > 0);
  if (pts.length < 2) return undefined;
  const k = tune.scaling.exponent;
  const a = tune.scaling.intercept;
  const logC = a !== undefined && Number.isFinite(a) ? a : pts.reduce((s, p) => s + Math.log(p.learningRate) - k * Math.log(p.batchSize), 0) / pts.length;
  const bs = pts.map((p) => p.batchSize);
  const lo = Math.min(...bs); const hi = Math.max(...bs);
  const fit = Number.isFinite(k)
    ? [lo, hi].map((b) => ({ batchSize: b, learningRate: Math.exp(logC + k * Math.log(b)) }))
    : [];
  const lrs = [...new Set([...(tune.learningRates ?? []), ...pts.map((p) => p.learningRate)])].sort((p, q) => p - q);
  const x = {
    field: 'batchSize', type: 'quantitative' as const, title: 'batch size (log scale)',
    scale: { type: 'log' as const, nice: false, padding: 12 }, axis: { format: '~s', values: [...new Set(bs)].sort((p, q) => p - q) },
  };
  const y = {
    field: 'learningRate', type: 'quantitative' as const, title: 'best learning rate (log)',
    scale: { type: 'log' as const, nice: false, padding: 12 }, axis: { format: '.2~g', values: lrs },
  };
  return {
    description: 'best learning rate by batch size with the fitted scaling rule',
    width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG,
    layer: [
      { data: { values: fit }, mark: { type: 'line', strokeDash: [6, 4], color: '#888' }, encoding: { x, y } },
      { data: { values: pts }, mark: { type: 'point', filled: true, size: 90, color: '#0072B2' }, encoding: { x, y } },
      {
        data: { values: fit.slice(1).map((p) => ({ ...p, note: `slope ${formatNumber(k, 2)}` })) },
        mark: { type: 'text', align: 'right', dx: -4, dy: -10, color: '#555' },
        encoding: { x, y, text: { field: 'note' } },
      },
    ],
  };
}

/**
 * The learning-rate range test: smoothed training loss against a learning rate that grows
 * geometrically, one line per seed (log x), the y axis cut at 1.5x the largest starting loss
 * so the blow-up at the end does not flatten the curve, and the suggested rate marked.
 */
export function lrRangeSpec(range: LrRangeResult): TopLevelSpec {
  const rows = range.curves.flatMap((c) =>
    c.learningRates.map((lr, i) => ({ seed: `seed ${c.seed}`, lr, loss: c.losses[i] ?? NaN }))
      .filter((r) => r.lr > 0 && Number.isFinite(r.loss)));
  const lrs = rows.map((r) => r.lr);
  const firsts = range.curves.map((c) => c.losses.find((v) => Number.isFinite(v)) ?? NaN).filter(Number.isFinite);
  const lows = rows.map((r) => r.loss);
  const yMin = Math.min(...lows); const yMax = Math.max(...firsts) * 1.5;
  const domain = Number.isFinite(yMin) && Number.isFinite(yMax) && yMax > yMin ? [yMin - 0.05 * (yMax - yMin), yMax] : undefined;
  const x = {
    field: 'lr', type: 'quantitative' as const, title: 'learning rate (log scale)', scale: { type: 'log' as const },
    axis: { labelExpr: "datum.value < 0.001 ? format(datum.value, '.1~e') : format(datum.value, '.2~g')", values: decadeTicks(Math.min(...lrs), Math.max(...lrs), 5) },
  };
  const mark = [{ lr: range.suggested, note: `suggested ${formatNumber(range.suggested)}` }].filter((m) => m.lr > 0);
  return {
    description: `learning rate range test at batch size ${range.batchSize}`,
    width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        encoding: {
          x, y: { field: 'loss', type: 'quantitative', title: 'smoothed training loss', scale: domain ? { domain } : { zero: false } },
          color: { field: 'seed', type: 'nominal', title: null, scale: { range: ['#0072B2', '#56B4E9', '#009E73', '#CC79A7', '#E69F00'] } },
        },
      },
      { data: { values: mark }, mark: { type: 'rule', color: '#D55E00', strokeDash: [5, 3], strokeWidth: 2 }, encoding: { x } },
      {
        data: { values: mark },
        mark: { type: 'text', color: '#D55E00', align: 'right', dx: -5, y: 6, baseline: 'top', fontWeight: 'bold' },
        encoding: { x, text: { field: 'note' } },
      },
    ],
  };
}
