// exp and log1p in float64 with the bits of JavaScript's Math.exp and Math.log1p in V8 (both fdlibm's algorithms), for kernels that must match the JS loss code.
//
// V8 computes Math.exp and Math.log1p with ports of fdlibm (Sun Microsystems' freely
// distributable libm: e_exp.c and s_log1p.c), plain IEEE double arithmetic with no fused
// multiply-add, so the same operations in the same order here give the same bits on every
// input (test/kernels/libm.test.ts compares them on millions of arguments). AssemblyScript's own
// Math.exp is a different (table-driven) algorithm whose last bit sometimes differs.

@inline function hi(x: f64): i32 { return <i32>(reinterpret<u64>(x) >>> 32); }
@inline function lo(x: f64): u32 { return <u32>reinterpret<u64>(x); }
@inline function withHi(x: f64, h: i32): f64 { return reinterpret<f64>((<u64><u32>h << 32) | <u64>lo(x)); }
@inline function fromHi(h: u32): f64 { return reinterpret<f64>(<u64>h << 32); }

const LN2_HI = 6.93147180369123816490e-01; // 0x3FE62E42 FEE00000: n LN2_HI is exact for |n| < 2000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76

/**
 * e^x: x = k ln2 + r with |r| <= ln2/2 (r carried as hi - lo), e^r from a degree-5 rational
 * correction c(r) (Remez coefficients P1..P5), then scaled by 2^k from the exponent bits; exp(1)
 * returns the double nearest e, as V8 special-cases it.
 */
@inline export function expF64(x: f64): f64 {
  let h = hi(x); const neg = h >>> 31; h &= 0x7FFFFFFF;
  if (h >= 0x40862E42) { // |x| >= 709.78
    if (h >= 0x7FF00000) return ((h & 0xFFFFF) | lo(x)) != 0 ? x + x : neg == 0 ? x : 0.0;
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  let rHi = 0.0; let rLo = 0.0; let k = 0;
  if (h > 0x3FD62E42) { // |x| > ln2/2
    if (h < 0x3FF0A2B2) { // and < 1.5 ln2: k = +-1
      if (x == 1.0) return 2.718281828459045;
      rHi = neg ? x + LN2_HI : x - LN2_HI; rLo = neg ? -LN2_LO : LN2_LO; k = 1 - <i32>neg - <i32>neg;
    } else {
      k = <i32>(1.44269504088896338700e+00 * x + (neg ? -0.5 : 0.5));
      const t = <f64>k;
      rHi = x - t * LN2_HI; rLo = t * LN2_LO;
    }
    x = rHi - rLo;
  } else if (h < 0x3E300000) { // |x| < 2^-28
    return 1.0 + x;
  }
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t * (6.61375632143793436117e-05
    + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((rLo - (x * c) / (2.0 - c)) - rHi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.988465674311579539e307;
    return y * fromHi(<u32>(0x3FF00000 + (k << 20)));
  }
  return y * fromHi(<u32>(0x3FF00000 + ((k + 1000) << 20))) * 9.33263618503218878990e-302;
}

/**
 * log(1 + x): 1 + x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2) and a correction c for the
 * rounding of 1 + x; log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))) with s = f / (2 + f) and R a
 * degree-7 polynomial in s^2 (Remez coefficients Lp1..Lp7); plus k ln2 in two parts.
 */
@inline export function log1pF64(x: f64): f64 {
  const hx = hi(x); const ax = hx & 0x7FFFFFFF;
  let k = 1; let f = 0.0; let c = 0.0; let hu = 0;
  if (hx < 0x3FDA827A) { // 1 + x < sqrt(2)
    if (ax >= 0x3FF00000) return x == -1.0 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3E200000) return ax < 0x3C900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    if (hx > 0 || hx <= <i32>0xBFD2BEC4) { k = 0; f = x; hu = 1; } // sqrt(2)/2 <= 1 + x < sqrt(2)
  }
  if (hx >= 0x7FF00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x; hu = hi(u); k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x; hu = hi(u); k = (hu >> 20) - 1023; c = 0;
    }
    hu &= 0x000FFFFF;
    if (hu < 0x6A09E) u = withHi(u, hu | 0x3FF00000);
    else { k += 1; u = withHi(u, hu | 0x3FE00000); hu = (0x00100000 - hu) >> 2; }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f; const dk = <f64>k;
  if (hu == 0) { // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f); const z = s * s;
  const R = z * (6.666666666666735130e-01 + z * (3.999999999940941908e-01 + z * (2.857142874366239149e-01
    + z * (2.222219843214978396e-01 + z * (1.818357216161805012e-01 + z * (1.531383769920937332e-01 + z * 1.479819860511658591e-01))))));
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + (dk * LN2_LO + c))) - f);
}
