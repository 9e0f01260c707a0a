// The report's chart list: which Vega-Lite spec goes in which section, with its title and caption.
import type { TopLevelSpec } from 'vega-lite';
import type { CompareResult, LrRangeResult, NoiseStudy, Spread, StudyResult, TuneResult } from '../experiments/records.js';
import { noiseOverTrainingSpec, predictedTimeSpec, throughputSpec } from './chart-noise.js';
import { curveRows, spreadRows } from './chart-data.js';
import { lossCurveSpec, type CurveAxis } from './chart-curves.js';
import { distanceSpec, finalMetricSpec, secondsToTargetSpec } from './chart-summary.js';
import { bestLrSpec, lrRangeSpec, tuneHeatmapSpec } from './chart-tuning.js';
import { scalingFit, tradeoffSpec, updatesToTargetSpec } from './chart-scaling.js';
import { formatNumber } from './format.js';
import { higherIsBetter } from '../train/metrics.js';

export { lossCurveSpec, type CurveAxis } from './chart-curves.js';
export { distanceSpec, finalMetricSpec, secondsToTargetSpec } from './chart-summary.js';
export { bestLrSpec, lrRangeSpec, tuneHeatmapSpec } from './chart-tuning.js';
export { tradeoffSpec, updatesToTargetSpec } from './chart-scaling.js';

/** One chart of the report: a stable id, its section, a title, a "how to read" caption, the spec. */
export interface ReportChart {
  id: string;
  section: ReportSection;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** The report's chart sections, in page order. */
export const SECTIONS = [
  { id: 'validation-loss', title: 'Validation loss' },
  { id: 'training-loss', title: 'Training loss' },
  { id: 'by-batch-size', title: 'Quality and cost by batch size' },
  { id: 'learning-rate', title: 'Learning rate' },
] as const;

/** The section of the noise-scale stage, drawn after SECTIONS when a study has one. */
export const NOISE_SECTION = { id: 'noise-scale', title: 'Noise scale, critical batch size and throughput' } as const;

export type ReportSection = (typeof SECTIONS)[number]['id'] | (typeof NOISE_SECTION)['id'];

const AXES: Array<{ axis: CurveAxis; words: string; read: string }> = [
  { axis: 'epoch', words: 'epochs', read: 'Every batch size sees the same data per epoch, so this shows which makes the most progress per pass over the data.' },
  { axis: 'examplesSeen', words: 'examples seen', read: 'Lines that drop earlier learn more from each training example; small batches usually win here.' },
  { axis: 'updates', words: 'updates', read: 'Lines that drop earlier learn more from each parameter update; large batches usually win here, since each update averages more examples.' },
  { axis: 'trainSeconds', words: 'training seconds', read: 'This is what you wait for: the lowest line at the time you can afford is the fastest choice on this machine.' },
];

const BAND = 'Each line is the mean over seeds; the shaded band spans the best to the worst seed at the same number of examples seen. Lower is better.';

/** The loss-curve charts of a comparison: validation and training loss against each x axis (none without points). */
export function compareCurveCharts(compare: CompareResult): ReportChart[] {
  const out: ReportChart[] = [];
  for (const q of ['valLoss', 'trainLoss'] as const) {
    if (curveRows(compare, q).length === 0) continue;
    const name = q === 'valLoss' ? 'Validation loss' : 'Training loss';
    for (const a of AXES) {
      out.push({
        id: `${q === 'valLoss' ? 'val' : 'train'}-loss-${a.axis}`,
        section: q === 'valLoss' ? 'validation-loss' : 'training-loss',
        title: `${name} against ${a.words}`,
        caption: `${a.read} ${BAND}${q === 'trainLoss' ? ' Training loss is averaged over the batches since the previous point, so it is noisier for small batches.' : ''}`,
        spec: lossCurveSpec(compare, q, a.axis),
      });
    }
  }
  return out;
}

/**
 * The per-batch-size summary charts of a comparison; a chart is left out when no batch size has
 * a finite value for it (the distance, too, for non-convex models).
 */
export function compareSummaryCharts(compare: CompareResult): ReportChart[] {
  const has = (pick: (s: CompareResult['summary'][number]) => Spread | undefined): boolean =>
    spreadRows(compare, pick).some((r) => r.finite > 0);
  const better = higherIsBetter(compare.metric) ? 'Higher is better.' : 'Lower is better.';
  const out: ReportChart[] = [];
  if (has((s) => s.finalValMetric)) {
    out.push({
      id: 'final-metric', section: 'by-batch-size', title: `Final validation ${compare.metric} by batch size`,
      caption: `Each dot is the mean over seeds at the end of training, at that batch size's learning rate; the bar spans the worst to the best seed. ${better} Overlapping bars mean the difference is within seed-to-seed noise.`,
      spec: finalMetricSpec(compare),
    });
  }
  if (has((s) => s.pricedSecondsToTarget ?? s.secondsToTarget)) {
    const priced = compare.summary.some((s) => s.pricedSecondsToTarget);
    const m = compare.rankedBy;
    const reach = m ? `the validation ${m} first reached ${formatNumber(compare.target?.loss ?? NaN)}` : `the validation loss first fell to ${formatNumber(compare.targetLoss)}`;
    out.push({
      id: 'seconds-to-target', section: 'by-batch-size', title: `Seconds to reach the target ${m ? `validation ${m}` : 'loss'}`,
      caption: priced
        ? `Time until ${reach}, priced: the exact number of updates to the first evaluation ${m ? (higherIsBetter(m) ? 'at or above' : 'at or below') : 'at or below'} it, times this machine's seconds per update at that batch size from the throughput profile (timed after the sweep on one kernel thread as the trials ran, the fastest of ${compare.throughput?.repeats ?? '?'} interleaved rounds). The counts are the same for a seed on any machine, so only the profile depends on the machine's load. Lower is faster; "not reached" means no seed got there within the budget.`
        : `Training seconds until ${reach} (read at evaluation points, so up to one interval late). Lower is faster; "not reached" means no seed got there within the budget.`,
      spec: secondsToTargetSpec(compare),
    });
  }
  const dist = has((s) => s.distanceToFullBatch ?? s.distanceToOptimum) ? distanceSpec(compare) : undefined;
  if (dist) {
    const opt = compare.optimum;
    const toOptimum = opt !== undefined && compare.summary.some((s) => s.distanceToOptimum);
    out.push({
      id: 'distance-to-full-batch', section: 'by-batch-size',
      title: toOptimum ? 'Distance of the final weights from the optimum' : 'Distance of the final weights from the full-batch run',
      caption: toOptimum
        ? `How far each batch size's final weights are from the minimiser w* of the training loss, relative to its size: ||w - w*|| / ||w*||, with the bar over seeds. w* was found by full-batch gradient descent with line search (${opt.iterations} steps, gradient norm ${formatNumber(opt.gradNorm)} from ${formatNumber(opt.startGradNorm)}${opt.converged ? ', converged' : ', NOT converged: the loss may have no finite minimiser, e.g. separable classes'}). A convex model has one optimum: distances near 0 mean the batch size converged to it; a floor that grows as the batch shrinks is the gradient noise of small batches at this learning rate.`
        : 'How far each batch size\'s final weights are from the full-batch run\'s, relative to the size of those: ||w - w_full|| / ||w_full||, with the bar over seeds. A convex model has one optimum, so a large distance means the runs have not converged to it yet, or that gradient noise keeps small-batch weights moving around it unless the learning rate is lowered. (The optimum itself was not computed: the problem is too large for a quick full-batch solve.)',
      spec: dist,
    });
  }
  return out;
}

/** Updates to target by batch size and the E-S trade-off (none when no batch size reached the target). */
export function scalingCharts(compare: CompareResult): ReportChart[] {
  const fit = scalingFit(compare); const out: ReportChart[] = [];
  const bc = Number.isFinite(fit.bCrit) ? `B_crit = ${formatNumber(fit.bCrit)}` : `no B_crit (${fit.note ?? 'no fit'})`;
  const steps = updatesToTargetSpec(compare, fit);
  if (steps) {
    out.push({
      id: 'updates-to-target', section: 'by-batch-size', title: 'Updates to the target by batch size',
      caption: `Both axes logarithmic (Shallue et al. 2018). Blue dots: updates to the target, mean over the seeds that reached it (grey: each seed). Dashed: perfect scaling, where doubling the batch halves the updates. Orange: the fit S = S_min (1 + B_crit/B) of McCandlish et al. (2018), ${bc}. Batch sizes on the dashed line use every extra example fully; where the dots flatten towards S_min, larger batches buy few fewer updates.`,
      spec: steps,
    });
  }
  const tradeoff = tradeoffSpec(compare, fit);
  if (tradeoff) {
    out.push({
      id: 'examples-vs-updates', section: 'by-batch-size', title: 'Examples against updates to the target (the E-S trade-off)',
      caption: `Each dot is a batch size: the examples and the updates it needed to reach the target (mean over seeds). The orange curve is the fitted trade-off (S/S_min - 1)(E/E_min - 1) = 1 and the green diamond ${bc}, where S = 2 S_min and E = 2 E_min. Left of it (larger batches) each halving of the updates costs about twice the examples; right of it (smaller batches) more updates save few examples.`,
      spec: tradeoff,
    });
  }
  return out;
}

/** The charts of a tuning result: the heat map and, with two or more batch sizes, best lr by batch size. */
export function tuneCharts(tune: TuneResult, recommended?: { batchSize: number; learningRate: number }): ReportChart[] {
  const mark = recommended ? ' The red outline marks the recommended setting.' : ' The red outline marks the best cell.';
  const out: ReportChart[] = [{
    id: 'tune-heatmap', section: 'learning-rate', title: 'Validation loss for each batch size and learning rate',
    caption: `Each cell is one combination tried (${tune.method === 'halving' ? 'successive halving; losses in parentheses are from cells stopped early after fewer epochs, so they are not directly comparable' : 'full grid'}), coloured by the final validation loss averaged over seeds: darker is lower, which is better. Grey cells with a cross diverged.${mark}`,
    spec: tuneHeatmapSpec(tune, recommended),
  }];
  const best = bestLrSpec(tune);
  if (best) {
    out.push({
      id: 'best-lr', section: 'learning-rate', title: 'Best learning rate by batch size',
      caption: `Both axes are logarithmic, so a power law is a straight line. The dashed line has the fitted slope ${formatNumber(tune.scaling.exponent, 2)}: a slope near 1 is the linear scaling rule (double the batch, double the learning rate), near 0.5 the square-root rule.`,
      spec: best,
    });
  }
  return out;
}

/** The learning-rate range test chart (none when no curve has a point). */
export function lrRangeCharts(range: LrRangeResult): ReportChart[] {
  if (!range.curves.some((c) => c.learningRates.length > 0)) return [];
  return [{
    id: 'lr-range', section: 'learning-rate', title: `Learning rate range test (batch size ${range.batchSize})`,
    caption: 'The learning rate grows step by step during one short run. The loss first stays flat (too small to learn), then falls (useful range), then shoots up (too large). The dashed line marks the suggested rate, inside the falling part and safely before the blow-up (the rule is stated above the charts); one line per seed.',
    spec: lrRangeSpec(range),
  }];
}

/** The charts of the noise-scale stage: B_simple over training, throughput, predicted vs measured time. */
export function noiseCharts(noise: NoiseStudy): ReportChart[] {
  const out: ReportChart[] = [];
  const section = NOISE_SECTION.id;
  const over = noiseOverTrainingSpec(noise);
  if (over) {
    out.push({
      id: 'noise-over-training', section, title: 'Gradient noise scale over training',
      caption: `B_simple = tr(Sigma)/|G|^2 measured from per-example gradients during one run at batch size ${noise.tracking.batchSize} (grey dots; the blue line smooths tr(Sigma) and |G|^2 separately before dividing). It usually grows as the loss falls: the gradient gets smaller relative to its noise, so larger batches become useful later in training. The dashed line is B_crit fitted from the learning curves; McCandlish et al. (2018) find B_simple close to it.`,
      spec: over,
    });
  }
  const tp = throughputSpec(noise);
  if (tp) {
    out.push({
      id: 'throughput', section, title: 'Training throughput by batch size on this machine',
      caption: `Examples per second of one training step (median of ${noise.throughput.repeats} timed repeats after a warm-up; evaluation excluded), both axes logarithmic. The curve rises while bigger batches use the hardware better and flattens past the knee (dashed: the smallest batch size reaching ${Math.round(100 * noise.throughput.kneeFraction)} % of the peak). Past the knee a bigger batch costs proportionally more time per update.`,
      spec: tp,
    });
  }
  const pt = predictedTimeSpec(noise);
  if (pt) {
    out.push({
      id: 'predicted-time', section, title: 'Predicted and measured time to the target loss',
      caption: 'The blue line is the noise-scale model: steps S_min (1 + B_noise/B) times this machine\'s seconds per update. Orange dots are the times the comparison measured (interpolated to the target, mean over seeds). Dots far from the line mean the model and the data disagree; the comparison ran trials in parallel, which slows each step.',
      spec: pt,
    });
  }
  return out;
}

/** The study's tuning result: its own, else the one the comparison ran to pick learning rates. */
export function studyTune(result: StudyResult): TuneResult | undefined {
  return result.tune ?? result.compare.tune;
}

/** Every chart of a study, in page order. */
export function studyCharts(result: StudyResult): ReportChart[] {
  const all = [
    ...compareCurveCharts(result.compare),
    ...compareSummaryCharts(result.compare),
    ...scalingCharts(result.compare),
    ...(studyTune(result) ? tuneCharts(studyTune(result)!, result.recommendation.none ? undefined : result.recommendation) : []),
    ...(result.lrRange ? lrRangeCharts(result.lrRange) : []),
    ...(result.noise ? noiseCharts(result.noise) : []),
  ];
  const order: string[] = [...SECTIONS.map((s) => s.id), NOISE_SECTION.id];
  return all.map((c, i) => ({ c, i })).sort((a, b) => order.indexOf(a.c.section) - order.indexOf(b.c.section) || a.i - b.i).map((x) => x.c);
}
