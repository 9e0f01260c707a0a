// The noise-scale model's prediction of time to target by batch size: a cross-check of the verdict, not a second one.
import { fitSMin, predictedSteps, type CriticalBatchResult } from './critical-batch.js';
import type { CompareResult, NoisePrediction, PredictionRow, Recommendation } from '../records.js';
import { secondsPerUpdateAt, type ThroughputProfile } from '../probes/throughput.js';
import { fmt } from './summary.js';

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
    out.push(`With S(B) = S_min (1 + B_simple/B) (S_min ${fmt(p.sMin)}) and this machine's seconds per update, the predicted time to the target is least at batch size ${p.batchSize}${p.batchSize === p.baseBatchSize ? ', the same as the grid\'s choice' : ` (the grid chose ${p.baseBatchSize})`}; there it would scale the learning rate to ${fmt(p.learningRate)} (${p.scalingRule === 'linear' ? 'linear' : 'square-root'} scaling from ${fmt(p.baseLearningRate)} at batch size ${p.baseBatchSize})${p.warmupSteps ? ` with a linear warmup over the first ${p.warmupSteps} updates` : ''}.`);
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


/**
 * The noise-scale model's pick set beside the verdict as a cross-check, with its agreement:
 * "the noise-scale model predicts 16; the measured grid chose 32; they agree within 2x".
 * Undefined when the model could not be calibrated (no batch size reached the target).
 */
export function crossCheck(rec: Pick<Recommendation, 'batchSize'>, p: NoisePrediction): NonNullable<Recommendation['crossCheck']> | undefined {
  if (!Number.isFinite(p.sMin)) return undefined;
  const ratio = p.batchSize / rec.batchSize; const f = Math.max(ratio, 1 / ratio);
  const agree = f <= 2;
  const tail = f === 1 ? 'they agree' : agree ? 'they agree within 2x' : `they differ by ${fmt(f, 2)}x, more than 2x: the measured grid decides, and the noise-scale section shows where the model and the data part`;
  return { batchSize: p.batchSize, ratio, agree, text: `the noise-scale model predicts ${p.batchSize}; the measured grid chose ${rec.batchSize}; ${tail}` };
}
