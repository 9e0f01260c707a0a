// Vega-Lite specs of loss curves: one line per batch size, a band over seeds, any x axis.
import type { TopLevelSpec } from 'vega-lite';
import type { CompareResult } from '../experiments/records.js';
import { curveRows, type CurveRow } from './chart-data.js';
import { batchColor, batchKeys, CHART_HEIGHT, CHART_WIDTH, spansDecades, VL_CONFIG } from './theme.js';

/** The x axes a loss curve can be drawn against (all fields of Point). */
export type CurveAxis = 'epoch' | 'examplesSeen' | 'updates' | 'trainSeconds';

const AXIS_TITLES: Record<CurveAxis, string> = {
  epoch: 'epochs (passes over the training data)',
  examplesSeen: 'training examples seen',
  updates: 'parameter updates',
  trainSeconds: 'training seconds',
};

/** d3 formats of the x axis labels: thousands separators for counts, short forms for the rest. */
const X_FORMATS: Record<CurveAxis, string> = { epoch: '~g', examplesSeen: ',d', updates: '~s', trainSeconds: '~g' };

/**
 * Loss against `axis`, one line per batch size at the mean over seeds, with a band from the
 * lowest to the highest seed at each comparable point (points are aligned across seeds by
 * examplesSeen). Updates and seconds, which differ by orders of magnitude between batch sizes,
 * get a logarithmic x axis when they span more than 1.5 decades (the starting point at x = 0 is
 * then left out); epochs and examples seen stay linear. The y axis turns logarithmic when the
 * loss spans more than 1.5 decades.
 */
export function lossCurveSpec(compare: CompareResult, quantity: 'valLoss' | 'trainLoss', axis: CurveAxis): TopLevelSpec {
  const rows = curveRows(compare, quantity);
  const logX = (axis === 'updates' || axis === 'trainSeconds') && spansDecades(rows.map((r) => r[axis]));
  const logY = spansDecades(rows.flatMap((r) => [r.min, r.max]));
  const shown = logX ? rows.filter((r) => r[axis] > 0) : rows;
  const which = quantity === 'valLoss' ? 'validation loss' : 'training loss';
  return curveLayers(shown, compare, axis, {
    xTitle: AXIS_TITLES[axis] + (logX ? ' (log scale)' : ''),
    yTitle: which + (logY ? ' (log)' : ''),
    logX, logY, description: `${which} against ${AXIS_TITLES[axis]}, one line per batch size`,
    yDomain: clippedDomain(shown, compare),
  });
}

/**
 * A y range that keeps the lines of the smaller batch sizes readable: from the lowest value to
 * the highest of every other batch size after its first evaluation, when the largest batch size
 * (full batch, which learns slowest per epoch) rises above that; its line is then clipped at the
 * top. Undefined (the data's own range) when nothing would be clipped or one batch size is drawn.
 */
export function clippedDomain(rows: readonly CurveRow[], compare: CompareResult): [number, number] | undefined {
  const keys = batchKeys(compare);
  const largest = keys[keys.length - 1];
  if (!largest || keys.length < 2) return undefined;
  const others = rows.filter((r) => r.batch !== largest.label && r.examplesSeen > 0);
  if (others.length === 0) return undefined;
  const top = Math.max(...others.map((r) => r.max));
  const all = rows.filter((r) => r.examplesSeen > 0 || r.batch !== largest.label);
  if (!rows.some((r) => r.batch === largest.label && r.examplesSeen > 0 && r.max > top)) return undefined;
  const bottom = Math.min(...all.map((r) => r.min));
  return bottom < top ? [bottom, top] : undefined;
}

interface CurveOptions { xTitle: string; yTitle: string; logX: boolean; logY: boolean; description: string; yDomain?: [number, number] | undefined }

function curveLayers(rows: CurveRow[], compare: CompareResult, axis: CurveAxis, o: CurveOptions): TopLevelSpec {
  const keys = batchKeys(compare);
  const x = {
    field: axis, type: 'quantitative' as const, title: o.xTitle,
    scale: o.logX ? { type: 'log' as const, nice: false } : { zero: true, nice: true },
    axis: { format: X_FORMATS[axis], tickCount: 6 },
  };
  const yScale = { ...(o.logY ? { type: 'log' as const } : { zero: false }), ...(o.yDomain ? { domain: o.yDomain, nice: false } : {}) };
  const clip = o.yDomain !== undefined; // lines above the range are cut at the top edge
  return {
    description: o.description,
    width: CHART_WIDTH, height: CHART_HEIGHT,
    config: VL_CONFIG,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'area', opacity: 0.16, interpolate: 'linear', clip },
        encoding: {
          x, y: { field: 'min', type: 'quantitative', scale: yScale, stack: null, title: o.yTitle },
          y2: { field: 'max' }, color: batchColor(keys),
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2, interpolate: 'linear', clip },
        encoding: {
          x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: o.yTitle },
          color: batchColor(keys),
        },
      },
    ],
  };
}
