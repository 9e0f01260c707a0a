// The whole-epoch SGD kernel of one-layer, one-output models at batch size 1: forward, loss, gradient, divergence check and torch.optim.SGD's update per row, with the bits of the per-step path.
//
// Every operation mirrors, in the same precision and order, what one general training step
// does for a batch of one row (src/train/loop.ts): the layer's forward and parameter-gradient
// kernels (the WASM ones of kernels.ts, or with JS_LAYER the JS reference ones of
// src/kernels/js/js-backend.ts), the loss of src/nn/losses.ts (float64, exp and log1p with
// V8's bits: libm.ts), the divergence rule of TrainLoop.exceeds, SGD's update of
// src/optim/sgd.ts and assembly/optim.ts (float64, rounded to float32 on store) and the
// optimizer's denormal flush every FLUSH_EVERY updates.

import { dotRow, madd } from './dot';
import { expF64, log1pF64 } from './libm';
import { flush, rule1, rule2 } from './sgd-rule';

/** Math.exp's bits (assembly/libm.ts, inlined into the kernel), exported for the differential test. */
export function exp64(x: f64): f64 { return expF64(x); }
/** Math.log1p's bits (assembly/libm.ts, inlined into the kernel), exported for the differential test. */
export function log1p64(x: f64): f64 { return log1pF64(x); }

/** flags: the output is linear with squared error (else sigmoid with binary cross-entropy). */
const LINEAR = 1;
/** flags: the layer runs on the JS reference kernels (float64 sums), not the WASM ones. */
const JS_LAYER = 2;
/** flags: Nesterov momentum. */
const NESTEROV = 4;

/** Slots of the f64 job block: inputs limit, mu, keep, wd, flushEvery; outputs lastLoss, diverged. */
const J_LIMIT = 0; const J_MU = 8; const J_KEEP = 16; const J_WD = 24; const J_FLUSH = 32; const J_LAST = 40; const J_DIVERGED = 48;

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

/** The row's gradient alone (for a row that diverged: computed, not applied), as gradientStep writes it. */
function gradient(x: usize, g: usize, k: i32, d: f32, js: bool): void {
  const dv = f32x4.splat(d); const zero = f32x4.splat(0);
  for (let j = 0; j < k; j++) {
    const o = <usize>j << 2;
    store<f32>(g + o, js ? d * load<f32>(x + o) : k == 1 ? <f32>0 + d * load<f32>(x) : f32x4.extract_lane(madd(dv, v128.load32_zero(x + o), zero), 0));
  }
  store<f32>(g + (<usize>k << 2), js ? d : <f32>0 + d);
}

/**
 * The update of p = [w, b] (momentum buffer mb, 0 for none) with the row's parameter gradient
 * from the output delta d, kept in registers (sgdEpoch writes the last row's into the gradient
 * buffer once, through {@link gradient}: the same operations). The gradient is the WASM
 * kernels' x^T d, f32x4 multiply-adds onto 0 (dotColumn's scalar 0 + d x when k = 1), and the
 * bias a column sum 0 + d; with `js` the JS kernels' x d (one float32 rounding) and d itself.
 * Four weights at a time are updated in f64x2 lanes and stored as one f32x4, so the next row's
 * f32x4 loads of w are served by these stores (scalar stores would stall each of them).
 */
@inline function gradientStep(x: usize, p: usize, mb: usize, k: i32, d: f32, js: bool,
  lr: f64, mu: f64, keep: f64, wd: f64, mode: i32): void {
  let j = 0;
  if (!js) {
    const dv = f32x4.splat(d); const zero = f32x4.splat(0);
    const LR = f64x2.splat(lr); const MU = f64x2.splat(mu); const KEEP = f64x2.splat(keep); const WD = f64x2.splat(wd);
    for (; j + 4 <= k; j += 4) {
      const o = <usize>j << 2;
      const gv = madd(dv, v128.load(x + o), zero);
      const pv = v128.load(p + o);
      const lo = rule2(f64x2.promote_low_f32x4(pv), f64x2.promote_low_f32x4(gv), mb + o, LR, MU, KEEP, WD, mode);
      const hi = rule2(f64x2.promote_low_f32x4(i8x16.shuffle(pv, pv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)),
        f64x2.promote_low_f32x4(i8x16.shuffle(gv, gv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)), mb + o + 8, LR, MU, KEEP, WD, mode);
      v128.store(p + o, i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    }
    if (j < k) {
      // The last 1-3 weights: their gradient lanes as the kernels' tail tile computes them (the
      // row's f32x4 read runs up to 12 bytes past its end, as the kernels' tails do).
      const t = madd(dv, v128.load(x + (<usize>j << 2)), zero);
      for (let l = 0; j < k; j++, l++) {
        const o = <usize>j << 2;
        const gj: f32 = k == 1 ? <f32>0 + d * load<f32>(x) : l == 0 ? f32x4.extract_lane(t, 0) : l == 1 ? f32x4.extract_lane(t, 1) : f32x4.extract_lane(t, 2);
        store<f32>(p + o, rule1(<f64>load<f32>(p + o), <f64>gj, mb + o, lr, mu, keep, wd, mode));
      }
    }
  } else {
    for (; j < k; j++) {
      const o = <usize>j << 2; const gj = d * load<f32>(x + o);
      store<f32>(p + o, rule1(<f64>load<f32>(p + o), <f64>gj, mb + o, lr, mu, keep, wd, mode));
    }
  }
  const o = <usize>k << 2; const gb: f32 = js ? d : <f32>0 + d;
  store<f32>(p + o, rule1(<f64>load<f32>(p + o), <f64>gb, mb + o, lr, mu, keep, wd, mode));
}

/** Update t of the row (gradientStep with the optimizer's mode for step t) and the flush of mb every `every` updates. */
@inline function step(x: usize, p: usize, mb: usize, k: i32, d: f32, js: bool, lr: f64, mu: f64, keep: f64, wd: f64,
  nesterov: bool, t: i32, every: i32, tiny: f32): void {
  const mode = mu == 0 ? (wd == 0 ? 0 : 1) : t == 1 ? (nesterov ? 3 : 2) : nesterov ? 4 : 5;
  gradientStep(x, p, mb, k, d, js, lr, mu, keep, wd, mode);
  if (mb && t % every == 0) flush(mb, k + 1, tiny);
}

/**
 * Batch-1 SGD over rows order[from .. from + count) of a resident feature matrix `rows` (k
 * floats per row) with targets `ys` (one float per row), on parameters p = [w (k), b] with
 * gradient buffer g and momentum buffer mb (0: none). Per row: z = b + x . w (float32), the
 * loss l and delta d as losses.ts computes them for one row, `stats` (f64: loss, correct,
 * absErr, sqErr, count) += the row's sums, the step's loss (stats.loss after - before); then,
 * unless that loss is not finite or above job.limit (the row is then reported and not applied),
 * the update at rate rates[i] with the optimizer's step count iter0 + i + 1, and the flush of mb
 * every job.flushEvery updates. g ends as the last row's gradient (applied or diverged), as the
 * general path leaves it. Returns the updates applied; job gets the last step's loss and
 * whether it diverged.
 */
export function sgdEpoch(k: i32, rows: usize, ys: usize, order: usize, from: i32, count: i32, p: usize, g: usize, mb: usize,
  stats: usize, rates: usize, job: usize, flags: i32, iter0: i32, tiny: f32): i32 {
  const js = (flags & JS_LAYER) != 0; const linear = (flags & LINEAR) != 0; const nesterov = (flags & NESTEROV) != 0;
  const limit = load<f64>(job, J_LIMIT); const mu = load<f64>(job, J_MU); const keep = load<f64>(job, J_KEEP); const wd = load<f64>(job, J_WD);
  const every = <i32>load<f64>(job, J_FLUSH); const rowBytes = <usize>k << 2;
  let sLoss = load<f64>(stats); let sCorrect = load<f64>(stats, 8); let sAbs = load<f64>(stats, 16); let sSq = load<f64>(stats, 24);
  let sCount = load<f64>(stats, 32);
  let last = NaN; let applied = 0; let diverged = 0; let lastX: usize = 0; let lastD: f32 = 0;
  for (let i = 0; i < count; i++) {
    const r = <usize>load<u32>(order + (<usize>(from + i) << 2));
    const x = rows + r * rowBytes; const y = <f64>load<f32>(ys + (r << 2));
    const z = <f64>(js ? dotJs(x, p, k) : dotRow(x, p, k, load<f32>(p + (<usize>k << 2))));
    let loss = 0.0; let correct = 0.0; let absErr = 0.0; let sqErr = 0.0; let d: f32;
    let base = 0.0; let ez = 0.0;
    if (linear) {
      const e = z - y;
      sqErr += e * e; absErr += Math.abs(e);
      d = <f32>(2.0 * e);
      loss = sqErr;
    } else {
      ez = expF64(-Math.abs(z));
      base = (z > 0 ? z : 0.0) - z * y;
      const q = z >= 0 ? 1.0 / (1.0 + ez) : ez / (1.0 + ez);
      if ((z >= 0) == (y >= 0.5)) correct = 1.0;
      const e = q - y; absErr += Math.abs(e); sqErr += e * e;
      d = <f32>e;
    }
    // The row's loss is base + log1p(ez) with 0 < log1p(ez) <= ln 2 < 0.7. When even base + 0.7,
    // with a margin far above the rounding of the running sum, is finite and within the limit,
    // the row cannot diverge: its update is applied first and the exact loss (the costly log1p,
    // off the critical path then) follows. The loss and the sums are the same either way.
    const ab = Math.abs(base);
    const safe = !linear && ab < 1e300 && Math.abs(sLoss) < 1e300 && (limit == Infinity || ab + 0.7 + 1e-9 * (Math.abs(sLoss) + ab + 1.0) <= limit);
    if (safe) {
      step(x, p, mb, k, d, js, load<f64>(rates + (<usize>i << 3)), mu, keep, wd, nesterov, iter0 + applied + 1, every, tiny);
      applied++; lastX = x; lastD = d;
    }
    if (!linear) loss += base + log1pF64(ez);
    const before = sLoss;
    sLoss += loss; sCorrect += correct; sAbs += absErr; sSq += sqErr; sCount += 1.0;
    last = sLoss - before;
    if (safe) continue;
    if (!(Math.abs(last) <= f64.MAX_VALUE) || last > limit) { gradient(x, g, k, d, js); diverged = 1; break; }
    step(x, p, mb, k, d, js, load<f64>(rates + (<usize>i << 3)), mu, keep, wd, nesterov, iter0 + applied + 1, every, tiny);
    applied++; lastX = x; lastD = d;
  }
  // The gradient buffer ends as the general path leaves it: the last applied row's gradient (a
  // diverged row wrote its own above). Written once here, not per row, with the same operations.
  if (!diverged && applied > 0) gradient(lastX, g, k, lastD, js);
  store<f64>(stats, sLoss); store<f64>(stats, sCorrect, 8); store<f64>(stats, sAbs, 16); store<f64>(stats, sSq, 24);
  store<f64>(stats, sCount, 32);
  store<f64>(job, last, J_LAST); store<f64>(job, <f64>diverged, J_DIVERGED);
  return applied;
}
