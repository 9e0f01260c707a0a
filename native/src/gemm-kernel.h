// The packed, register-blocked gemm body, compiled once per instruction set by the gemm-<isa>.cc files that include it.
//
// Before including, a translation unit defines MB_NS (a namespace of its own, so the copies of
// these inline functions compiled for different ISAs never merge at link time), MB_VB (vector
// bytes), MB_MR (tile rows), MB_NV (vectors per tile row), MB_SPLAT(x) and MB_FMADD(a, b, c).
// The layout follows Goto and van de Geijn, "Anatomy of high-performance matrix multiplication"
// (ACM TOMS 2008): B is packed into KC x NR column panels, A into MR x KC row panels, and an
// MR x NR tile of C lives in registers while p runs over a K block.

#include <array>
#include <cstring>
#include <utility>

#include "gemm.h"

namespace mb {
namespace MB_NS {
namespace {

typedef float V __attribute__((vector_size(MB_VB)));
typedef float VU __attribute__((vector_size(MB_VB), aligned(4), may_alias));

constexpr int W = MB_VB / 4;
constexpr int MR = MB_MR;
constexpr int NV = MB_NV;
constexpr int NR = W * NV;
static_assert(MC % MR == 0 && NC % NR == 0, "blocks must hold whole tiles");
static_assert(MR * NR <= SCRATCH_TILE, "edge tile must fit the scratch tile");

inline V load_u(const float* p) { return *reinterpret_cast<const VU*>(p); }
inline void store_u(float* p, V v) { *reinterpret_cast<VU*>(p) = v; }

/** The activation epilogue, lane by lane: relu gives +0 for z <= 0; leaky relu multiplies negatives by the slope. */
inline V activate(V z, int act, float slope) {
  if (act == 1) return z > 0 ? z : V{};
  if (act == 2) return z < 0 ? z * MB_SPLAT(slope) : z;
  return z;
}

/**
 * One tile of R rows x NVX vectors: acc = (load ? C : 0); acc += a(r, p) b(p, :) for p < kc, one
 * multiply-add per step in order; on the last K block add the bias panel (if any) and activate.
 * `a` is a packed A panel (PACKED: a(r, p) at a[p MR + r]) or A itself (a(r, p) at a[p ap + r ar]),
 * `b` a B panel with row stride ldb: packed (NR) or, for a whole panel of a row-major B read in
 * place, B's own row stride. Either way the same values meet in the same order: the same bits.
 */
template <int R, int NVX, bool PACKED>
void micro(idx kc, const float* __restrict a, idx ar, idx ap, const float* __restrict b, idx ldb, float* c, idx ldc,
           bool load, bool last, const float* bias, int act, float slope) {
  V acc[R][NVX];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NVX; v++) acc[r][v] = load ? load_u(c + r * ldc + v * W) : V{};
  for (idx p = 0; p < kc; p++) {
    V bv[NVX];
#pragma GCC unroll 4
    for (int v = 0; v < NVX; v++) bv[v] = load_u(b + p * ldb + v * W);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      const V av = MB_SPLAT(PACKED ? a[p * MR + r] : a[p * ap + r * ar]);
#pragma GCC unroll 4
      for (int v = 0; v < NVX; v++) acc[r][v] = MB_FMADD(av, bv[v], acc[r][v]);
    }
  }
  if (last) {
#pragma GCC unroll 4
    for (int v = 0; v < NVX; v++) {
      const V bb = bias ? *reinterpret_cast<const V*>(bias + v * W) : V{};
#pragma GCC unroll 16
      for (int r = 0; r < R; r++) acc[r][v] = activate(bias ? acc[r][v] + bb : acc[r][v], act, slope);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NVX; v++) store_u(c + r * ldc + v * W, acc[r][v]);
}

using MicroFn = void (*)(idx, const float*, idx, idx, const float*, idx, float*, idx, bool, bool, const float*, int, float);

template <bool PACKED, std::size_t... I>
constexpr std::array<MicroFn, sizeof...(I)> micro_table(std::index_sequence<I...>) {
  return {{&micro<int(I / NV) + 1, int(I % NV) + 1, PACKED>...}};
}
/** micro<r, nv> for every edge shape, at [(r - 1) NV + nv - 1], on a packed A and on A in place. */
constexpr auto EDGE = micro_table<true>(std::make_index_sequence<MR * NV>{});
constexpr auto EDGE_IN_PLACE = micro_table<false>(std::make_index_sequence<MR * NV>{});

/** Packs B(pc.., jc..) (kc x nc) into NR-wide panels, zero-padded to whole panels. */
void pack_b(const Gemm& g, idx pc, idx kc, idx jc, idx nc, float* out) {
  for (idx t = 0; t < nc; t += NR) {
    const idx w = nc - t < NR ? nc - t : NR;
    float* panel = out + t * kc;
    const float* src = g.B + pc * g.bRs + (jc + t) * g.bCs;
    if (g.bCs == 1) {
      for (idx p = 0; p < kc; p++) {
        const float* row = src + p * g.bRs;
        float* dst = panel + p * NR;
        for (idx c = 0; c < w; c++) dst[c] = row[c];
        for (idx c = w; c < NR; c++) dst[c] = 0;
      }
    } else {
      for (idx c = 0; c < w; c++) {
        const float* col = src + c * g.bCs;
        for (idx p = 0; p < kc; p++) panel[p * NR + c] = col[p * g.bRs];
      }
      for (idx c = w; c < NR; c++)
        for (idx p = 0; p < kc; p++) panel[p * NR + c] = 0;
    }
  }
}

/** Packs A(ic.., pc..) (mc x kc) into MR-tall panels, zero-padded to whole panels. */
void pack_a(const Gemm& g, idx ic, idx mc, idx pc, idx kc, float* out) {
  for (idx q = 0; q < mc; q += MR) {
    const idx h = mc - q < MR ? mc - q : MR;
    float* panel = out + q * kc;
    const float* src = g.A + (ic + q) * g.aRs + pc * g.aCs;
    if (g.aRs == 1) {
      for (idx p = 0; p < kc; p++) {
        const float* col = src + p * g.aCs;
        float* dst = panel + p * MR;
        for (idx r = 0; r < h; r++) dst[r] = col[r];
        for (idx r = h; r < MR; r++) dst[r] = 0;
      }
    } else {
      for (idx r = 0; r < h; r++) {
        const float* row = src + r * g.aRs;
        for (idx p = 0; p < kc; p++) panel[p * MR + r] = row[p * g.aCs];
      }
      for (idx r = h; r < MR; r++)
        for (idx p = 0; p < kc; p++) panel[p * MR + r] = 0;
    }
  }
}

/** The rows of A one tile reads: a packed panel (row stride 1, p stride MR) or A in place (its own strides). */
struct APanel { const float* a; idx ar, ap; bool packed; };

/** One tile of C at `c`: in place when whole, else through the scratch tile (only the h x w corner is read and written). */
void tile(idx kc, const APanel& A, const float* b, idx ldb, float* c, idx ldc, idx h, idx w, bool load, bool last,
          const float* bias, const Gemm& g, float* buf) {
  if (h == MR && w == NR) {
    if (A.packed) micro<MR, NV, true>(kc, A.a, 1, MR, b, ldb, c, ldc, load, last, bias, g.act, g.slope);
    else micro<MR, NV, false>(kc, A.a, A.ar, A.ap, b, ldb, c, ldc, load, last, bias, g.act, g.slope);
    return;
  }
  if (load)
    for (idx r = 0; r < h; r++) std::memcpy(buf + r * NR, c + r * ldc, sizeof(float) * w);
  const idx nv = (w + W - 1) / W;
  (A.packed ? EDGE : EDGE_IN_PLACE)[(h - 1) * NV + nv - 1](kc, A.a, A.ar, A.ap, b, ldb, buf, NR, load, last, bias, g.act, g.slope);
  for (idx r = 0; r < h; r++) std::memcpy(c + r * ldc, buf + r * NR, sizeof(float) * w);
}

/** C = act(bias) over the part, for K = 0. */
void no_terms(const Gemm& g, const Part& pt) {
  for (idx i = pt.i0; i < pt.i1; i++)
    for (idx j = pt.j0; j < pt.j1; j++) {
      const float z = g.bias ? g.bias[j] : 0.0f;
      g.C[i * g.cRs + j] = g.act == 1 ? (z > 0 ? z : 0.0f) : g.act == 2 && z < 0 ? z * g.slope : z;
    }
}

/**
 * Whether a part reads whole panels of a row-major B in place instead of packing them: packing
 * pays when a panel is reused by many row tiles, not for a few rows (a batch of 1 to 18 against
 * a 784 x 128 layer would spend as long copying W as multiplying it). Only whole panels are read
 * in place (an edge panel is packed, zero-padded); the values read, and so the bits, are the same.
 */
inline bool reads_b_in_place(const Gemm& g, const Part& pt) { return g.bCs == 1 && pt.i1 - pt.i0 <= 3 * MR; }

/**
 * Whether a part reads A in place instead of packing it: when its columns fit one register
 * panel, each value of A is used by one tile only, and packing would copy A just to read it
 * once (a 784-10 softmax layer: the forward at 512 rows spent as long packing as multiplying).
 */
inline bool reads_a_in_place(const Part& pt) { return pt.j1 - pt.j0 <= NR; }

/** The block loops over one part: K blocks outermost, then column blocks (B packed once each), then row blocks. */
void run(const Gemm& g, const Part& pt, const Scratch& s) {
  if (g.K == 0) { no_terms(g, pt); return; }
  const bool direct = reads_b_in_place(g, pt);
  const bool aInPlace = reads_a_in_place(pt);
  for (idx pc = 0; pc < g.K; pc += KC) {
    const idx kc = g.K - pc < KC ? g.K - pc : KC;
    const bool first = pc == 0; const bool last = pc + kc >= g.K;
    for (idx jc = pt.j0; jc < pt.j1; jc += NC) {
      const idx nc = pt.j1 - jc < NC ? pt.j1 - jc : NC;
      const idx whole = direct ? nc / NR * NR : 0;
      if (whole < nc) pack_b(g, pc, kc, jc + whole, nc - whole, s.b + whole * kc);
      const bool withBias = last && g.bias != nullptr;
      if (withBias) {
        const idx padded = (nc + NR - 1) / NR * NR;
        for (idx j = 0; j < padded; j++) s.bias[j] = j < nc ? g.bias[jc + j] : 0.0f;
      }
      for (idx ic = pt.i0; ic < pt.i1; ic += MC) {
        const idx mc = pt.i1 - ic < MC ? pt.i1 - ic : MC;
        if (!aInPlace) pack_a(g, ic, mc, pc, kc, s.a);
        for (idx jr = 0; jr < nc; jr += NR) {
          const idx w = nc - jr < NR ? nc - jr : NR;
          const bool inPlace = jr < whole;
          const float* b = inPlace ? g.B + pc * g.bRs + jc + jr : s.b + jr * kc;
          const idx ldb = inPlace ? g.bRs : NR;
          for (idx ir = 0; ir < mc; ir += MR) {
            const idx h = mc - ir < MR ? mc - ir : MR;
            const APanel a = aInPlace ? APanel{g.A + (ic + ir) * g.aRs + pc * g.aCs, g.aRs, g.aCs, false}
                                      : APanel{s.a + ir * kc, 1, MR, true};
            tile(kc, a, b, ldb, g.C + (ic + ir) * g.cRs + jc + jr, g.cRs, h, w,
                 !first, last, withBias ? s.bias + jr : nullptr, g, s.tile);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace MB_NS
}  // namespace mb
