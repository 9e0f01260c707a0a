// Vega-Lite specs of per-batch-size summaries: final metric, seconds to target, distance to full batch.
import type { TopLevelSpec } from 'vega-lite';
import type { CompareResult } from '../experiments/records.js';
import { spreadRows, type SpreadRow } from './chart-data.js';
import { batchColor, batchKeys, CHART_HEIGHT, CHART_WIDTH, spansDecades, VL_CONFIG } from './theme.js';

/**
 * The final validation metric (accuracy or mse) of each batch size at its chosen learning rate:
 * a dot at the mean over seeds and a bar from the worst to the best seed.
 */
export function finalMetricSpec(compare: CompareResult): TopLevelSpec {
  const rows = spreadRows(compare, (s) => s.finalValMetric);
  return spreadSpec(compare, rows, {
    yTitle: `final validation ${compare.metric}`, logY: false,
    description: `final validation ${compare.metric} by batch size`,
  });
}

/**
 * Seconds until the validation loss first reached the study's target loss, per batch size:
 * the priced time (updates x profiled seconds per update) when the comparison has it, else the
 * measured training seconds; mean over the seeds that reached it, a bar over their range, and
 * "not reached" for batch sizes where no seed did. Log y when the times span more than 1.5 decades.
 */
export function secondsToTargetSpec(compare: CompareResult): TopLevelSpec {
  const priced = compare.summary.some((s) => s.pricedSecondsToTarget);
  const rows = spreadRows(compare, (s) => (priced ? s.pricedSecondsToTarget ?? s.secondsToTarget : s.secondsToTarget));
  const logY = spansDecades(rows.flatMap((r) => [r.min, r.max]));
  return spreadSpec(compare, rows, {
    yTitle: (priced ? 'priced seconds to target' : 'seconds to target') + (logY ? ' (log)' : ''), logY, markMissing: 'not reached',
    description: 'training seconds to reach the target validation loss by batch size',
  });
}

/**
 * Convex models: the relative distance of each batch size's final weights from the training-loss
 * optimum w* (||w - w*|| / ||w*||) when it was computed, else from those of full-batch training.
 * Undefined when no summary carries a distance.
 */
export function distanceSpec(compare: CompareResult): TopLevelSpec | undefined {
  const toOptimum = compare.summary.some((s) => s.distanceToOptimum);
  const rows = spreadRows(compare, (s) => (toOptimum ? s.distanceToOptimum : s.distanceToFullBatch));
  if (rows.length === 0) return undefined;
  return spreadSpec(compare, rows, {
    yTitle: toOptimum ? 'distance from the optimum' : 'distance from full batch', logY: false,
    description: `relative distance of the final weights from the ${toOptimum ? 'training-loss optimum' : 'full-batch weights'} by batch size`,
  });
}

interface SpreadOptions { yTitle: string; logY: boolean; description: string; markMissing?: string }

function spreadSpec(compare: CompareResult, rows: SpreadRow[], o: SpreadOptions): TopLevelSpec {
  const keys = batchKeys(compare);
  const present = rows.filter((r) => r.finite > 0);
  const missing = rows.filter((r) => r.finite === 0);
  const x = {
    field: 'batch', type: 'nominal' as const, title: 'batch size',
    scale: { domain: keys.map((k) => k.label), paddingInner: 0.3 },
    axis: { labelAngle: 0, labelOverlap: false, labelExpr: "split(datum.label, ' ')" },
  };
  const y = { type: 'quantitative' as const, title: o.yTitle, scale: o.logY ? { type: 'log' as const } : { zero: false } };
  const top = Math.max(...present.map((r) => r.max));
  const partial = present.filter((r) => r.finite < r.total).map((r) => ({ ...r, note: `${r.finite} of ${r.total} seeds` }));
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      data: { values: present },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' }, color: batchColor(keys, false) },
    },
    {
      data: { values: present },
      mark: { type: 'point', filled: true, size: 90, opacity: 1 },
      encoding: { x, y: { ...y, field: 'mean' }, color: batchColor(keys, false) },
    },
  ];
  if (partial.length > 0) {
    layers.push({
      data: { values: partial },
      mark: { type: 'text', dy: -14, fontSize: 11, color: '#555' },
      encoding: { x, y: { ...y, field: 'max' }, text: { field: 'note' } },
    });
  }
  if (o.markMissing && missing.length > 0 && Number.isFinite(top)) {
    layers.push({
      data: { values: missing.map((r) => ({ batch: r.batch, at: top, note: o.markMissing })) },
      mark: { type: 'text', fontSize: 11, color: '#555', angle: 0, baseline: 'top' },
      encoding: { x, y: { ...y, field: 'at' }, text: { field: 'note' } },
    });
  }
  return {
    description: o.description, width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG, layer: layers,
  };
}
