// Pollux's goodput of a batch size: throughput (measured seconds per update, read off a profile or a fitted cost model) x statistical efficiency.

/** One timed batch size: what the adaptive policy needs of a throughput profile's rows. */
export interface UpdateCost { batchSize: number; secondsPerUpdate: number }

/**
 * Statistical efficiency of batch size M against the base B_0 at noise scale phi = B_simple
 * (Pollux, Qiao et al., OSDI 2021): E(M) = (phi + B_0) / (phi + M), the progress per
 * example relative to B_0 (McCandlish et al. 2018: steps S = S_min (1 + phi / M)). 1 at M = B_0;
 * Infinity phi (noise dominates) gives 1 for every M.
 */
export function efficiency(phi: number, batch: number, base: number): number {
  if (phi === Infinity) return 1;
  return (phi + base) / (phi + batch);
}

/** Pollux's model of the time of one update: t(M) = alpha + beta x M seconds (a fixed cost per update plus a cost per example). */
export interface CostModel { alpha: number; beta: number }

/**
 * Fits t(M) = alpha + beta M to timed rows by least squares on the relative error (weights
 * 1 / t^2, so small batches count as much as large ones), alpha and beta >= 0. Pollux (Qiao et
 * al., OSDI 2021) models an update's compute time the same way: a smooth model, so one disturbed
 * timing does not flip a decision between neighbouring sizes.
 */
export function fitCostModel(rows: readonly UpdateCost[]): CostModel {
  let sw = 0; let sb = 0; let sbb = 0; let st = 0; let sbt = 0;
  for (const r of rows) {
    const w = 1 / (r.secondsPerUpdate * r.secondsPerUpdate); const b = r.batchSize; const t = r.secondsPerUpdate;
    sw += w; sb += w * b; sbb += w * b * b; st += w * t; sbt += w * b * t;
  }
  const det = sw * sbb - sb * sb;
  let alpha = det > 0 ? (st * sbb - sb * sbt) / det : NaN; let beta = det > 0 ? (sw * sbt - sb * st) / det : NaN;
  if (!(alpha >= 0)) { alpha = 0; beta = sbb > 0 ? sbt / sbb : 0; }
  if (!(beta >= 0)) { beta = 0; alpha = sw > 0 ? st / sw : 0; }
  return { alpha, beta };
}

/**
 * Seconds per update at batch size M read off timed rows (sorted by batch size): the row's own
 * timing at a timed size, log-log interpolation between timed sizes; below the smallest its
 * timing, above the largest its timing scaled by M / its size (no gain past the profile). The
 * adaptive policy decides, and the time to a target is priced, by this same reading.
 */
export function interpolatedSeconds(rows: readonly UpdateCost[], batch: number): number {
  if (rows.length === 0) return NaN;
  const exact = rows.find((r) => r.batchSize === batch);
  if (exact) return exact.secondsPerUpdate;
  const hi = rows.findIndex((r) => r.batchSize > batch);
  if (hi <= 0) {
    const r = hi === 0 ? rows[0]! : rows[rows.length - 1]!;
    return r.secondsPerUpdate * (hi === 0 ? 1 : batch / r.batchSize);
  }
  const a = rows[hi - 1]!; const b = rows[hi]!;
  const f = Math.log(batch / a.batchSize) / Math.log(b.batchSize / a.batchSize);
  return Math.exp(Math.log(a.secondsPerUpdate) + f * Math.log(b.secondsPerUpdate / a.secondsPerUpdate));
}

/** Seconds per update as a function of the batch size: a fitted CostModel, or a reading of timed rows. */
export type UpdateTime = CostModel | ((batch: number) => number);

/**
 * Goodput of batch size M under a cost model: examples per second x efficiency (Pollux):
 * M / (alpha + beta M) x E(M). E(M) = r B_0 / M with AdaScale's gain r (an update at M makes r
 * updates' progress at B_0 when its rate is r x the base rate). `scale`, the learning-rate factor
 * actually applied at M when a bound keeps it below r, replaces r: E = min(r, scale) x B_0 / M,
 * so a batch whose rate is capped is not credited with progress that needs the uncapped rate.
 */
export function goodput(cost: UpdateTime, phi: number, batch: number, base: number, scale = Infinity): number {
  const e = efficiency(phi, batch, base);
  const t = typeof cost === 'function' ? cost(batch) : cost.alpha + cost.beta * batch;
  return (batch / t) * Math.min(e, (scale * base) / batch);
}
