// The target validation loss every batch size is timed to: near the best final loss, never met untrained.
import type { Point, RunRecord, TargetChoice } from '../records.js';
import { meets, type Objective } from './objective.js';

export type { TargetChoice } from '../records.js';

/** Default margin of the target over the best final validation loss: 2 %. */
export const TARGET_MARGIN = 0.02;


/** The point at the end of a run, undefined for a diverged run or one without points. */
export function finalPoint(r: RunRecord): Point | undefined {
  return r.diverged ? undefined : r.points[r.points.length - 1];
}

/**
 * The target loss of a comparison. Rule: target = (1 + margin) x L_best, margin 2 %, with L_best
 * the best setting's final validation loss: the lowest over settings (batch size and learning
 * rate) of the mean over that setting's finished seeds of the final validation loss. "As good as
 * the best setting, to within 2 %". The mean over seeds, not the single best run: the minimum of
 * all runs is an extreme of the seed-to-seed noise, which even the best setting's typical seed
 * would miss, so the target would rank luck rather than speed. A run reaches it at its first evaluation point
 * after at least one update whose validation loss is <= target; the point at 0 updates never
 * counts. If an untrained model (any seed's point at 0 updates) is already at or below that
 * target, the target would measure nothing, so the stricter L_best itself is used; if even that
 * is met untrained, no target is meaningful (loss NaN, kind 'none': training did not improve on
 * the initial weights). A `given` target is kept, flagged meaningless when met untrained.
 */
export function chooseTarget(runs: readonly RunRecord[], given?: number, margin = TARGET_MARGIN, objective?: Objective): TargetChoice {
  if (objective && objective.name !== 'loss') return chooseMetricTarget(runs, objective, given, margin);
  const finals = runs.map(finalPoint).filter((p): p is Point => p !== undefined).map((p) => p.valLoss).filter(Number.isFinite);
  const settings = new Map<string, number[]>();
  for (const r of runs) {
    const v = finalPoint(r)?.valLoss;
    if (v === undefined || !Number.isFinite(v)) continue;
    const key = `${r.batchSize}/${r.learningRate}`;
    settings.set(key, [...(settings.get(key) ?? []), v]);
  }
  const means = [...settings.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const starts = runs.map((r) => r.points[0]).filter((p): p is Point => p !== undefined && p.updates === 0).map((p) => p.valLoss).filter(Number.isFinite);
  const bestFinal = means.length ? Math.min(...means) : NaN;
  const untrained = starts.length ? Math.min(...starts) : NaN;
  const metBy = (t: number): boolean => Number.isFinite(untrained) && untrained <= t;
  const f = (v: number): string => String(Number(v.toPrecision(4)));
  const base = { bestFinal, untrained };
  if (given !== undefined) {
    const ok = !metBy(given);
    return { ...base, loss: given, kind: 'given', margin: NaN, meaningful: ok, rule: `target validation loss ${f(given)}, as given${ok ? '' : `; the untrained model already has ${f(untrained)}, so the target is meaningless: give a lower one`}` };
  }
  if (!Number.isFinite(bestFinal)) {
    return { ...base, loss: NaN, kind: 'none', margin, meaningful: false, rule: 'no run finished, so there is no target' };
  }
  const near = bestFinal * (1 + margin);
  const what = `the best setting's final validation loss (mean over its seeds; lowest of ${means.length} settings, ${finals.length} finished runs) is ${f(bestFinal)}`;
  const count = 'a run reaches the target at its first evaluation after at least one update with validation loss at or below it (no interpolation)';
  if (!metBy(near)) {
    return { ...base, loss: near, kind: 'near-best-final', margin, meaningful: true, rule: `target = ${f(near)}, within ${100 * margin} % of the best: ${what}; ${count}` };
  }
  if (!metBy(bestFinal)) {
    return { ...base, loss: bestFinal, kind: 'best-final', margin: 0, meaningful: true, rule: `target = ${f(bestFinal)}, the best final loss itself: ${what}, and the untrained model's ${f(untrained)} already meets ${100 * margin} % above it, so the stricter target is used; ${count}` };
  }
  return { ...base, loss: NaN, kind: 'none', margin, meaningful: false, rule: `no meaningful target: the untrained model's validation loss ${f(untrained)} is already at or below the best final loss ${f(bestFinal)}, so training did not improve on the initial weights; train longer or with a larger learning rate` };
}

/**
 * chooseTarget's rule for a validation metric `o` (the sweep's `metric`), in its direction: with
 * M_best the best setting's mean final value (highest for accuracy, F1, AUC, R^2...; lowest for
 * mse, mae, log loss), target = M_best -/+ margin x |M_best| ("as good as the best setting, to
 * within 2 %"); a run reaches it at its first point after an update whose value is at or beyond
 * it. The same fallbacks: M_best itself when the untrained model already meets the target, none
 * when it meets even that.
 */
export function chooseMetricTarget(runs: readonly RunRecord[], o: Objective, given?: number, margin = TARGET_MARGIN): TargetChoice {
  const better = (a: number, b: number): number => (o.higher ? Math.max(a, b) : Math.min(a, b));
  const settings = new Map<string, number[]>();
  let finished = 0;
  for (const r of runs) {
    const p = finalPoint(r); const v = p ? o.value(p) : NaN;
    if (!Number.isFinite(v)) continue;
    finished++;
    const key = `${r.batchSize}/${r.learningRate}`;
    settings.set(key, [...(settings.get(key) ?? []), v]);
  }
  const means = [...settings.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const starts = runs.map((r) => r.points[0]).filter((p): p is Point => p !== undefined && p.updates === 0).map((p) => o.value(p)).filter(Number.isFinite);
  const bestFinal = means.length ? means.reduce(better) : NaN;
  const untrained = starts.length ? starts.reduce(better) : NaN;
  const metBy = (t: number): boolean => Number.isFinite(untrained) && meets(o, untrained, t);
  const f = (v: number): string => String(Number(v.toPrecision(4)));
  const name = `validation ${o.name}`; const dir = o.higher ? 'at or above' : 'at or below';
  const base = { bestFinal, untrained, metric: o.name };
  if (given !== undefined) {
    const ok = !metBy(given);
    return { ...base, loss: given, kind: 'given', margin: NaN, meaningful: ok, rule: `target ${name} ${f(given)}, as given${ok ? '' : `; the untrained model already has ${f(untrained)}, so the target is meaningless: give a better one`}` };
  }
  if (!Number.isFinite(bestFinal)) return { ...base, loss: NaN, kind: 'none', margin, meaningful: false, rule: 'no run finished, so there is no target' };
  const near = o.higher ? bestFinal - margin * Math.abs(bestFinal) : bestFinal + margin * Math.abs(bestFinal);
  const what = `the best setting's final ${name} (mean over its seeds; best of ${means.length} settings, ${finished} finished runs, ${o.higher ? 'higher' : 'lower'} is better) is ${f(bestFinal)}`;
  const count = `a run reaches the target at its first evaluation after at least one update with ${name} ${dir} it (no interpolation)`;
  if (!metBy(near)) return { ...base, loss: near, kind: 'near-best-final', margin, meaningful: true, rule: `target ${name} = ${f(near)}, within ${100 * margin} % of the best: ${what}; ${count}` };
  if (!metBy(bestFinal)) return { ...base, loss: bestFinal, kind: 'best-final', margin: 0, meaningful: true, rule: `target ${name} = ${f(bestFinal)}, the best final value itself: ${what}, and the untrained model's ${f(untrained)} already meets the ${100 * margin} % target, so the stricter one is used; ${count}` };
  return { ...base, loss: NaN, kind: 'none', margin, meaningful: false, rule: `no meaningful target: the untrained model's ${name} ${f(untrained)} is already as good as the best final ${f(bestFinal)}, so training did not improve on the initial weights; train longer or with a larger learning rate` };
}
