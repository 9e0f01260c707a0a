// The whole-epoch SGD kernel of one-layer, one-output models at batch size 1: forward, loss, gradient, divergence check and torch.optim.SGD's update per row, with the bits of the per-step path.
//
// Every operation mirrors, in the same precision and order, what one general training step
// does for a batch of one row (src/train/loop.ts): the layer's forward and parameter-gradient
// kernels (the WASM ones of kernels.ts, or with JS_LAYER the JS reference ones of
// src/kernels/js/js-backend.ts), the loss of src/nn/losses.ts (float64, exp and log1p with
// V8's bits: libm.ts), the divergence rule of TrainLoop.exceeds, SGD's update of
// src/optim/sgd.ts and assembly/optim.ts (float64, rounded to float32 on store) and the
// optimizer's denormal flush every FLUSH_EVERY updates.

import { exp64, log1p64 } from './libm';

export { exp64, log1p64 };

/** flags: the output is linear with squared error (else sigmoid with binary cross-entropy). */
const LINEAR = 1;
/** flags: the layer runs on the JS reference kernels (float64 sums), not the WASM ones. */
const JS_LAYER = 2;
/** flags: Nesterov momentum. */
const NESTEROV = 4;

/** Slots of the f64 job block: inputs limit, mu, keep, wd, flushEvery; outputs lastLoss, diverged. */
const J_LIMIT = 0; const J_MU = 8; const J_KEEP = 16; const J_WD = 24; const J_FLUSH = 32; const J_LAST = 40; const J_DIVERGED = 48;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** kernels.ts dotColumn for one row: b + x . w, f32x4 sums over blocks of 8, then the scalar tail. */
@inline function dotWasm(x: usize, w: usize, k: i32): f32 {
  let s0 = f32x4.splat(0); let s1 = f32x4.splat(0); let p = 0;
  for (; p + 8 <= k; p += 8) {
    const o = <usize>p << 2;
    s0 = madd(v128.load(x + o), v128.load(w + o), s0);
    s1 = madd(v128.load(x + o, 16), v128.load(w + o, 16), s1);
  }
  s0 = f32x4.add(s0, s1);
  let s = load<f32>(w + (<usize>k << 2)) + ((f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1)) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3)));
  for (; p < k; p++) s += load<f32>(x + (<usize>p << 2)) * load<f32>(w + (<usize>p << 2));
  return s;
}

/** JsBackend.denseForward for one row and one output: four float64 partial sums, the tail into the first. */
@inline function dotJs(x: usize, w: usize, k: i32): f32 {
  let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p << 2;
    s0 += <f64>load<f32>(x + o) * <f64>load<f32>(w + o); s1 += <f64>load<f32>(x + o, 4) * <f64>load<f32>(w + o, 4);
    s2 += <f64>load<f32>(x + o, 8) * <f64>load<f32>(w + o, 8); s3 += <f64>load<f32>(x + o, 12) * <f64>load<f32>(w + o, 12);
  }
  for (; p < k; p++) s0 += <f64>load<f32>(x + (<usize>p << 2)) * <f64>load<f32>(w + (<usize>p << 2));
  return <f32>(<f64>load<f32>(w + (<usize>k << 2)) + ((s0 + s1) + (s2 + s3)));
}

/**
 * The parameter gradient of one row into g (weights then bias) from the output delta d: the
 * WASM kernels' x^T d as f32x4 multiply-adds onto 0 (dotColumn's scalar form when k = 1) and the
 * bias as a column sum 0 + d; the JS kernels' x d (one float32 rounding) and d itself.
 */
@inline function gradient(x: usize, g: usize, k: i32, d: f32, js: bool): void {
  if (js) {
    for (let p = 0; p < k; p++) store<f32>(g + (<usize>p << 2), d * load<f32>(x + (<usize>p << 2)));
    store<f32>(g + (<usize>k << 2), d);
    return;
  }
  if (k == 1) store<f32>(g, <f32>0 + d * load<f32>(x));
  else {
    const dv = f32x4.splat(d); const zero = f32x4.splat(0); let p = 0;
    for (; p + 4 <= k; p += 4) { const o = <usize>p << 2; v128.store(g + o, madd(dv, v128.load(x + o), zero)); }
    if (p < k) {
      // The last 1-3 lanes (the row's f32x4 read runs up to 12 bytes past its end, as the kernels' tails do).
      const o = <usize>p << 2; const v = madd(dv, v128.load(x + o), zero);
      store<f32>(g + o, f32x4.extract_lane(v, 0));
      if (p + 1 < k) store<f32>(g + o, f32x4.extract_lane(v, 1), 4);
      if (p + 2 < k) store<f32>(g + o, f32x4.extract_lane(v, 2), 8);
    }
  }
  store<f32>(g + (<usize>k << 2), <f32>0 + d);
}

/**
 * One torch.optim.SGD update of n parameters (assembly/optim.ts sgdUpdate's scalar form, the
 * same float64 operations as src/optim/sgd.ts): mode 0 plain, 1 weight decay, 2/3 first
 * momentum step (classic / Nesterov), 4 Nesterov, 5 classic momentum.
 */
@inline function update(n: i32, p: usize, g: usize, b: usize, lr: f64, mu: f64, keep: f64, wd: f64, mode: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2; const pi = <f64>load<f32>(p + o); const gr = <f64>load<f32>(g + o);
    if (mode == 0) { store<f32>(p + o, <f32>(pi - lr * gr)); continue; }
    const gi = gr + wd * pi;
    if (mode == 1) { store<f32>(p + o, <f32>(pi - lr * gi)); continue; }
    if (mode == 2) { store<f32>(b + o, <f32>gi); store<f32>(p + o, <f32>(pi - lr * gi)); continue; }
    if (mode == 3) { store<f32>(b + o, <f32>gi); store<f32>(p + o, <f32>(pi - lr * (gi + mu * gi))); continue; }
    const bi = mu * <f64>load<f32>(b + o) + keep * gi;
    store<f32>(b + o, <f32>bi);
    store<f32>(p + o, <f32>(pi - lr * (mode == 4 ? gi + mu * bi : bi)));
  }
}

/** x <- 0 where |x| < tiny, over n floats (the optimizer's denormal flush). */
@inline function flush(b: usize, n: i32, tiny: f32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; if (abs<f32>(load<f32>(b + o)) < tiny) store<f32>(b + o, 0); }
}

/**
 * Batch-1 SGD over rows order[from .. from + count) of a resident feature matrix `rows` (k
 * floats per row) with targets `ys` (one float per row), on parameters p = [w (k), b] with
 * gradient buffer g and momentum buffer mb (0: none). Per row: z = b + x . w (float32), the
 * loss l and delta d as losses.ts computes them for one row, `stats` (f64: loss, correct,
 * absErr, sqErr, count) += the row's sums, the step's loss (stats.loss after - before), g = the
 * row's gradient; then, unless that loss is not finite or above job.limit (the row is then
 * reported and not applied), the update at rate rates[i] with the optimizer's step count
 * iter0 + i + 1, and the flush of mb every job.flushEvery updates. Returns the updates applied;
 * job gets the last step's loss and whether it diverged.
 */
export function sgdEpoch(k: i32, rows: usize, ys: usize, order: usize, from: i32, count: i32, p: usize, g: usize, mb: usize,
  stats: usize, rates: usize, job: usize, flags: i32, iter0: i32, tiny: f32): i32 {
  const js = (flags & JS_LAYER) != 0; const linear = (flags & LINEAR) != 0; const nesterov = (flags & NESTEROV) != 0;
  const limit = load<f64>(job, J_LIMIT); const mu = load<f64>(job, J_MU); const keep = load<f64>(job, J_KEEP); const wd = load<f64>(job, J_WD);
  const every = <i32>load<f64>(job, J_FLUSH); const rowBytes = <usize>k << 2;
  let sLoss = load<f64>(stats); let sCorrect = load<f64>(stats, 8); let sAbs = load<f64>(stats, 16); let sSq = load<f64>(stats, 24);
  let sCount = load<f64>(stats, 32);
  let last = NaN; let applied = 0; let diverged = 0;
  for (let i = 0; i < count; i++) {
    const r = <usize>load<u32>(order + (<usize>(from + i) << 2));
    const x = rows + r * rowBytes; const y = <f64>load<f32>(ys + (r << 2));
    const z = <f64>(js ? dotJs(x, p, k) : dotWasm(x, p, k));
    let loss = 0.0; let correct = 0.0; let absErr = 0.0; let sqErr = 0.0; let d: f32;
    if (linear) {
      const e = z - y;
      sqErr += e * e; absErr += Math.abs(e);
      d = <f32>(2.0 * e);
      loss = sqErr;
    } else {
      const ez = exp64(-Math.abs(z));
      loss += (z > 0 ? z : 0.0) - z * y + log1p64(ez);
      const q = z >= 0 ? 1.0 / (1.0 + ez) : ez / (1.0 + ez);
      if ((z >= 0) == (y >= 0.5)) correct = 1.0;
      const e = q - y; absErr += Math.abs(e); sqErr += e * e;
      d = <f32>e;
    }
    const before = sLoss;
    sLoss += loss; sCorrect += correct; sAbs += absErr; sSq += sqErr; sCount += 1.0;
    last = sLoss - before;
    gradient(x, g, k, d, js);
    if (!(Math.abs(last) <= f64.MAX_VALUE) || last > limit) { diverged = 1; break; }
    const t = iter0 + applied + 1;
    const mode = mu == 0 ? (wd == 0 ? 0 : 1) : t == 1 ? (nesterov ? 3 : 2) : nesterov ? 4 : 5;
    update(k + 1, p, g, mb, load<f64>(rates + (<usize>i << 3)), mu, keep, wd, mode);
    applied++;
    if (mb && (iter0 + applied) % every == 0) flush(mb, k + 1, tiny);
  }
  store<f64>(stats, sLoss); store<f64>(stats, sCorrect, 8); store<f64>(stats, sAbs, 16); store<f64>(stats, sSq, 24);
  store<f64>(stats, sCount, 32);
  store<f64>(job, last, J_LAST); store<f64>(job, <f64>diverged, J_DIVERGED);
  return applied;
}
