// What a sweep ranks by: the validation loss (default) or a validation metric, with its direction.
import { higherIsBetter } from '../../train/metrics.js';
import type { MetricName, Point } from '../records.js';

/**
 * The quantity runs are ranked and timed by: `name` 'loss' reads a point's validation loss (lower
 * is better); a metric name reads its valMetric (the sweep then records that metric there), in
 * the metric's direction (higher for accuracy, F1, AUC, R^2...; lower for mse, mae, log loss).
 */
export interface Objective {
  readonly name: 'loss' | MetricName;
  readonly higher: boolean;
  value(p: Point): number;
}

/** The default: the validation loss, lower is better. */
export const LOSS_OBJECTIVE: Objective = { name: 'loss', higher: false, value: (p) => p.valLoss };

/** The objective ranking by `metric` (undefined or 'loss': the validation loss). */
export function objectiveOf(metric: 'loss' | MetricName | undefined): Objective {
  if (metric === undefined || metric === 'loss') return LOSS_OBJECTIVE;
  return { name: metric, higher: higherIsBetter(metric), value: (p) => p.valMetric };
}

/** True when `v` is at or beyond `target` in the objective's better direction. */
export function meets(o: Objective, v: number, target: number): boolean {
  return o.higher ? v >= target : v <= target;
}

/** The objective's value as a score where lower is better (NaN stays NaN). */
export function lowerIsBetter(o: Objective, v: number): number { return o.higher ? -v : v; }

/** "validation loss" or "validation accuracy", for sentences. */
export function objectiveLabel(o: Objective): string { return `validation ${o.name}`; }
