// The train options of issue 19's library features (--metrics, --class-weight, --clip-norm, --clip-value): parsed and checked here, passed on under fit's names.
import { UsageError } from './run-command.js';
import { parseNumberArg } from './numbers.js';
import type { FitOptions } from '../train/fit-options.js';

/**
 * Metric names of fit's `metrics` option (train/metrics.ts METRIC_KEYS on the library side):
 * the first nine are for class targets, the last three for regression.
 */
export const METRIC_NAMES = [
  'accuracy', 'precision', 'recall', 'f1', 'precisionWeighted', 'recallWeighted', 'f1Weighted', 'auc', 'logLoss',
  'mse', 'mae', 'r2',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The raw option values. */
export interface FitExtraArgs { metrics?: string; classWeight?: string; clipNorm?: string; clipValue?: string }

/** What the options add to fit's options (library names). */
export interface FitExtras {
  metrics?: MetricName[];
  classWeight?: 'balanced' | Record<number, number>;
  clipNorm?: number;
  clipValue?: number;
}

/** Declares the options on `train`. */
export function addFitExtraOptions<T extends { option(flags: string, desc: string, def?: string): T }>(c: T): T {
  return c
    .option('--metrics <list>', `comma-separated metrics to track: ${METRIC_NAMES.join(', ')} (default: accuracy for classes, mse,mae for regression)`)
    .option('--class-weight <weights>', "weight of each class in the loss: balanced (n / (classes x count), as scikit-learn) or class:weight pairs such as 0:1,1:3 (default: every class 1)")
    .option('--clip-norm <value>', 'rescale each gradient to at most this L2 norm, > 0 (default: no clipping)')
    .option('--clip-value <value>', 'clip each gradient entry to [-value, value], > 0 (default: no clipping)');
}

/** Parses and checks the options; `classes` is the number of classes (0 for regression). */
export function parseFitExtras(a: FitExtraArgs, classes: number): FitExtras {
  const out: FitExtras = {};
  if (a.metrics !== undefined) out.metrics = parseMetrics(a.metrics, classes);
  if (a.classWeight !== undefined) out.classWeight = parseClassWeight(a.classWeight, classes);
  if (a.clipNorm !== undefined) out.clipNorm = parseNumberArg('--clip-norm', a.clipNorm, 0, Infinity, false);
  if (a.clipValue !== undefined) out.clipValue = parseNumberArg('--clip-value', a.clipValue, 0, Infinity, false);
  return out;
}

/** --metrics a,b,c: known names, applicable to the target (class or regression), no repeats. */
export function parseMetrics(s: string, classes: number): MetricName[] {
  const names = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (names.length === 0) throw new UsageError(`--metrics needs at least one of ${METRIC_NAMES.join(', ')}; got '${s}'`);
  const forClasses = METRIC_NAMES.slice(0, 9) as readonly string[];
  const out: MetricName[] = [];
  for (const n of names) {
    if (!(METRIC_NAMES as readonly string[]).includes(n)) throw new UsageError(`--metrics: '${n}' is not a metric; use any of ${METRIC_NAMES.join(', ')}`);
    const isClass = forClasses.includes(n);
    if (isClass && classes === 0) throw new UsageError(`--metrics: '${n}' needs a class target, but this target is numeric (regression); use mse, mae or r2`);
    if (!isClass && classes > 0) throw new UsageError(`--metrics: '${n}' is a regression metric, but this target has ${classes} classes; use any of ${forClasses.join(', ')}`);
    if (n === 'auc' && classes > 2) throw new UsageError(`--metrics: 'auc' is the binary ROC AUC, but this target has ${classes} classes; use f1 or f1Weighted`);
    if (!out.includes(n as MetricName)) out.push(n as MetricName);
  }
  return out;
}

/** --class-weight balanced | 0:1,1:3 (class index : weight > 0, each class at most once). */
export function parseClassWeight(s: string, classes: number): 'balanced' | Record<number, number> {
  if (classes === 0) throw new UsageError('--class-weight applies only to class targets; this target is numeric (regression), so drop --class-weight');
  if (s === 'balanced') return 'balanced';
  const out: Record<number, number> = {};
  for (const part of s.split(',')) {
    const m = /^\s*(\d+)\s*:\s*([^\s:]+)\s*$/.exec(part);
    const w = m ? Number(m[2]) : NaN;
    const c = m ? Number(m[1]) : NaN;
    if (!m || !Number.isFinite(w) || w <= 0 || c >= classes || c in out) {
      throw new UsageError(`--class-weight must be 'balanced' or class:weight pairs with classes 0 to ${classes - 1} (each once) and weights > 0, such as 0:1,1:3; got '${s}'`);
    }
    out[c] = w;
  }
  return out;
}

/** The options fit receives from the extras. */
export function fitOptionsOf(x: FitExtras): Pick<FitOptions, 'metrics' | 'classWeight' | 'clipNorm' | 'clipValue'> {
  const o: Pick<FitOptions, 'metrics' | 'classWeight' | 'clipNorm' | 'clipValue'> = {};
  if (x.metrics) o.metrics = x.metrics;
  if (x.classWeight !== undefined) o.classWeight = x.classWeight;
  if (x.clipNorm !== undefined) o.clipNorm = x.clipNorm;
  if (x.clipValue !== undefined) o.clipValue = x.clipValue;
  return o;
}
