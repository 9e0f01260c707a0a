// The recommendation: which batch size and learning rate to use, with the evidence in sentences.
import { MinibatchError } from '../core/errors.js';
import { fitSMin, predictedSteps, type CriticalBatchResult } from './critical-batch.js';
import type { CompareResult, LrRangeResult, NoisePrediction, PredictionRow, Recommendation, TuneResult } from './records.js';
import { secondsPerUpdateAt, type ThroughputProfile } from './throughput.js';
import { fmt } from './summary.js';

type Row = CompareResult['summary'][number];

/** Accuracy differences below this (half a point) or mse within 2 % count as noise even with one seed. */
const FLOOR = { accuracy: 0.005, mseRelative: 0.02 };

/**
 * True when row `r`'s final validation metric is within noise of `best`'s: the gap is at most
 * twice the standard error of the difference of the means, 2 sqrt(sd_b^2 / n_b + sd_r^2 / n_r),
 * and never below a floor (0.005 accuracy, or 2 % of the best mse).
 */
export function withinNoise(r: Row, best: Row, metric: CompareResult['metric']): boolean {
  const a = r.finalValMetric; const b = best.finalValMetric;
  const n = (s: Row['finalValMetric']): number => Math.max(1, s.values.filter(Number.isFinite).length);
  const se = Math.sqrt(b.sd ** 2 / n(b) + a.sd ** 2 / n(a));
  const floor = metric === 'accuracy' ? FLOOR.accuracy : FLOOR.mseRelative * Math.abs(b.mean);
  return Math.abs(a.mean - b.mean) <= Math.max(2 * se, floor);
}

/**
 * Recommends the batch size that reached the target validation loss fastest in wall-clock
 * training time among those whose final validation metric is within noise of the best (see
 * withinNoise) and none of whose seeds diverged (when any such batch size exists), with that
 * batch size's learning rate from the comparison. Evidence sentences: time to target, final
 * metric with spread, stability across seeds, where the learning rate came from (tune, lr range
 * test) and what was compared. Throws MinibatchError DIVERGED when no run finished.
 */
export function recommend(tune: TuneResult | undefined, compare: CompareResult, lrRange?: LrRangeResult): Recommendation {
  const metric = compare.metric; const higher = metric === 'accuracy';
  const rows = compare.summary.filter((r) => Number.isFinite(r.finalValMetric.mean));
  if (rows.length === 0) {
    throw new MinibatchError('DIVERGED', 'no batch size has a finished, non-diverged run to recommend; use smaller learning rates or a larger budget and compare again');
  }
  const better = (a: Row, b: Row): boolean => (higher ? a.finalValMetric.mean > b.finalValMetric.mean : a.finalValMetric.mean < b.finalValMetric.mean);
  const best = rows.reduce((x, y) => (better(y, x) ? y : x));
  const close = rows.filter((r) => withinNoise(r, best, metric));
  const stable = close.filter((r) => divergedCount(compare, r) === 0);
  const pool = stable.length > 0 ? stable : close;
  const timed = pool.filter((r) => Number.isFinite(r.secondsToTarget.mean));
  const chosen = timed.length > 0 ? timed.reduce((x, y) => (y.secondsToTarget.mean < x.secondsToTarget.mean ? y : x)) : best;
  const evidence = [
    timeSentence(compare, chosen, pool, timed.length > 0),
    fasterButWorse(compare, chosen, rows, close),
    metricSentence(compare, chosen, best),
    stabilitySentence(compare, chosen),
    learningRateSentence(tune, compare, chosen),
    lrRange ? rangeSentence(lrRange, chosen) : '',
    chosen.distanceToOptimum && compare.optimum?.converged ? optimumSentence(chosen.distanceToOptimum.mean)
      : chosen.distanceToFullBatch ? distanceSentence(chosen.distanceToFullBatch.mean, chosen.requested === 'full') : '',
    compare.partial ? 'The comparison was cancelled before every run finished: this evidence covers only the finished runs.' : '',
  ].filter((s) => s !== '');
  return { batchSize: chosen.batchSize, learningRate: chosen.learningRate, evidence, compared: comparedText(tune, compare) };
}

/**
 * The stand-in for a recommendation when there is none to give: every finished run diverged
 * (`'diverged'`), or the sweep was cancelled before any run finished (`'cancelled'`). It names
 * the first batch size only so that the record keeps its shape; `none` says it is no advice.
 */
export function noRecommendation(tune: TuneResult | undefined, compare: CompareResult, reason: 'diverged' | 'cancelled'): Recommendation {
  const first = compare.summary[0];
  const runs = compare.runs.length;
  const evidence = reason === 'diverged'
    ? [`Every one of the ${runs} runs diverged (the loss became NaN, infinite or 1000x its start): no batch size can be recommended. Use smaller learning rates (or --lr tuned), feature scaling, or larger batch sizes, and compare again.`]
    : ['The sweep was cancelled before any run finished: there is nothing to recommend yet. Run the same command with --resume to continue.'];
  return { batchSize: first?.batchSize ?? 1, learningRate: first?.learningRate ?? NaN, evidence, compared: comparedText(tune, compare), none: reason };
}

function label(r: { requested: number | 'full'; batchSize: number }): string {
  return r.requested === 'full' ? `full batch (${r.batchSize})` : `batch size ${r.batchSize}`;
}

function divergedCount(c: CompareResult, r: Row): number {
  return c.runs.filter((x) => x.batchSize === r.batchSize && x.diverged).length;
}

function seedsOf(c: CompareResult, r: Row): number { return c.runs.filter((x) => x.batchSize === r.batchSize).length; }

function timeSentence(c: CompareResult, r: Row, pool: Row[], timed: boolean): string {
  const who = `${label(r)[0]!.toUpperCase()}${label(r).slice(1)}`;
  if (!timed) return `${who} has the best final validation ${c.metric}; no batch size within noise of it reached the target validation loss ${fmt(c.targetLoss)}, so time to target could not decide.`;
  const s = r.secondsToTarget; const n = s.values.filter(Number.isFinite).length;
  const range = n > 1 ? `, ${fmt(s.min)}-${fmt(s.max)} s` : '';
  const among = pool.length > 1 ? `the fastest of the ${pool.length} batch sizes whose final validation ${c.metric} is within noise of the best` : `the only batch size whose final validation ${c.metric} is within noise of the best`;
  return `${who} reached the target validation loss ${fmt(c.targetLoss)} after ${fmt(s.mean)} s of training (mean over ${n} seed${n === 1 ? '' : 's'}${range}; ${fmt(r.examplesToTarget.mean)} examples, ${fmt(r.updatesToTarget.mean)} updates): ${among}.`;
}

function fasterButWorse(c: CompareResult, chosen: Row, rows: Row[], close: Row[]): string {
  const faster = rows.filter((r) => !close.includes(r) && r.secondsToTarget.mean < chosen.secondsToTarget.mean);
  if (faster.length === 0) return '';
  return `${faster.map(label).join(' and ')} reached the target sooner but finished with a worse validation ${c.metric} (${faster.map((r) => fmt(r.finalValMetric.mean)).join(', ')}), beyond the seed-to-seed noise.`;
}

function metricSentence(c: CompareResult, r: Row, best: Row): string {
  const m = r.finalValMetric;
  const tail = r === best ? 'the best of all batch sizes' : `the best was ${fmt(best.finalValMetric.mean)} with ${label(best)}`;
  return `Its final validation ${c.metric} is ${fmt(m.mean)} +/- ${fmt(m.sd, 2)} (sd over seeds); ${tail}.`;
}

function stabilitySentence(c: CompareResult, r: Row): string {
  const n = seedsOf(c, r); const d = divergedCount(c, r);
  if (d > 0) return `${d} of its ${n} seeded runs diverged; the others are summarised.`;
  return `All ${n} seeded runs trained without diverging; the final validation loss varied by sd ${fmt(r.finalValLoss.sd, 2)} across seeds.`;
}

function learningRateSentence(tune: TuneResult | undefined, c: CompareResult, r: Row): string {
  const t = tune ?? c.tune;
  const tuned = t?.bestPerBatchSize.find((b) => b.batchSize === r.batchSize);
  let s: string;
  if (t && tuned && tuned.learningRate === r.learningRate) {
    const lrs = t.learningRates ?? [...new Set(t.cells.map((x) => x.learningRate))];
    const how = t.method === 'halving' ? `successive halving (eta ${t.eta ?? 3})` : 'a grid search';
    s = `Learning rate ${fmt(r.learningRate)} was the best of ${lrs.length} rates (${fmt(Math.min(...lrs))} to ${fmt(Math.max(...lrs))}) for this batch size by ${how} over up to ${t.epochs ?? '?'} epochs.`;
  } else s = `Learning rate ${fmt(r.learningRate)} was used for this batch size${t ? ' (scaled from the tuned rates)' : ''}.`;
  return t && Number.isFinite(t.scaling.exponent) ? `${s} ${t.scaling.note}` : s;
}

function rangeSentence(lr: LrRangeResult, r: Row): string {
  const same = lr.batchSize === r.batchSize ? '' : ` (at batch size ${lr.batchSize}, not ${r.batchSize})`;
  return `The learning-rate range test${same} suggests ${fmt(lr.suggested)}, ${lr.rule ?? 'one tenth of the rate at the loss minimum'}, with a spread of ${fmt(lr.spreadLog10, 2)} decades over ${lr.curves.length} seeds.`;
}

function comparedText(tune: TuneResult | undefined, c: CompareResult): string {
  const sizes = c.summary.map((r) => (r.requested === 'full' ? `full (${r.batchSize})` : String(r.batchSize))).join(', ');
  const b = c.budget;
  const budget = !b ? '' : 'epochs' in b ? `${b.epochs} epochs per run` : 'examples' in b ? `${b.examples} examples per run` : `${b.seconds} s of training per run`;
  const t = tune ?? c.tune;
  const lrs = t ? `learning rates tuned per batch size (${t.cells.length} cells, ${t.method})` : 'learning rates as given';
  const rows = c.trainExamples !== undefined ? `; ${c.trainExamples} training and ${c.validationExamples} validation rows` : '';
  return `Batch sizes ${sizes}; ${lrs}; ${c.seeds.length} seeds${budget ? `; ${budget}` : ''}${rows}.`;
}

/** What the relative distance of the final weights from the full-batch run's says (convex models). */
function distanceSentence(d: number, isFull: boolean): string {
  if (isFull || !Number.isFinite(d)) return '';
  const pct = `${fmt(100 * d, 2)} %`;
  if (d < 0.05) return `Its final weights lie ${pct} (relative distance) from the full-batch run's: for this convex model both reached essentially the same solution.`;
  return `Its final weights lie ${pct} (relative distance) from the full-batch run's: within this budget the runs have not converged to one solution (the full-batch run makes only one update per epoch), so compare losses rather than weights.`;
}

/** What the noise-scale prediction needs besides the comparison. */
export interface NoisePredictionInput {
  /** The noise scale of S(B) = S_min (1 + B_noise / B), usually B_simple near the target loss. */
  bNoise: number;
  critical: CriticalBatchResult;
  throughput: Pick<ThroughputProfile, 'rows' | 'knee'>;
  /** The grid's recommendation: the base batch size and learning rate that are scaled. */
  base: { batchSize: number; learningRate: number };
  /** Optimizer type: 'sgd' scales the rate linearly, 'adam' and 'rmsprop' by the square root. */
  optimizer: 'sgd' | 'adam' | 'rmsprop';
  /** Where bNoise was measured, for the evidence ("when the loss first reached 0.34"). */
  bNoiseNote?: string;
}

/**
 * The noise-scale model's recommendation (McCandlish et al. 2018, section 2): predicted time to
 * the target T(B) = S(B) x t(B), with S(B) = S_min (1 + B_noise / B) (S_min fitted to the
 * measured steps to target with B_noise held fixed, see fitSMin) and t(B) the seconds per update
 * of the throughput profile. The batch size minimising T over the profiled sizes is recommended,
 * its learning rate the base (grid) rate scaled by B / B_0 for SGD (Goyal et al. 2017, the
 * linear rule) or sqrt(B / B_0) for Adam and RMSProp (Hoffer et al. 2017; Malladi et al. 2022),
 * with a linear warmup over 5 % of the predicted steps when B >= 4 B_0 (Goyal et al. 2017).
 * The evidence says where the data disagree with the model: B_simple vs the fitted B_crit, the
 * fit's residuals, and predicted vs measured time at the grid's batch size.
 */
export function noisePrediction(compare: CompareResult, o: NoisePredictionInput): NoisePrediction {
  const points = o.critical.points;
  const sMin = fitSMin(points, o.bNoise);
  const measured = new Map(points.filter((p) => p.reached > 0).map((p) => [p.batchSize, p]));
  const sizes = [...new Set([...o.throughput.rows.map((r) => r.batchSize), ...compare.summary.map((s) => s.batchSize)])].sort((a, b) => a - b);
  const rows: PredictionRow[] = sizes.map((b) => {
    const steps = predictedSteps(sMin, o.bNoise, b); const spu = secondsPerUpdateAt(o.throughput, b);
    const m = measured.get(b);
    return { batchSize: b, steps, secondsPerUpdate: spu, seconds: steps * spu, ...(m ? { measuredSeconds: m.seconds, measuredSteps: m.steps } : {}) };
  });
  const finite = rows.filter((r) => Number.isFinite(r.seconds));
  const best = finite.length ? finite.reduce((x, y) => (y.seconds < x.seconds ? y : x)) : undefined;
  const fitted = [...measured.values()];
  const rms = fitted.length ? Math.sqrt(fitted.reduce((a, p) => a + ((predictedSteps(sMin, o.bNoise, p.batchSize) - p.steps) / p.steps) ** 2, 0) / fitted.length) : NaN;
  const rule = o.optimizer === 'sgd' ? 'linear' : 'square-root';
  const batchSize = best?.batchSize ?? o.base.batchSize;
  const factor = batchSize / o.base.batchSize;
  const learningRate = o.base.learningRate * (rule === 'linear' ? factor : Math.sqrt(factor));
  const warmupSteps = factor >= 4 && best ? Math.max(1, Math.ceil(0.05 * best.steps)) : undefined;
  const ratio = o.bNoise / o.critical.bCrit;
  const agreement = !(Number.isFinite(ratio) && ratio > 0) ? 'unknown' : Math.max(ratio, 1 / ratio) <= 3 ? 'agree' : Math.max(ratio, 1 / ratio) <= 10 ? 'roughly' : 'disagree';
  const gridRow = rows.find((r) => r.batchSize === o.base.batchSize);
  const pom = gridRow?.measuredSeconds ? gridRow.seconds / gridRow.measuredSeconds : NaN;
  const p: NoisePrediction = {
    bNoise: o.bNoise, sMin, rmsRelError: rms, rows, batchSize, learningRate, scalingRule: rule,
    baseBatchSize: o.base.batchSize, baseLearningRate: o.base.learningRate,
    ...(warmupSteps !== undefined ? { warmupSteps } : {}),
    bSimpleOverBCrit: ratio, agreement, predictedOverMeasured: pom, evidence: [],
  };
  p.evidence = noiseEvidence(p, o);
  return p;
}

function noiseEvidence(p: NoisePrediction, o: NoisePredictionInput): string[] {
  const c = o.critical;
  const out = [
    `The gradient noise scale B_simple = tr(Sigma)/|G|^2 is ${fmt(p.bNoise)}${o.bNoiseNote ? ` ${o.bNoiseNote}` : ''}.`,
    Number.isFinite(c.bCrit)
      ? `The learning curves give a critical batch size B_crit = E_min/S_min = ${fmt(c.bCrit)} (S_min ${fmt(c.sMin)} updates, E_min ${fmt(c.eMin)} examples, rms relative error ${fmt(100 * c.rmsRelError, 2)} %); B_simple/B_crit = ${fmt(p.bSimpleOverBCrit, 2)}: ${AGREE[p.agreement]}.`
      : `No critical batch size could be fitted from the learning curves (${c.note ?? 'no fit'}).`,
  ];
  const reached = c.points.filter((q) => q.reached > 0).map((q) => q.batchSize);
  if (Number.isFinite(c.bCrit) && reached.length && (c.bCrit > 2 * Math.max(...reached) || c.bCrit < Math.min(...reached) / 2)) {
    out.push(`B_crit lies outside the batch sizes that reached the target (${Math.min(...reached)} to ${Math.max(...reached)}), so it is an extrapolation of the fit.`);
  }
  if (Number.isFinite(p.sMin)) {
    out.push(`With S(B) = S_min (1 + B_simple/B) (S_min ${fmt(p.sMin)}) and this machine's seconds per update, the predicted time to the target is least at batch size ${p.batchSize}${p.batchSize === p.baseBatchSize ? ', the same as the grid\'s choice' : ` (the grid chose ${p.baseBatchSize})`}; use learning rate ${fmt(p.learningRate)} (${p.scalingRule === 'linear' ? 'linear' : 'square-root'} scaling from ${fmt(p.baseLearningRate)} at batch size ${p.baseBatchSize})${p.warmupSteps ? ` with a linear warmup over the first ${p.warmupSteps} updates` : ''}.`);
    if (p.rmsRelError > 0.2) out.push(`The measured steps to target do not follow S_min (1 + B_simple/B) well (rms relative error ${fmt(100 * p.rmsRelError, 2)} %): treat the prediction as rough.`);
  } else out.push('No batch size reached the target loss, so the noise-scale model could not be calibrated and predicts nothing.');
  if (Number.isFinite(p.predictedOverMeasured)) {
    const off = p.predictedOverMeasured;
    out.push(`At the grid's batch size ${p.baseBatchSize} the predicted time to target is ${fmt(off, 2)} x the measured one${Math.max(off, 1 / off) > 2 ? ': the model and the data disagree by more than 2x (the comparison ran trials in parallel, and timings are noisy at this scale)' : ''}.`);
  }
  return out;
}

const AGREE: Record<NoisePrediction['agreement'], string> = {
  agree: 'they agree within a factor of 3, as the noise-scale model expects',
  roughly: 'they agree only within a factor of 10',
  disagree: 'they disagree by more than 10x, so the noise scale is a poor guide to the batch size here',
  unknown: 'no comparison is possible',
};

/** What the relative distance of the final weights from the training-loss optimum says. */
function optimumSentence(d: number): string {
  if (!Number.isFinite(d)) return '';
  const pct = `${fmt(100 * d, 2)} %`;
  return d < 0.05
    ? `Its final weights lie ${pct} (relative distance) from the optimum of the training loss: this convex model converged to the one solution.`
    : `Its final weights lie ${pct} (relative distance) from the optimum of the training loss: within this budget it has not converged to the one solution of this convex model (a lower learning rate or more epochs would close the gap).`;
}
