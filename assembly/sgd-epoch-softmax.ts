// The whole-epoch SGD kernel of one-layer softmax models at batch size 1 (multinomial logistic regression): forward, cross-entropy, gradient, divergence check and torch.optim.SGD's update per row, with the bits of the per-step path.
//
// Every operation mirrors, in the same precision and order, what one general training step does
// for a batch of one row on the WASM kernels (src/kernels/wasm/dense-runner.ts): gemm's one-row
// pass (each logit its bias, then one multiply-add per input in order), softmaxXent's row
// (softmax-row.ts, the same code), the weight gradient x^T d as f32x4 multiply-adds onto 0 and
// the bias gradient 0 + d (colSums), the divergence rule of TrainLoop.exceeds, SGD's update
// (sgd-rule.ts) and the denormal flush of the momentum buffer every `every` updates.
//
// Sparse rows (most pixels of a digit are 0) skip their zero inputs where that changes no bit:
// - forward: x_p = +-0 adds a signed zero to a logit's running sum, which leaves it unchanged
//   unless the sum is -0 or the weight is not finite. A sum that starts at a bias other than -0
//   can never become -0 (a sum of two values is -0 only when both are), so the zeros are skipped
//   when no bias of the row is -0 and every weight is finite (checked on entry and after every
//   update);
// - update: the gradient of a zero input is 0 +- 0 = +0 when every delta is finite, and plain SGD
//   (no momentum, no weight decay) at a finite rate > 0 then leaves a finite weight as it is.

import { madd } from './dot';
import { flush, ld2, rule1, rule2, st2 } from './sgd-rule';
import { deltaRow, expRow, lastRowArg, lastRowMax } from './softmax-row';

/** flags: Nesterov momentum. */
const NESTEROV = 4;
/** Slots of the f64 job block: inputs limit, mu, keep, wd, flushEvery; outputs lastLoss, diverged. */
const J_LIMIT = 0; const J_MU = 8; const J_KEEP = 16; const J_WD = 24; const J_FLUSH = 32; const J_LAST = 40; const J_DIVERGED = 48;
const INF = f32x4.splat(Infinity);

/** The biases at b as a logit pass starts from them: the first `left` lanes (all when >= 4), zeros after. */
@inline function biasLanes(b: usize, left: i32): v128 {
  if (left >= 4) return v128.load(b);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(b));
  if (left > 1) v = f32x4.replace_lane(v, 1, load<f32>(b, 4));
  if (left > 2) v = f32x4.replace_lane(v, 2, load<f32>(b, 8));
  return v;
}

/** Logits j .. j + 4 nv of one row (nv a constant 1-4 at each call) over the inputs listed at `list` (n u32 indices, ascending). */
@inline function logitsPass(nv: i32, c: i32, j: i32, x: usize, w: usize, cR: usize, list: usize, n: i32, bias: usize, z: usize): void {
  const b = bias + (<usize>j << 2); const left = c - j;
  let c0 = biasLanes(b, left); let c1 = nv > 1 ? biasLanes(b + 16, left - 4) : c0;
  let c2 = nv > 2 ? biasLanes(b + 32, left - 8) : c0; let c3 = nv > 3 ? biasLanes(b + 48, left - 12) : c0;
  const wj = w + (<usize>j << 2);
  for (let i = 0; i < n; i++) {
    const q = <usize>load<u32>(list + (<usize>i << 2));
    const xv = v128.load32_splat(x + (q << 2)); const row = wj + q * cR;
    c0 = madd(xv, v128.load(row), c0);
    if (nv > 1) c1 = madd(xv, v128.load(row, 16), c1);
    if (nv > 2) c2 = madd(xv, v128.load(row, 32), c2);
    if (nv > 3) c3 = madd(xv, v128.load(row, 48), c3);
  }
  const zj = z + (<usize>j << 2);
  v128.store(zj, c0);
  if (nv > 1) v128.store(zj, c1, 16);
  if (nv > 2) v128.store(zj, c2, 32);
  if (nv > 3) v128.store(zj, c3, 48);
}

/** All c logits of one row into z (lanes past c hold scratch values): 16 at a time, as gemm's one-row pass. */
function logits(c: i32, x: usize, w: usize, list: usize, n: i32, bias: usize, z: usize): void {
  const cR = <usize>c << 2;
  for (let j = 0; j < c; j += 16) {
    const nv = min(4, (c - j + 3) >> 2);
    if (nv == 4) logitsPass(4, c, j, x, w, cR, list, n, bias, z);
    else if (nv == 3) logitsPass(3, c, j, x, w, cR, list, n, bias, z);
    else if (nv == 2) logitsPass(2, c, j, x, w, cR, list, n, bias, z);
    else logitsPass(1, c, j, x, w, cR, list, n, bias, z);
  }
}

/** The nonzero inputs of row x (k floats; NaN counts as nonzero) as ascending u32 indices at `list`; returns how many. */
function nonzeros(x: usize, k: i32, list: usize): i32 {
  const zero = f32x4.splat(0); let n = 0; let p = 0;
  for (; p + 4 <= k; p += 4) {
    let m = i32x4.bitmask(f32x4.ne(v128.load(x + (<usize>p << 2)), zero));
    while (m) { store<u32>(list + (<usize>n << 2), p + ctz(m)); n++; m &= m - 1; }
  }
  for (; p < k; p++) if (load<f32>(x + (<usize>p << 2)) != 0) { store<u32>(list + (<usize>n << 2), p); n++; }
  return n;
}

/** Whether every one of the n floats at v is finite. */
function allFinite(v: usize, n: i32): bool {
  let ok = i32x4.splat(-1); let i = 0;
  for (; i + 4 <= n; i += 4) ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(v + (<usize>i << 2))), INF));
  for (; i < n; i++) if (!(abs<f32>(load<f32>(v + (<usize>i << 2))) < Infinity)) return false;
  return v128.all_true<i32>(ok);
}

/** Whether none of the c floats at b is -0. */
@inline function noNegativeZero(b: usize, c: i32): bool {
  for (let j = 0; j < c; j++) if (load<u32>(b + (<usize>j << 2)) == 0x80000000) return false;
  return true;
}

/**
 * The weight rows listed at `list` (n u32 indices) updated with the row's gradient x_q d (f32x4
 * multiply-adds onto 0, lane by lane as gemm computes them) by the SGD rule `mode`; momentum
 * buffer mb (same layout). Returns whether every new weight is finite.
 */
function updateRows(c: i32, x: usize, w: usize, mb: usize, list: usize, n: i32, d: usize,
  lr: f64, mu: f64, keep: f64, wd: f64, mode: i32): bool {
  const cR = <usize>c << 2; const zero = f32x4.splat(0); let ok = i32x4.splat(-1);
  const LR = f64x2.splat(lr); const MU = f64x2.splat(mu); const KEEP = f64x2.splat(keep); const WD = f64x2.splat(wd);
  for (let i = 0; i < n; i++) {
    const q = <usize>load<u32>(list + (<usize>i << 2));
    const xv = v128.load32_splat(x + (q << 2)); const row = w + q * cR; const brow = mb + q * cR;
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const gv = madd(xv, v128.load(d + o), zero); const pv = v128.load(row + o);
      const lo = rule2(f64x2.promote_low_f32x4(pv), f64x2.promote_low_f32x4(gv), brow + o, LR, MU, KEEP, WD, mode);
      const hi = rule2(f64x2.promote_low_f32x4(i8x16.shuffle(pv, pv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)),
        f64x2.promote_low_f32x4(i8x16.shuffle(gv, gv, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)), brow + o + 8, LR, MU, KEEP, WD, mode);
      const nv = i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
      v128.store(row + o, nv);
      ok = v128.and(ok, f32x4.lt(f32x4.abs(nv), INF));
    }
    if (j + 2 <= c) {
      const o = <usize>j << 2;
      const gv = madd(xv, v128.load64_zero(d + o), zero);
      const r = rule2(ld2(row + o), f64x2.promote_low_f32x4(gv), brow + o, LR, MU, KEEP, WD, mode);
      st2(row + o, r);
      ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load64_zero(row + o)), INF));
      j += 2;
    }
    if (j < c) {
      const o = <usize>j << 2;
      const gj = f32x4.extract_lane(madd(xv, v128.load32_zero(d + o), zero), 0);
      const v = rule1(<f64>load<f32>(row + o), <f64>gj, brow + o, lr, mu, keep, wd, mode);
      store<f32>(row + o, v);
      if (!(abs<f32>(v) < Infinity)) ok = i32x4.splat(0);
    }
  }
  return v128.all_true<i32>(ok);
}

/** The row's whole gradient into g = [W (k x c), b] (the general step's: x^T d onto 0, then 0 + d). */
function gradient(k: i32, c: i32, x: usize, g: usize, d: usize): void {
  const cR = <usize>c << 2; const zero = f32x4.splat(0);
  for (let q = 0; q < k; q++) {
    const xv = v128.load32_splat(x + (<usize>q << 2)); const row = g + <usize>q * cR;
    let j = 0;
    for (; j + 4 <= c; j += 4) v128.store(row + (<usize>j << 2), madd(xv, v128.load(d + (<usize>j << 2)), zero));
    for (; j < c; j++) store<f32>(row + (<usize>j << 2), f32x4.extract_lane(madd(xv, v128.load32_zero(d + (<usize>j << 2)), zero), 0));
  }
  const b = g + <usize>k * cR;
  for (let j = 0; j < c; j++) store<f32>(b + (<usize>j << 2), <f32>0 + load<f32>(d + (<usize>j << 2)));
}

/**
 * Batch-1 SGD of a softmax layer (k inputs, c classes; parameters p = [W (k x c, row-major), b
 * (c)], gradient buffer g, momentum buffer mb or 0) over rows order[from .. from + count) of the
 * resident rows (k floats each) with class indices ys (float32), as sgdEpoch does for one output:
 * per row the logits, the cross-entropy and delta of softmaxXent at scale 1, `stats` (f64: loss,
 * correct, absErr, sqErr, count) += the row's sums, the step's loss (stats.loss after - before);
 * unless that loss is not finite or above job.limit (the row is then reported and not applied),
 * the update at rate rates[i] with step count iter0 + i + 1 and the flush of mb every
 * job.flushEvery updates. `work` is scratch of 2 ceil(c / 4) x 4 + 8 floats plus 2k u32 indices.
 * g ends as the last row's gradient (applied or diverged). Returns the updates applied; job gets
 * the last step's loss and whether it diverged.
 */
export function sgdEpochSoftmax(k: i32, c: i32, rows: usize, ys: usize, order: usize, from: i32, count: i32, p: usize, g: usize, mb: usize,
  stats: usize, rates: usize, job: usize, flags: i32, iter0: i32, tiny: f32, work: usize): i32 {
  const nesterov = (flags & NESTEROV) != 0;
  const limit = load<f64>(job, J_LIMIT); const mu = load<f64>(job, J_MU); const keep = load<f64>(job, J_KEEP); const wd = load<f64>(job, J_WD);
  const every = <i32>load<f64>(job, J_FLUSH); const rowBytes = <usize>k << 2;
  const cPad = <usize>(((c + 3) & ~3) + 4) << 2;
  const z = work; const d = work + cPad; const all = d + cPad; const nz = all + rowBytes;
  for (let q = 0; q < k; q++) store<u32>(all + (<usize>q << 2), q);
  const bias = p + <usize>k * (<usize>c << 2);
  let finite = allFinite(p, k * c);
  let sLoss = load<f64>(stats); let sCorrect = load<f64>(stats, 8); const sAbs = load<f64>(stats, 16); const sSq = load<f64>(stats, 24);
  let sCount = load<f64>(stats, 32);
  let last = NaN; let applied = 0; let diverged = 0; let lastX: usize = 0;
  for (let i = 0; i < count; i++) {
    const r = <usize>load<u32>(order + (<usize>(from + i) << 2));
    const x = rows + r * rowBytes; const label = <i32>load<f32>(ys + (r << 2));
    let list = all; let n = k; let nzCount = k;
    if (finite) { list = nz; n = nzCount = nonzeros(x, k, nz); }
    if (!noNegativeZero(bias, c)) { list = all; n = k; }
    logits(c, x, p, list, n, bias, z);
    const zl = load<f32>(z + (<usize>label << 2));
    const total = expRow(z, c, d);
    let rowLoss: f64 = 0; rowLoss += <f64>lastRowMax() + Math.log(total) - <f64>zl;
    let rowCorrect: f64 = 0; if (lastRowArg() == label) rowCorrect += 1;
    deltaRow(d, c, label, total, 1);
    const before = sLoss;
    sLoss += 0.0 + rowLoss; sCorrect += 0.0 + rowCorrect; sCount += 1;
    last = sLoss - before;
    if (!(Math.abs(last) <= f64.MAX_VALUE) || last > limit) { gradient(k, c, x, g, d); diverged = 1; break; }
    const lr = load<f64>(rates + (<usize>i << 3)); const t = iter0 + applied + 1;
    const mode = mu == 0 ? (wd == 0 ? 0 : 1) : t == 1 ? (nesterov ? 3 : 2) : nesterov ? 4 : 5;
    // (lr > 0, not >= 0: a rate of -0 times the zero gradient is -0, and -0 - -0 is +0.)
    const sparse = finite && mode == 0 && lr > 0 && lr < Infinity && allFinite(d, c);
    // Every weight the update leaves alone was finite (sparse needs it), so this covers them all.
    finite = updateRows(c, x, p, mb, sparse ? nz : all, sparse ? nzCount : k, d, lr, mu, keep, wd, mode);
    for (let j = 0; j < c; j++) {
      const o = <usize>j << 2;
      store<f32>(bias + o, rule1(<f64>load<f32>(bias + o), <f64>(<f32>0 + load<f32>(d + o)), mb + <usize>k * (<usize>c << 2) + o, lr, mu, keep, wd, mode));
    }
    if (mb && t % every == 0) flush(mb, k * c + c, tiny);
    applied++; lastX = x;
  }
  // The gradient buffer ends as the general path leaves it: the last applied row's gradient (a
  // diverged row wrote its own above). Its delta is still in d: nothing after the update wrote it.
  if (!diverged && applied > 0) gradient(k, c, lastX, g, d);
  store<f64>(stats, sLoss); store<f64>(stats, sCorrect, 8); store<f64>(stats, sAbs, 16); store<f64>(stats, sSq, 24);
  store<f64>(stats, sCount, 32);
  store<f64>(job, last, J_LAST); store<f64>(job, <f64>diverged, J_DIVERGED);
  return applied;
}
