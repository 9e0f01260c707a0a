// One row of softmax cross-entropy in f32x4 lanes (a vectorised exp, the exponentials and their sum, the delta), shared by the softmax kernel and the whole-epoch SGD kernel (one code, so the same bits).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/**
 * e^x for each lane (Cephes' expf: x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial in r,
 * then 2^n from the exponent bits), about 2 ulp; lanes below -87.3 give about 1e-38, NaN stays
 * NaN. Inputs here are z - max(z) <= 0.
 */
@inline export function exp4(v: v128): v128 {
  const x = f32x4.max(v, f32x4.splat(-87.3)); // f32x4.max keeps a NaN lane NaN
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** The largest logit of the row last given to {@link expRow} and its first index. */
let rowMax: f32 = 0; let rowArg: i32 = 0;

/** The first largest of the row's logits (set by {@link expRow}). */
@inline export function lastRowMax(): f32 { return rowMax; }
/** The index of the first largest logit (set by {@link expRow}). */
@inline export function lastRowArg(): i32 { return rowArg; }

/**
 * One row of n logits z: finds its first largest logit (lastRowMax, lastRowArg), writes
 * e^(z - max) to w (n floats) and returns their sum in float64 (the f32x4 lanes summed across
 * blocks of 4, then the lanes and the tail in float64, in order).
 */
@inline export function expRow(z: usize, n: i32, w: usize): f64 {
  let max = load<f32>(z); let arg = 0;
  for (let j = 1; j < n; j++) { const v = load<f32>(z + (<usize>j << 2)); if (v > max) { max = v; arg = j; } }
  rowMax = max; rowArg = arg;
  const M = f32x4.splat(max); let acc = f32x4.splat(0); let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = exp4(f32x4.sub(v128.load(z + (<usize>j << 2)), M));
    v128.store(w + (<usize>j << 2), e); acc = f32x4.add(acc, e);
  }
  let total: f64 = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; j < n; j++) {
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(z + (<usize>j << 2)) - max)), 0);
    store<f32>(w + (<usize>j << 2), e); total += <f64>e;
  }
  return total;
}

/** d (n floats holding the row's e^(z - max), their sum `total`) <- scale (softmax - onehot(label)). */
@inline export function deltaRow(d: usize, n: i32, label: i32, total: f64, scale: f32): void {
  const f = <f32>(<f64>scale / total); const F = f32x4.splat(f);
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(d + (<usize>k << 2), f32x4.mul(v128.load(d + (<usize>k << 2)), F));
  for (; k < n; k++) store<f32>(d + (<usize>k << 2), load<f32>(d + (<usize>k << 2)) * f);
  store<f32>(d + (<usize>label << 2), load<f32>(d + (<usize>label << 2)) - scale);
}

