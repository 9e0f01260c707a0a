// The fused multiply-add and the one-row dot product that the dense kernels and the whole-epoch SGD kernel share (one code, so the same bits).

/** a*b + c: one fused multiply-add where the runtime has relaxed SIMD, else a multiply and an add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * b0 + a . w over K contiguous floats: two f32x4 sums over blocks of 8, their lanes added pairwise
 * onto b0, then the scalar tail in order.
 */
@inline export function dotRow(a: usize, w: usize, K: i32, b0: f32): f32 {
  let s0 = f32x4.splat(0); let s1 = f32x4.splat(0); let p = 0;
  for (; p + 8 <= K; p += 8) {
    const o = <usize>p << 2;
    s0 = madd(v128.load(a + o), v128.load(w + o), s0);
    s1 = madd(v128.load(a + o, 16), v128.load(w + o, 16), s1);
  }
  s0 = f32x4.add(s0, s1);
  let s = b0 + ((f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1)) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3)));
  for (; p < K; p++) s += load<f32>(a + (<usize>p << 2)) * load<f32>(w + (<usize>p << 2));
  return s;
}
