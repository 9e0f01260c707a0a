// The throughput profile of this machine: examples/s and seconds per update by batch size, the knee, memory per batch.
import { checkInt, checkNumber } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { BatchBuffer } from '../../data/batch.js';
import type { Dataset } from '../../data/dataset.js';
import { Model } from '../../nn/model.js';
import { factoryOfChoice, type OptimizerChoice } from '../run/optimizer-spec.js';
import { interpolatedSeconds } from '../../train/goodput.js';

export interface ThroughputOptions {
  /** Batch sizes to time. Default 1, 2, 4, ... up to the data size (the data size last). */
  batchSizes?: number[];
  /** Timed repeats per batch size (the median is kept). Default 5. */
  repeats?: number;
  /** Minimum milliseconds of each repeat (it runs whole updates until this is reached). Default 8. */
  minMs?: number;
  /** Optimizer of the timed steps (its update is part of a step). Default plain SGD. */
  optimizer?: OptimizerChoice;
  /** Learning rate of the timed steps. Default 1e-4 (the weights barely move). */
  learningRate?: number;
  seed?: number;
  /** Milliseconds clock. Default performance.now. */
  clock?: () => number;
  /**
   * Time `model` itself instead of a copy: its weights move (by steps of `learningRate`) and the
   * timing uses its memory and resident rows. For a model built only to be profiled. Default false.
   */
  inPlace?: boolean;
}

export interface ThroughputRow {
  batchSize: number;
  /** Median over repeats of seconds per update (gather + forward + backward + optimizer step). */
  secondsPerUpdate: number;
  /** batchSize / secondsPerUpdate. */
  examplesPerSecond: number;
  /** Updates timed in each repeat. */
  updatesPerRepeat: number;
  /** Bytes of the batch-sized buffers: inputs and targets, activations, backward deltas. */
  batchBytes: number;
}

export interface ThroughputProfile {
  kind: 'throughput';
  backend: string;
  rows: ThroughputRow[];
  peakExamplesPerSecond: number;
  /** The smallest batch size reaching `kneeFraction` of the peak examples/s. */
  knee: number;
  kneeFraction: number;
  /** Bytes that do not grow with the batch: parameters, gradient and two optimizer buffers (upper bound). */
  fixedBytes: number;
  repeats: number;
  /** Seconds the profile took, warm-up included. */
  seconds: number;
}

/** Batch sizes 1, 2, 4, ... below n, then n. */
export function powersOfTwo(n: number): number[] {
  const out: number[] = [];
  for (let b = 1; b < n; b *= 2) out.push(b);
  out.push(n);
  return out;
}

/**
 * Bytes of everything a training step of `model` allocates per batch of B rows (float32):
 * the batch buffer (B x features inputs, B x targets), one activation buffer per layer
 * (B x width) and two backward delta buffers (B x widest layer), as Model and BatchBuffer size them.
 */
export function batchBytes(model: Model, targetWidth: number, batchSize: number): number {
  const L = model.spec.layers; const widths = L.slice(1);
  const floats = batchSize * (L[0]! + targetWidth + widths.reduce((a, b) => a + b, 0) + 2 * Math.max(...widths));
  return 4 * floats;
}

/**
 * Times training steps of a copy of `model` (the caller's weights are untouched; see inPlace) for each batch
 * size: after an untimed warm-up of every size (the JIT compiles the kernels and buffers grow),
 * each repeat runs whole updates on seeded random batches until `minMs` has passed, and the
 * median seconds per update over the repeats is kept (evaluation never runs). Throughput is
 * B / seconds per update; the knee is the smallest B reaching 90 % of the peak examples/s: past
 * it, bigger batches buy little more hardware efficiency (the matrix-matrix speed-up is used up).
 * Timings vary between runs and machines; the shape (rising, then flat) is what to read.
 */
export function throughputProfile(model: Model, data: Dataset, o: ThroughputOptions = {}): ThroughputProfile {
  const repeats = checkInt('repeats', o.repeats ?? 5, 1, 1000);
  const minMs = checkNumber('minMs', o.minMs ?? 8, 0, 60000);
  return timedProfile(model, data, o, { repeats, minMs, interleaved: false });
}

/**
 * How {@link timedProfile} times: `repeats` repeats of at least `minMs` per batch size, either
 * one size after another with the median kept (throughputProfile), or `interleaved`: rounds
 * that each time every size once, with the fastest round kept (pricingProfile).
 */
export interface TimingPlan { repeats: number; minMs: number; interleaved: boolean }

/** The profile of {@link throughputProfile}, timed as `plan` says on one model (a copy, or `model` itself with inPlace), one warm-up of every size. */
export function timedProfile(model: Model, data: Dataset, o: ThroughputOptions, plan: TimingPlan): ThroughputProfile {
  const clock = o.clock ?? (() => performance.now());
  const t0 = clock();
  if (data.numFeatures !== model.inputs) throw new MinibatchError('BAD_SHAPE', `the data have ${data.numFeatures} features but the model takes ${model.inputs}`);
  const n = data.length;
  if (n === 0) throw new MinibatchError('EMPTY_DATASET', 'the throughput profile needs training rows, got an empty data set');
  const sizes = [...new Set((o.batchSizes ?? powersOfTwo(n)).map((b, i) => checkInt(`batchSizes[${i}]`, b, 1, n, 'BAD_BATCH_SIZE', `Batch sizes run from 1 to the ${n} rows.`)))].sort((a, b) => a - b);
  const { repeats, minMs } = plan;
  const copy = o.inPlace === true ? model : new Model(model.spec, model.backend);
  if (copy !== model) copy.params.set(model.params);
  const optimizer = factoryOfChoice(o.optimizer)(o.learningRate ?? 1e-4);
  const rng = new Rng(o.seed ?? 1);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const buffer = new BatchBuffer(data, sizes[sizes.length - 1]!, copy.rowGatherer(data, sizes[sizes.length - 1]!));
  const grad = copy.gradientBuffer();
  // A bare timing loop, deliberately not the TrainLoop: it times raw updates on batches at random
  // offsets (no epochs, no cursor) and must not pay for the loop's sums, guards or bookkeeping.
  const step = (b: number): void => {
    const start = rng.int(n - b + 1);
    const batch = buffer.gather(order, start, b);
    copy.lossAndGrad(copy.params, batch, grad, 1 / b);
    optimizer.step(copy.params, grad);
  };
  rng.shuffle(order);
  for (const b of sizes) timeSteps(step, b, Math.min(minMs, 5), clock);
  const times = sizes.map((): number[] => []); const updates = sizes.map((): number[] => []);
  const time = (k: number): void => { const t = timeSteps(step, sizes[k]!, minMs, clock); times[k]!.push(t.perUpdate); updates[k]!.push(t.updates); };
  if (plan.interleaved) { for (let r = 0; r < repeats; r++) for (let k = 0; k < sizes.length; k++) time(k); }
  else for (let k = 0; k < sizes.length; k++) for (let r = 0; r < repeats; r++) time(k);
  const rows = sizes.map((b, k): ThroughputRow => {
    const sec = plan.interleaved ? Math.min(...times[k]!) : median(times[k]!);
    const perRepeat = plan.interleaved ? Math.min(...updates[k]!) : updates[k]![repeats - 1]!;
    return { batchSize: b, secondsPerUpdate: sec, examplesPerSecond: b / sec, updatesPerRepeat: perRepeat, batchBytes: batchBytes(copy, data.targetWidth, b) };
  });
  const { peak, knee } = kneeOf(rows, 0.9);
  const fixedBytes = 4 * 4 * copy.params.length;
  // A copy's memory (and resident copy of the data) goes back to the pool: the next profile on
  // this thread reuses it instead of making and filling another. A model timed in place is its caller's to dispose.
  if (copy !== model) copy.dispose();
  return {
    kind: 'throughput', backend: model.backend.name, rows, peakExamplesPerSecond: peak, knee, kneeFraction: 0.9,
    fixedBytes, repeats, seconds: (clock() - t0) / 1000,
  };
}

/** Peak examples/s and the smallest batch size reaching `fraction` of it. */
export function kneeOf(rows: readonly ThroughputRow[], fraction = 0.9): { peak: number; knee: number } {
  const peak = Math.max(...rows.map((r) => r.examplesPerSecond));
  const knee = rows.find((r) => r.examplesPerSecond >= fraction * peak)?.batchSize ?? NaN;
  return { peak, knee };
}

/** Seconds per update at batch size B read off a profile: log-log interpolation between timed sizes, clamped at the ends. */
export function secondsPerUpdateAt(profile: Pick<ThroughputProfile, 'rows'>, batchSize: number): number {
  return interpolatedSeconds(profile.rows, batchSize);
}

function timeSteps(step: (b: number) => void, b: number, minMs: number, clock: () => number): { perUpdate: number; updates: number } {
  const t0 = clock(); let k = 0; let now = t0;
  do { step(b); k++; now = clock(); } while (now - t0 < minMs && k < 1e6);
  return { perUpdate: (now - t0) / 1000 / k, updates: k };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
