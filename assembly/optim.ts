// Fused optimizer updates and the denormal flush, f64x2 lanes: the same float64 arithmetic as src/optim/*.ts, so the same bits.
// Every update reads float32 state, computes in float64 exactly as the JavaScript loop does
// (same operations, same order, no fused multiply-add) and rounds to float32 when storing; a
// value a later expression reuses is the unrounded float64 one, as in JavaScript. Element-wise,
// so any index range can run on its own (the two-thread split cuts the range in two).

@inline function ld(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline function st(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }
@inline function ld1(p: usize): f64 { return <f64>load<f32>(p); }
@inline function st1(p: usize, v: f64): void { store<f32>(p, <f32>v); }
@inline function mul(a: v128, b: v128): v128 { return f64x2.mul(a, b); }
@inline function add(a: v128, b: v128): v128 { return f64x2.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f64x2.sub(a, b); }

/**
 * torch.optim.SGD's update over n parameters (src/optim/sgd.ts). mode 0: p -= lr g; 1: with
 * weight decay; 2: first momentum step (b = g'); 3: first Nesterov step; 4: Nesterov; 5: momentum.
 * g' = g + wd p. keep = 1 - dampening.
 */
export function sgdUpdate(n: i32, p: usize, g: usize, b: usize, lr: f64, mu: f64, keep: f64, wd: f64, mode: i32): void {
  const LR = f64x2.splat(lr); const MU = f64x2.splat(mu); const KEEP = f64x2.splat(keep); const WD = f64x2.splat(wd);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2; const pi = ld(p + o); const gr = ld(g + o);
    if (mode == 0) { st(p + o, sub(pi, mul(LR, gr))); continue; }
    const gi = add(gr, mul(WD, pi));
    if (mode == 1) { st(p + o, sub(pi, mul(LR, gi))); continue; }
    if (mode == 2) { st(b + o, gi); st(p + o, sub(pi, mul(LR, gi))); continue; }
    if (mode == 3) { st(b + o, gi); st(p + o, sub(pi, mul(LR, add(gi, mul(MU, gi))))); continue; }
    const bi = add(mul(MU, ld(b + o)), mul(KEEP, gi));
    st(b + o, bi);
    st(p + o, sub(pi, mul(LR, mode == 4 ? add(gi, mul(MU, bi)) : bi)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2; const pi = ld1(p + o); const gr = ld1(g + o);
    if (mode == 0) { st1(p + o, pi - lr * gr); continue; }
    const gi = gr + wd * pi;
    if (mode == 1) { st1(p + o, pi - lr * gi); continue; }
    if (mode == 2) { st1(b + o, gi); st1(p + o, pi - lr * gi); continue; }
    if (mode == 3) { st1(b + o, gi); st1(p + o, pi - lr * (gi + mu * gi)); continue; }
    const bi = mu * ld1(b + o) + keep * gi;
    st1(b + o, bi);
    st1(p + o, pi - lr * (mode == 4 ? gi + mu * bi : bi));
  }
}

/**
 * Adam / AdamW (src/optim/adam.ts): p' = p shrink; g' = g + l2 p'; m = b1 m + omb1 g';
 * v = b2 v + omb2 g' g'; p = p' - stepSize m / (sqrt(v) / rootBc2 + eps).
 */
export function adamUpdate(n: i32, p: usize, g: usize, m: usize, v: usize, b1: f64, omb1: f64, b2: f64, omb2: f64,
  stepSize: f64, rootBc2: f64, eps: f64, l2: f64, shrink: f64): void {
  const B1 = f64x2.splat(b1); const O1 = f64x2.splat(omb1); const B2 = f64x2.splat(b2); const O2 = f64x2.splat(omb2);
  const SS = f64x2.splat(stepSize); const RB = f64x2.splat(rootBc2); const EPS = f64x2.splat(eps);
  const L2 = f64x2.splat(l2); const SH = f64x2.splat(shrink);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const pi = mul(ld(p + o), SH);
    const gi = add(ld(g + o), mul(L2, pi));
    const mi = add(mul(B1, ld(m + o)), mul(O1, gi));
    const vi = add(mul(B2, ld(v + o)), mul(mul(O2, gi), gi));
    st(m + o, mi); st(v + o, vi);
    st(p + o, sub(pi, f64x2.div(mul(SS, mi), add(f64x2.div(f64x2.sqrt(vi), RB), EPS))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pi = ld1(p + o) * shrink;
    const gi = ld1(g + o) + l2 * pi;
    const mi = b1 * ld1(m + o) + omb1 * gi;
    const vi = b2 * ld1(v + o) + omb2 * gi * gi;
    st1(m + o, mi); st1(v + o, vi);
    st1(p + o, pi - (stepSize * mi) / (Math.sqrt(vi) / rootBc2 + eps));
  }
}

/**
 * RMSProp (src/optim/rmsprop.ts): g' = g + wd p; v = alpha v + oma g' g'; d = sqrt(v) + eps, or
 * centred (ga = alpha ga + oma g') sqrt(v - ga^2) + eps; then b = mu b + g'/d, p -= lr b when
 * momentum, else p -= lr g' / d.
 */
export function rmspropUpdate(n: i32, p: usize, g: usize, v: usize, ga: usize, b: usize, alpha: f64, oma: f64, eps: f64,
  mu: f64, lr: f64, wd: f64, centered: i32, momentum: i32): void {
  const A = f64x2.splat(alpha); const OA = f64x2.splat(oma); const EPS = f64x2.splat(eps);
  const MU = f64x2.splat(mu); const LR = f64x2.splat(lr); const WD = f64x2.splat(wd);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2; const pi = ld(p + o);
    const gi = add(ld(g + o), mul(WD, pi));
    const vi = add(mul(A, ld(v + o)), mul(mul(OA, gi), gi));
    st(v + o, vi);
    let d: v128;
    if (centered) {
      const gai = add(mul(A, ld(ga + o)), mul(OA, gi));
      st(ga + o, gai);
      d = add(f64x2.sqrt(sub(vi, mul(gai, gai))), EPS);
    } else d = add(f64x2.sqrt(vi), EPS);
    if (momentum) { const bi = add(mul(MU, ld(b + o)), f64x2.div(gi, d)); st(b + o, bi); st(p + o, sub(pi, mul(LR, bi))); }
    else st(p + o, sub(pi, f64x2.div(mul(LR, gi), d)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2; const pi = ld1(p + o);
    const gi = ld1(g + o) + wd * pi;
    const vi = alpha * ld1(v + o) + oma * gi * gi;
    st1(v + o, vi);
    let d: f64;
    if (centered) {
      const gai = alpha * ld1(ga + o) + oma * gi;
      st1(ga + o, gai);
      d = Math.sqrt(vi - gai * gai) + eps;
    } else d = Math.sqrt(vi) + eps;
    if (momentum) { const bi = mu * ld1(b + o) + gi / d; st1(b + o, bi); st1(p + o, pi - lr * bi); }
    else st1(p + o, pi - (lr * gi) / d);
  }
}

/** x <- 0 where |x| < tiny (NaN and larger values unchanged), over n floats: see src/optim/optimizer.ts. */
export function flushTiny(x: usize, n: i32, tiny: f32): void {
  const T = f32x4.splat(tiny); const Z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2; const v = v128.load(x + o);
    v128.store(x + o, v128.bitselect(Z, v, f32x4.lt(f32x4.abs(v), T)));
  }
  for (; i < n; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); if (abs<f32>(v) < tiny) store<f32>(x + o, 0); }
}
