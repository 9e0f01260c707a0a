// The scalar and f64x2 forms of torch.optim.SGD's update (assembly/optim.ts sgdUpdate per element) and the denormal flush, shared by the whole-epoch SGD kernels.

/**
 * One torch.optim.SGD update of one parameter (assembly/optim.ts sgdUpdate's scalar form, the
 * same float64 operations as src/optim/sgd.ts): mode 0 plain, 1 weight decay, 2/3 first
 * momentum step (classic / Nesterov), 4 Nesterov, 5 classic momentum; b is its momentum slot.
 */
@inline export function rule1(pi: f64, gr: f64, b: usize, lr: f64, mu: f64, keep: f64, wd: f64, mode: i32): f32 {
  if (mode == 0) return <f32>(pi - lr * gr);
  const gi = gr + wd * pi;
  if (mode == 1) return <f32>(pi - lr * gi);
  if (mode == 2) { store<f32>(b, <f32>gi); return <f32>(pi - lr * gi); }
  if (mode == 3) { store<f32>(b, <f32>gi); return <f32>(pi - lr * (gi + mu * gi)); }
  const bi = mu * <f64>load<f32>(b) + keep * gi;
  store<f32>(b, <f32>bi);
  return <f32>(pi - lr * (mode == 4 ? gi + mu * bi : bi));
}

@inline export function ld2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
@inline export function st2(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

/** rule1 on two parameters in f64x2 lanes (sgdUpdate's vector form: the same operations per lane); returns them in float64. */
@inline export function rule2(pi: v128, gr: v128, b: usize, lr: v128, mu: v128, keep: v128, wd: v128, mode: i32): v128 {
  if (mode == 0) return f64x2.sub(pi, f64x2.mul(lr, gr));
  const gi = f64x2.add(gr, f64x2.mul(wd, pi));
  if (mode == 1) return f64x2.sub(pi, f64x2.mul(lr, gi));
  if (mode == 2) { st2(b, gi); return f64x2.sub(pi, f64x2.mul(lr, gi)); }
  if (mode == 3) { st2(b, gi); return f64x2.sub(pi, f64x2.mul(lr, f64x2.add(gi, f64x2.mul(mu, gi)))); }
  const bi = f64x2.add(f64x2.mul(mu, ld2(b)), f64x2.mul(keep, gi));
  st2(b, bi);
  return f64x2.sub(pi, f64x2.mul(lr, mode == 4 ? f64x2.add(gi, f64x2.mul(mu, bi)) : bi));
}

/** x <- 0 where |x| < tiny, over n floats (the optimizer's denormal flush). */
@inline export function flush(b: usize, n: i32, tiny: f32): void {
  for (let i = 0; i < n; i++) { const o = <usize>i << 2; if (abs<f32>(load<f32>(b + o)) < tiny) store<f32>(b + o, 0); }
}

