// Vega-Lite specs of the batch-size scaling curves: updates to target by batch size, and the examples-updates trade-off.
import type { TopLevelSpec } from 'vega-lite';
import { criticalBatch, criticalPoints, fitCriticalBatch, type CriticalBatchResult } from '../experiments/analysis/critical-batch.js';
import type { CompareResult } from '../experiments/records.js';
import { formatNumber } from './format.js';
import { CHART_HEIGHT, CHART_WIDTH, VL_CONFIG } from './theme.js';

const BLUE = '#0072B2'; const ORANGE = '#E69F00'; const GREY = '#888'; const GREEN = '#009E73';
type Layers = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>;

const pos = (v: number): boolean => Number.isFinite(v) && v > 0;

/** The critical-batch fit of a comparison at its target (no fit without a finite target). */
export function scalingFit(compare: CompareResult): CriticalBatchResult {
  return Number.isFinite(compare.targetLoss) ? criticalBatch(compare) : fitCriticalBatch([], NaN);
}

/** Batch sizes spread evenly in log from lo to hi (n points), for drawing fitted curves. */
function logSpan(lo: number, hi: number, n = 40): number[] {
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

/** Per seed that reached the target: its batch size, updates and examples to it (exact counts). */
function seedDots(compare: CompareResult): Array<{ batchSize: number; steps: number; examples: number }> {
  return compare.summary.flatMap((s) => s.updatesToTarget.values.map((u, i) => ({ batchSize: s.batchSize, steps: u, examples: s.examplesToTarget.values[i] ?? NaN })))
    .filter((d) => pos(d.steps) && pos(d.examples));
}

/**
 * Updates to the target against batch size, log-log (Shallue et al. 2018, figure 1): grey dots
 * per seed, blue dots the mean over the seeds that reached it, the dashed perfect-scaling line
 * S = S(B_0) B_0 / B through the smallest batch size that reached it (doubling the batch halves
 * the updates), and the orange fit S = S_min (1 + B_crit / B) of McCandlish et al. (2018), which
 * bends from perfect scaling to the floor S_min around B_crit. Undefined when no batch size reached the target.
 */
export function updatesToTargetSpec(compare: CompareResult, fit: CriticalBatchResult = scalingFit(compare)): TopLevelSpec | undefined {
  const pts = criticalPoints(compare, compare.targetLoss).filter((p) => p.reached > 0 && pos(p.steps));
  if (pts.length === 0 || !Number.isFinite(compare.targetLoss)) return undefined;
  const b0 = pts[0]!; const reached = pts.map((p) => p.batchSize);
  const span = logSpan(Math.min(...reached) / 2, Math.max(...reached) * 2);
  const perfect = span.map((b) => ({ batchSize: b, steps: b0.steps * b0.batchSize / b }));
  const fitted = pos(fit.sMin) && Number.isFinite(fit.bCrit) ? span.map((b) => ({ batchSize: b, steps: fit.sMin * (1 + fit.bCrit / b) })) : [];
  const x = { field: 'batchSize', type: 'quantitative' as const, title: 'batch size (log scale)', scale: { type: 'log' as const, nice: false }, axis: { format: '~s' } };
  const y = { field: 'steps', type: 'quantitative' as const, title: 'updates to target (log)', scale: { type: 'log' as const }, axis: { format: '~s' } };
  const label = (rows: Array<{ batchSize: number; steps: number }>, text: string, color: string, dy: number): Layers[number] => ({
    data: { values: [{ ...rows[rows.length - 1]!, text }] }, mark: { type: 'text', align: 'right', dy, color }, encoding: { x, y, text: { field: 'text' } },
  });
  const layers: Layers = [
    { data: { values: perfect }, mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 4], color: GREY }, encoding: { x, y } },
    label(perfect, 'perfect scaling', '#555', 14),
    { data: { values: seedDots(compare) }, mark: { type: 'point', filled: true, size: 30, color: GREY, opacity: 0.6 }, encoding: { x, y } },
    { data: { values: pts.map((p) => ({ batchSize: p.batchSize, steps: p.steps })) }, mark: { type: 'point', filled: true, size: 90, color: BLUE }, encoding: { x, y } },
  ];
  if (fitted.length) layers.splice(2, 0, { data: { values: fitted }, mark: { type: 'line', strokeWidth: 2, color: ORANGE }, encoding: { x, y } }, label(fitted, `S_min (1 + ${formatNumber(fit.bCrit)}/B)`, '#8a5a00', -8));
  return { description: 'updates to the target loss against batch size with perfect scaling and the fitted S_min (1 + B_crit/B)', width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG, layer: layers };
}

/**
 * Examples to the target against updates to the target, log-log (the E-S trade-off of McCandlish
 * et al. 2018, figure 4): one blue dot per batch size (mean over the seeds that reached it,
 * labelled), the fitted hyperbola (S/S_min - 1)(E/E_min - 1) = 1 traced as S = S_min (1 + B_crit/B),
 * E = E_min (1 + B/B_crit), and B_crit marked where S = 2 S_min and E = 2 E_min: below it more
 * examples buy few updates back, above it each halving of updates doubles the examples.
 */
export function tradeoffSpec(compare: CompareResult, fit: CriticalBatchResult = scalingFit(compare)): TopLevelSpec | undefined {
  const pts = criticalPoints(compare, compare.targetLoss).filter((p) => p.reached > 0 && pos(p.steps) && pos(p.examples));
  if (pts.length === 0 || !Number.isFinite(compare.targetLoss)) return undefined;
  const x = { field: 'steps', type: 'quantitative' as const, title: 'updates to target S (log)', scale: { type: 'log' as const }, axis: { format: '~s' } };
  const y = { field: 'examples', type: 'quantitative' as const, title: 'examples to target E (log)', scale: { type: 'log' as const }, axis: { format: '~s' } };
  const dots = pts.map((p) => ({ steps: p.steps, examples: p.examples, label: `B=${p.batchSize}` }));
  const layers: Layers = [
    { data: { values: dots }, mark: { type: 'point', filled: true, size: 90, color: BLUE }, encoding: { x, y } },
    { data: { values: dots }, mark: { type: 'text', align: 'left', dx: 6, dy: -6, color: BLUE }, encoding: { x, y, text: { field: 'label' } } },
  ];
  if (pos(fit.sMin) && pos(fit.eMin) && pos(fit.bCrit)) {
    const sizes = pts.map((p) => p.batchSize);
    const curve = logSpan(Math.min(...sizes, fit.bCrit) / 2, Math.max(...sizes, fit.bCrit) * 2).map((b) => ({ steps: fit.sMin * (1 + fit.bCrit / b), examples: fit.eMin * (1 + b / fit.bCrit), b }));
    const mark = [{ steps: 2 * fit.sMin, examples: 2 * fit.eMin, label: `B_crit ${formatNumber(fit.bCrit)}` }];
    layers.unshift({ data: { values: curve }, mark: { type: 'line', strokeWidth: 2, color: ORANGE }, encoding: { x, y, order: { field: 'b', type: 'quantitative' } } });
    layers.push(
      { data: { values: mark }, mark: { type: 'point', shape: 'diamond', filled: true, size: 160, color: GREEN }, encoding: { x, y } },
      { data: { values: mark }, mark: { type: 'text', align: 'right', dx: -8, dy: 10, color: GREEN }, encoding: { x, y, text: { field: 'label' } } },
    );
  }
  return { description: 'examples against updates to the target: the E-S trade-off with the critical batch size', width: CHART_WIDTH, height: CHART_HEIGHT, config: VL_CONFIG, layer: layers };
}
