// WebAssembly SIMD (f32x4) kernels for dense layers: blocked matrix products, fused bias and activation.
// Compiled by `asc` twice (plain SIMD and relaxed SIMD); see src/kernels/wasm/. All pointers are
// byte offsets into the imported memory, laid out by the TypeScript side; nothing here allocates.

export * from './optim';
export * from './rows';
export * from './softmax';
export * from './sgd-epoch';
export * from './sgd-epoch-softmax';
import { dotRow, madd } from './dot';

/** The activation epilogue: 0 linear, 1 relu (max(z, +0)), 2 leaky relu (z < 0 ? slope z : z). */
@inline function act4(v: v128, act: i32, slope: v128): v128 {
  if (act == 1) return f32x4.max(v, f32x4.splat(0));
  if (act == 2) return v128.bitselect(f32x4.mul(v, slope), v, f32x4.lt(v, f32x4.splat(0)));
  return v;
}

@inline function act1(v: f32, act: i32, slope: f32): f32 {
  if (act == 1) return max<f32>(v, 0);
  if (act == 2) return v < 0 ? v * slope : v;
  return v;
}

@inline function bias4(bias: usize, j: i32): v128 {
  return bias ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0);
}

@inline function bias1(bias: usize, j: i32): f32 {
  return bias ? load<f32>(bias + (<usize>j << 2)) : 0;
}

/**
 * C[i,j] = act(bias[j] + sum_p A(i,p) B(p,j)) for i < M, j < N, p < K. A(i,p) is at
 * A + 4 (i aRs + p aCs) (so A may be a transposed view), B is row-major with row stride bRs,
 * C with row stride cRs; bias 0 means none. Every element is the same sequence of operations
 * whatever the shape or the split: its bias (or 0), then one multiply-add per p in order, then
 * the activation. Register tiles of 4 rows x 8 columns, then the last N mod 8 columns of those
 * rows in 4-row tiles, then the last M mod 4 rows one at a time with 16 columns per pass (a
 * single row has no other work to hide the multiply-add chain's latency behind: one pass per
 * 8 columns left a batch-1 step of 784-128-10 waiting on 16 chains of 784 in turn). When
 * `pack` is non-zero (room for K x 8 floats) and M >= 64, each 8-column panel of B is first
 * copied contiguous for the 4-row tiles, so the inner loop streams it from L1 whatever the row
 * stride (on a 1024 cube this is 2.7x faster; for fewer rows the copy costs more than it saves:
 * 784x128 panels at M = 8 take 42 µs packed, 29 µs not).
 */
export function gemm(M: i32, N: i32, K: i32, A: usize, aRs: i32, aCs: i32, B: usize, bRs: i32,
  C: usize, cRs: i32, bias: usize, act: i32, slope: f32, pack: usize): void {
  const sl = f32x4.splat(slope);
  const aR = <usize>aRs << 2; const aC = <usize>aCs << 2; const bR = <usize>bRs << 2; const cR = <usize>cRs << 2;
  if (N == 1 && aCs == 1 && bRs == 1) { dotColumn(M, K, A, aR, B, C, cR, bias, act, slope); return; }
  const M4 = M & ~3;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    if (M4 == 0) break;
    let panel = B + (<usize>j << 2); let pStride = bR;
    if (pack && M >= 64) {
      for (let p = 0; p < K; p++) {
        const src = B + <usize>p * bR + (<usize>j << 2); const dst = pack + (<usize>p << 5);
        v128.store(dst, v128.load(src)); v128.store(dst, v128.load(src, 16), 16);
      }
      panel = pack; pStride = 32;
    }
    tiles2(M4, K, A, aR, aC, panel, pStride, C + (<usize>j << 2), cR, bias4(bias, j), bias4(bias, j + 4), 4, act, sl);
  }
  if (M4 > 0 && j < N) tilesTail(M4, N, K, j, A, aR, aC, B, bR, C, cR, bias, act, sl);
  for (let i = M4; i < M; i++) rowWide(N, K, A + <usize>i * aR, aC, B, bR, C + <usize>i * cR, bias, act, sl);
}

/** Lanes of the f32x4 at column j of a row of N columns: 4, or the 1-3 left at its end, or 0 past it. */
@inline function lanesAt(N: i32, j: i32): i32 { return min(4, max(0, N - j)); }

/** The bias of the f32x4 at column j with `lanes` (1-4) lanes: bias4 or biasTail. */
@inline function biasAt(bias: usize, j: i32, lanes: i32): v128 {
  return lanes == 4 ? bias4(bias, j) : biasTail(bias, j, lanes);
}

/** Stores the f32x4 at column j with `lanes` (1-4) lanes: all four or storeTail. */
@inline function storeAt(c: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(c, v); else storeTail(c, v, lanes);
}

/**
 * gemm's rows i < M4 (a multiple of 4) for the columns from j (fewer than 8 left): 4-row tiles
 * of one or two f32x4 (the last partial). A partial vector reads up to 12 bytes past its row of
 * B, as gemm's callers allow.
 */
function tilesTail(M4: i32, N: i32, K: i32, j: i32, A: usize, aR: usize, aC: usize, B: usize, bR: usize,
  C: usize, cR: usize, bias: usize, act: i32, sl: v128): void {
  if (N - j > 4) tiles2(M4, K, A, aR, aC, B + (<usize>j << 2), bR, C + (<usize>j << 2), cR, bias4(bias, j), biasTail(bias, j + 4, N - j - 4), N - j - 4, act, sl);
  else tiles1(M4, N, K, j, A, aR, aC, B, bR, C, cR, bias, act, sl);
}

/**
 * 4-row tiles of two f32x4 over rows i < M4: columns from B at `w0` (row stride wR; a packed
 * panel or B itself) into C at `c0`, starting from the biases b0 and b1; the second vector
 * stores `l1` lanes (4: whole; 1-3: the last columns of B). Inlined, so gemm's panels (l1 = 4)
 * carry no lane test.
 */
@inline function tiles2(M4: i32, K: i32, A: usize, aR: usize, aC: usize, w0: usize, wR: usize, c0: usize, cR: usize,
  b0: v128, b1: v128, l1: i32, act: i32, sl: v128): void {
  for (let i = 0; i < M4; i += 4) {
    let c00 = b0; let c01 = b1; let c10 = b0; let c11 = b1;
    let c20 = b0; let c21 = b1; let c30 = b0; let c31 = b1;
    let a = A + <usize>i * aR; let w = w0;
    for (let p = 0; p < K; p++) {
      const v0 = v128.load(w); const v1 = v128.load(w, 16);
      let x = v128.load32_splat(a); c00 = madd(x, v0, c00); c01 = madd(x, v1, c01);
      x = v128.load32_splat(a + aR); c10 = madd(x, v0, c10); c11 = madd(x, v1, c11);
      x = v128.load32_splat(a + 2 * aR); c20 = madd(x, v0, c20); c21 = madd(x, v1, c21);
      x = v128.load32_splat(a + 3 * aR); c30 = madd(x, v0, c30); c31 = madd(x, v1, c31);
      a += aC; w += wR;
    }
    const c = c0 + <usize>i * cR;
    v128.store(c, act4(c00, act, sl)); storeAt(c + 16, act4(c01, act, sl), l1);
    v128.store(c + cR, act4(c10, act, sl)); storeAt(c + cR + 16, act4(c11, act, sl), l1);
    v128.store(c + 2 * cR, act4(c20, act, sl)); storeAt(c + 2 * cR + 16, act4(c21, act, sl), l1);
    v128.store(c + 3 * cR, act4(c30, act, sl)); storeAt(c + 3 * cR + 16, act4(c31, act, sl), l1);
  }
}

/** tilesTail with one vector (1-4 columns left). */
function tiles1(M4: i32, N: i32, K: i32, j: i32, A: usize, aR: usize, aC: usize, B: usize, bR: usize,
  C: usize, cR: usize, bias: usize, act: i32, sl: v128): void {
  const l0 = N - j; const b0 = biasAt(bias, j, l0);
  for (let i = 0; i < M4; i += 4) {
    let c0 = b0; let c1 = b0; let c2 = b0; let c3 = b0;
    let a = A + <usize>i * aR; let w = B + (<usize>j << 2);
    for (let p = 0; p < K; p++) {
      const w0 = v128.load(w);
      c0 = madd(v128.load32_splat(a), w0, c0); c1 = madd(v128.load32_splat(a + aR), w0, c1);
      c2 = madd(v128.load32_splat(a + 2 * aR), w0, c2); c3 = madd(v128.load32_splat(a + 3 * aR), w0, c3);
      a += aC; w += bR;
    }
    const c = C + <usize>i * cR + (<usize>j << 2);
    storeAt(c, act4(c0, act, sl), l0); storeAt(c + cR, act4(c1, act, sl), l0);
    storeAt(c + 2 * cR, act4(c2, act, sl), l0); storeAt(c + 3 * cR, act4(c3, act, sl), l0);
  }
}

/**
 * One row of gemm (its A at `a0`, its C at `c`), every column: 16 per pass as up to four f32x4
 * multiply-add chains side by side (the last one partial where N ends inside it).
 */
function rowWide(N: i32, K: i32, a0: usize, aC: usize, B: usize, bR: usize, c: usize, bias: usize, act: i32, sl: v128): void {
  for (let j = 0; j < N; j += 16) {
    const nv = min(4, (N - j + 3) >> 2);
    if (nv == 4) rowPass(4, N, K, j, a0, aC, B, bR, c, bias, act, sl);
    else if (nv == 3) rowPass(3, N, K, j, a0, aC, B, bR, c, bias, act, sl);
    else if (nv == 2) rowPass(2, N, K, j, a0, aC, B, bR, c, bias, act, sl);
    else rowPass(1, N, K, j, a0, aC, B, bR, c, bias, act, sl);
  }
}

/** rowWide's pass over columns j .. j + 4 nv (nv a constant 1-4 at each call, so the unused chains fold away). */
@inline function rowPass(nv: i32, N: i32, K: i32, j: i32, a0: usize, aC: usize, B: usize, bR: usize, c: usize, bias: usize, act: i32, sl: v128): void {
  const l0 = lanesAt(N, j); const l1 = lanesAt(N, j + 4); const l2 = lanesAt(N, j + 8); const l3 = lanesAt(N, j + 12);
  let c0 = biasAt(bias, j, l0); let c1 = nv > 1 ? biasAt(bias, j + 4, l1) : c0;
  let c2 = nv > 2 ? biasAt(bias, j + 8, l2) : c0; let c3 = nv > 3 ? biasAt(bias, j + 12, l3) : c0;
  let a = a0; let w = B + (<usize>j << 2);
  for (let p = 0; p < K; p++) {
    const x = v128.load32_splat(a);
    c0 = madd(x, v128.load(w), c0);
    if (nv > 1) c1 = madd(x, v128.load(w, 16), c1);
    if (nv > 2) c2 = madd(x, v128.load(w, 32), c2);
    if (nv > 3) c3 = madd(x, v128.load(w, 48), c3);
    a += aC; w += bR;
  }
  const cj = c + (<usize>j << 2);
  storeAt(cj, act4(c0, act, sl), l0);
  if (nv > 1) storeAt(cj + 16, act4(c1, act, sl), l1);
  if (nv > 2) storeAt(cj + 32, act4(c2, act, sl), l2);
  if (nv > 3) storeAt(cj + 48, act4(c3, act, sl), l3);
}

/** Bias lanes j..j+r-1 (r < 4), zero in the others. */
@inline function biasTail(bias: usize, j: i32, r: i32): v128 {
  if (!bias) return f32x4.splat(0);
  const at = bias + (<usize>j << 2);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(at));
  if (r > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (r > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** Stores lanes 0..r-1 (r < 4) of v at c. */
@inline function storeTail(c: usize, v: v128, r: i32): void {
  if (r == 1) { v128.store32_lane(c, v, 0); return; }
  v128.store64_lane(c, v, 0);
  if (r == 3) v128.store32_lane(c, v, 2, 8);
}

/** One output column with contiguous rows of A and a contiguous column B: C[i] = act(b + A[i,:] . B). */
function dotColumn(M: i32, K: i32, A: usize, aR: usize, B: usize, C: usize, cR: usize, bias: usize, act: i32, slope: f32): void {
  const b0 = bias1(bias, 0);
  for (let i = 0; i < M; i++) {
    store<f32>(C + <usize>i * cR, act1(dotRow(A + <usize>i * aR, B, K, b0), act, slope));
  }
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * C[i,p] = sum_j A[i,j] B[p,j] (C = A B^T) with A [M, N] and B [P, N] row-major and C [M, P]:
 * dot products along contiguous rows, 2 rows of A x 4 rows of B per register tile.
 */
export function gemmNT(M: i32, P: i32, N: i32, A: usize, B: usize, C: usize): void {
  const nR = <usize>N << 2; const pR = <usize>P << 2;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const a0 = A + <usize>i * nR; const a1 = a0 + nR;
    let p = 0;
    for (; p + 4 <= P; p += 4) {
      const w0 = B + <usize>p * nR; const w1 = w0 + nR; const w2 = w1 + nR; const w3 = w2 + nR;
      let s00 = f32x4.splat(0); let s01 = s00; let s02 = s00; let s03 = s00;
      let s10 = s00; let s11 = s00; let s12 = s00; let s13 = s00;
      let j = 0;
      for (; j + 4 <= N; j += 4) {
        const o = <usize>j << 2;
        const x0 = v128.load(a0 + o); const x1 = v128.load(a1 + o);
        let w = v128.load(w0 + o); s00 = madd(x0, w, s00); s10 = madd(x1, w, s10);
        w = v128.load(w1 + o); s01 = madd(x0, w, s01); s11 = madd(x1, w, s11);
        w = v128.load(w2 + o); s02 = madd(x0, w, s02); s12 = madd(x1, w, s12);
        w = v128.load(w3 + o); s03 = madd(x0, w, s03); s13 = madd(x1, w, s13);
      }
      let t00 = hsum(s00); let t01 = hsum(s01); let t02 = hsum(s02); let t03 = hsum(s03);
      let t10 = hsum(s10); let t11 = hsum(s11); let t12 = hsum(s12); let t13 = hsum(s13);
      for (; j < N; j++) {
        const o = <usize>j << 2; const x0 = load<f32>(a0 + o); const x1 = load<f32>(a1 + o);
        const v0 = load<f32>(w0 + o); const v1 = load<f32>(w1 + o); const v2 = load<f32>(w2 + o); const v3 = load<f32>(w3 + o);
        t00 += x0 * v0; t01 += x0 * v1; t02 += x0 * v2; t03 += x0 * v3;
        t10 += x1 * v0; t11 += x1 * v1; t12 += x1 * v2; t13 += x1 * v3;
      }
      const c0 = C + <usize>i * pR + (<usize>p << 2); const c1 = c0 + pR;
      store<f32>(c0, t00); store<f32>(c0, t01, 4); store<f32>(c0, t02, 8); store<f32>(c0, t03, 12);
      store<f32>(c1, t10); store<f32>(c1, t11, 4); store<f32>(c1, t12, 8); store<f32>(c1, t13, 12);
    }
    for (; p < P; p++) {
      store<f32>(C + <usize>i * pR + (<usize>p << 2), dot(a0, B + <usize>p * nR, N));
      store<f32>(C + <usize>(i + 1) * pR + (<usize>p << 2), dot(a1, B + <usize>p * nR, N));
    }
  }
  for (; i < M; i++) {
    const a0 = A + <usize>i * nR;
    for (let p = 0; p < P; p++) store<f32>(C + <usize>i * pR + (<usize>p << 2), dot(a0, B + <usize>p * nR, N));
  }
}

/** sum_j x[j] y[j] over N contiguous floats. */
function dot(x: usize, y: usize, N: i32): f32 {
  let s = f32x4.splat(0); let j = 0;
  for (; j + 4 <= N; j += 4) { const o = <usize>j << 2; s = madd(v128.load(x + o), v128.load(y + o), s); }
  let t = hsum(s);
  for (; j < N; j++) { const o = <usize>j << 2; t += load<f32>(x + o) * load<f32>(y + o); }
  return t;
}

/** out[j] = sum_i Y[i,j] for Y [M, N] row-major: the bias gradient. */
export function colSums(M: i32, N: i32, Y: usize, out: usize): void {
  const nR = <usize>N << 2;
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    let s = f32x4.splat(0); let y = Y + (<usize>j << 2);
    for (let i = 0; i < M; i++) { s = f32x4.add(s, v128.load(y)); y += nR; }
    v128.store(out + (<usize>j << 2), s);
  }
  for (; j < N; j++) {
    let s: f32 = 0; let y = Y + (<usize>j << 2);
    for (let i = 0; i < M; i++) { s += load<f32>(y); y += nR; }
    store<f32>(out + (<usize>j << 2), s);
  }
}

/**
 * In place D[i] <- D[i] f'(z_i) from the output A = f(z) of relu (act 1) or leaky relu (act 2):
 * the factor is 1 where A > 0 and the slope (0 for relu) elsewhere, so a -0 output of a zero
 * slope passes no gradient.
 */
export function actBackward(act: i32, A: usize, D: usize, len: i32, slope: f32): void {
  const zero = f32x4.splat(0); const sl = f32x4.splat(act == 2 ? slope : 0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2; const d = v128.load(D + o);
    v128.store(D + o, v128.bitselect(d, f32x4.mul(d, sl), f32x4.gt(v128.load(A + o), zero)));
  }
  const s: f32 = act == 2 ? slope : 0;
  for (; i < len; i++) { const o = <usize>i << 2; const d = load<f32>(D + o); store<f32>(D + o, load<f32>(A + o) > 0 ? d : d * s); }
}

/** The end of this module's static data (math tables, from byte 1024): the TypeScript side allocates above it. */
export function staticEnd(): usize { return __data_end; }
