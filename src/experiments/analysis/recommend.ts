// The recommendation: which batch size and learning rate to use, with the evidence in sentences.
import { MinibatchError } from '../../core/errors.js';
import { compareQuality, MIN_SEEDS_FOR_NOISE, qualityFloor } from './quality.js';
import { rankByTime, TIE_FACTOR, TIME_FLOOR_SECONDS, type TimeRanking } from './rank-time.js';
import type { CompareResult, LrRangeResult, Recommendation, TuneResult } from '../records.js';
import { fmt } from './summary.js';
import { higherIsBetter } from '../../train/metrics.js';

export { crossCheck, noisePrediction, type NoisePredictionInput } from './noise-prediction.js';

type Row = CompareResult['summary'][number];

/**
 * True when row `r`'s final validation metric cannot be told apart from `best`'s (see
 * compareQuality: a seeded bootstrap over seeds with 3 or more seeds, else only a practical
 * floor of 0.005 accuracy or 2 % of the best mse).
 */
export function withinNoise(r: Row, best: Row, metric: CompareResult['metric']): boolean {
  return compareQuality(r.finalValMetric, best.finalValMetric, metric).same;
}

/**
 * Recommends one batch size and its learning rate. Candidates: the batch sizes whose final
 * validation metric is statistically indistinguishable from the best's (withinNoise) and none
 * of whose seeds diverged (when any such exists). Among them, the one with the least time to the
 * target validation loss (see chooseTarget; with the sweep's `metric`, a target of that metric) wins, where time = updates to target (an exact count,
 * deterministic for a seed) x this machine's seconds per update at that batch size from the
 * throughput profile (see rankByTime; ties within 1.5x, or all under 0.1 s, go to the fewest updates). The measured
 * wall time is reported beside it, flagged when the two disagree by more than 2x. Evidence
 * sentences: the target rule, time to target with 90 % bootstrap intervals over seeds, the
 * quality test (or, with fewer than 3 seeds, that no noise claim can be made), stability,
 * where the learning rate came from, and what was compared. Throws MinibatchError DIVERGED when
 * no run finished.
 */
export function recommend(tune: TuneResult | undefined, compare: CompareResult, lrRange?: LrRangeResult): Recommendation {
  const metric = compare.metric; const higher = higherIsBetter(metric);
  const rows = compare.summary.filter((r) => Number.isFinite(r.finalValMetric.mean));
  if (rows.length === 0) {
    throw new MinibatchError('DIVERGED', 'no batch size has a finished, non-diverged run to recommend; use smaller learning rates or a larger budget and compare again');
  }
  const better = (a: Row, b: Row): boolean => (higher ? a.finalValMetric.mean > b.finalValMetric.mean : a.finalValMetric.mean < b.finalValMetric.mean);
  const best = rows.reduce((x, y) => (better(y, x) ? y : x));
  const close = rows.filter((r) => withinNoise(r, best, metric));
  const stable = close.filter((r) => divergedCount(compare, r) === 0);
  const pool = stable.length > 0 ? stable : close;
  const ranking = rankByTime(pool);
  const chosen = ranking.chosen ?? best;
  const seeds = Math.min(...rows.map((r) => seedsOf(compare, r)));
  const evidence = [
    timeSentence(compare, chosen, pool, ranking),
    wallSentence(chosen, ranking),
    tieSentence(compare, chosen, ranking),
    fasterButWorse(compare, chosen, rows, close, ranking),
    qualitySentence(compare, best, close, seeds),
    metricSentence(compare, chosen, best),
    stabilitySentence(compare, chosen),
    learningRateSentence(tune, compare, chosen),
    lrRange ? rangeSentence(lrRange, chosen) : '',
    chosen.distanceToOptimum && compare.optimum?.converged ? optimumSentence(chosen.distanceToOptimum.mean)
      : chosen.distanceToFullBatch ? distanceSentence(chosen.distanceToFullBatch.mean, chosen.requested === 'full') : '',
    compare.partial ? 'The comparison was cancelled before every run finished: this evidence covers only the finished runs.' : '',
  ].filter((s) => s !== '');
  return {
    batchSize: chosen.batchSize, learningRate: chosen.learningRate, evidence, compared: comparedText(tune, compare),
    ...(compare.target ? { target: compare.target.rule } : {}), timeBasis: ranking.basis, seeds,
  };
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

function interval(i: { lo: number; hi: number; resamples: number } | undefined, unit = ''): string {
  return i && i.resamples > 0 && Number.isFinite(i.lo) ? `, 90 % bootstrap interval ${fmt(i.lo)}-${fmt(i.hi)}${unit}` : '';
}

/** What batch sizes were timed to: "validation loss 0.31" or, ranked by a metric, "validation f1 0.82". */
function targetText(c: CompareResult): string {
  return c.rankedBy ? `validation ${c.rankedBy} ${fmt(c.target?.loss ?? NaN)}` : `validation loss ${fmt(c.targetLoss)}`;
}

function timeSentence(c: CompareResult, r: Row, pool: Row[], k: TimeRanking): string {
  const who = `${label(r)[0]!.toUpperCase()}${label(r).slice(1)}`;
  const kept = c.seeds.length >= MIN_SEEDS_FOR_NOISE ? `statistically indistinguishable from the best` : `within ${fmt(qualityFloor(c.metric, r.finalValMetric.mean))} of the best`;
  if (k.basis === 'none') {
    const why = Number.isFinite(c.rankedBy ? c.target?.loss ?? NaN : c.targetLoss) ? `reached the target ${targetText(c)}` : 'could be timed (there is no meaningful target)';
    return `${who} has the best final validation ${c.metric}; no batch size whose final ${c.metric} is ${kept} ${why}, so time to target could not decide.`;
  }
  const u = r.updatesToTarget; const n = u.values.filter(Number.isFinite).length; const all = u.values.length;
  const of = n < all ? `${n} of ${all} seeds reached it; ` : '';
  const among = pool.length === 1 ? `the only batch size whose final validation ${c.metric} is ${kept}`
    : k.tied.length > 1 ? `tied for fastest (see below) among the ${pool.length} batch sizes whose final validation ${c.metric} is ${kept}`
      : `the fastest of the ${pool.length} batch sizes whose final validation ${c.metric} is ${kept}`;
  const counts = `after ${fmt(u.mean)} updates (${fmt(r.examplesToTarget.mean)} examples; ${of}mean over the ${n} seed${n === 1 ? '' : 's'} that did${interval(r.intervals?.updatesToTarget)})`;
  const time = k.basis === 'priced'
    ? `which this machine's throughput profile prices at ${fmt(k.time(r))} s (median over seeds; ${fmt(r.secondsPerUpdate ?? NaN)} s per update at this batch size; mean ${fmt(r.pricedSecondsToTarget?.mean ?? NaN)} s${interval(r.intervals?.pricedSecondsToTarget, ' s')})`
    : `in ${fmt(k.time(r))} s of measured training time (median over seeds; no throughput profile)`;
  return `${who} reaches the target ${targetText(c)} ${counts}, ${time}: ${among}.`;
}

function wallSentence(r: Row, k: TimeRanking): string {
  if (k.basis !== 'priced' || !Number.isFinite(r.secondsToTarget.mean)) return '';
  const ratio = r.wallOverPriced ?? NaN;
  const off = r.timesDisagree ? `: they disagree by more than 2x (trials ran side by side on a shared machine), so the priced time, from exact update counts and a profile timed in isolation, is the one ranked` : '';
  return `Measured beside it, the wall time to the target was ${fmt(r.secondsToTarget.mean)} s, ${fmt(ratio, 2)}x the priced time${off}.`;
}

function tieSentence(c: CompareResult, r: Row, k: TimeRanking): string {
  if (k.tied.length < 2) return '';
  const others = k.tied.filter((x) => x !== r).map(label).join(' and ');
  const all = k.tied.every((x) => k.time(x) <= TIME_FLOOR_SECONDS);
  const why = all ? `also reached the target in under ${TIME_FLOOR_SECONDS} s of priced training, too little for the timings to rank or for the difference to matter` : `${k.tied.length > 2 ? 'were' : 'was'} within ${TIE_FACTOR}x of the fastest time, a tie at the profile's precision`;
  return `${others} ${why}; the tie went to the fewest updates to the target (${fmt(r.updatesToTarget.mean)}).`;
}

function fasterButWorse(c: CompareResult, chosen: Row, rows: Row[], close: Row[], k: TimeRanking): string {
  const t = k.time;
  const faster = rows.filter((r) => !close.includes(r) && t(r) < t(chosen));
  if (faster.length === 0) return '';
  return `${faster.map(label).join(' and ')} reached the target sooner but finished with a worse validation ${c.metric} (${faster.map((r) => fmt(r.finalValMetric.mean)).join(', ')}), beyond the seed-to-seed noise.`;
}

function qualitySentence(c: CompareResult, best: Row, close: Row[], seeds: number): string {
  const names = close.map((r) => (r.requested === 'full' ? 'full' : String(r.batchSize))).join(', ');
  const floor = fmt(qualityFloor(c.metric, best.finalValMetric.mean));
  if (seeds < MIN_SEEDS_FOR_NOISE) {
    return `With ${seeds} seed${seeds === 1 ? '' : 's'} per batch size no claim about seed-to-seed noise can be made (that needs ${MIN_SEEDS_FOR_NOISE}); the candidates (${names}) are those whose final validation ${c.metric} is within a fixed tolerance of ${floor} of the best.`;
  }
  return `Candidates (${names}): batch sizes whose final validation ${c.metric} is statistically indistinguishable from the best (the 90 % bootstrap interval over ${seeds} seeds of the difference of means contains 0, or the gap is under ${floor}).`;
}

function metricSentence(c: CompareResult, r: Row, best: Row): string {
  const m = r.finalValMetric;
  const tail = r === best ? 'the best of all batch sizes' : `the best was ${fmt(best.finalValMetric.mean)} with ${label(best)}`;
  const li = r.intervals?.finalValLoss;
  const loss = li && li.resamples > 0 ? ` (90 % bootstrap interval ${fmt(li.lo)}-${fmt(li.hi)})` : '';
  return `Its final validation ${c.metric} is ${fmt(m.mean)} +/- ${fmt(m.sd, 2)} (sd over seeds${interval(r.intervals?.finalValMetric)}) and its final validation loss ${fmt(r.finalValLoss.mean)}${loss}; ${tail}.`;
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

/** What the relative distance of the final weights from the training-loss optimum says. */
function optimumSentence(d: number): string {
  if (!Number.isFinite(d)) return '';
  const pct = `${fmt(100 * d, 2)} %`;
  return d < 0.05
    ? `Its final weights lie ${pct} (relative distance) from the optimum of the training loss: this convex model converged to the one solution.`
    : `Its final weights lie ${pct} (relative distance) from the optimum of the training loss: within this budget it has not converged to the one solution of this convex model (a lower learning rate or more epochs would close the gap).`;
}
