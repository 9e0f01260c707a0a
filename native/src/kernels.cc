// The native kernels' drivers: CPU dispatch, the deterministic thread split of a gemm, bias gradients and activations.
#include "kernels.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace mb {

/**
 * Below this many multiply-adds per part a split costs more (waking a thread, and its spin
 * afterwards taking the other core) than it saves. Measured on a 2-core VM (bench/cell.ts, mnist
 * 784-128-10): at 1 << 18 the products of batch 8 and 32 (0.8M and 3.2M multiply-adds) were
 * split and a step ran 1.5-1.7x slower than on one thread (48k and 97k examples/s against 71k
 * and 168k unsplit); from batch 128 (12.8M) a split is even or ahead.
 */
constexpr double MIN_PART_MACS = 1 << 21;

int supported_isas(const Isa** out, int cap) {
  int n = 0;
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if (n < cap && __builtin_cpu_supports("avx512f")) out[n++] = &ISA_AVX512;
  if (n < cap && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out[n++] = &ISA_AVX2;
#endif
  if (n < cap) out[n++] = &ISA_PORTABLE;
  return n;
}

const Isa* isa_by_name(const char* name) {
  const Isa* all[4];
  const int n = supported_isas(all, 4);
  for (int i = 0; i < n; i++)
    if (std::strcmp(all[i]->name, name) == 0) return all[i];
  return nullptr;
}

namespace {

struct Job {
  const Gemm* g;
  const Isa* isa;
  Pool* pool;
  bool rows;
  idx tiles;
  int parts;
};

void run_part(void* ctx, int t) {
  const Job& j = *static_cast<const Job*>(ctx);
  const idx from = j.tiles * t / j.parts;
  const idx to = j.tiles * (t + 1) / j.parts;
  Part pt{0, j.g->M, 0, j.g->N};
  if (j.rows) {
    pt.i0 = from * j.isa->mr;
    pt.i1 = to * j.isa->mr < j.g->M ? to * j.isa->mr : j.g->M;
  } else {
    pt.j0 = from * j.isa->nr;
    pt.j1 = to * j.isa->nr < j.g->N ? to * j.isa->nr : j.g->N;
  }
  if (pt.i0 < pt.i1 && pt.j0 < pt.j1) j.isa->run(*j.g, pt, j.pool->scratch(t));
}

}  // namespace

void gemm(Native& nat, const Gemm& g) {
  if (g.M <= 0 || g.N <= 0) return;
  const bool rows = g.M >= g.N;
  const idx tiles = rows ? (g.M + nat.isa->mr - 1) / nat.isa->mr : (g.N + nat.isa->nr - 1) / nat.isa->nr;
  const double macs = double(g.M) * double(g.N) * double(g.K);
  idx parts = idx(macs / MIN_PART_MACS);
  if (parts > nat.pool->size()) parts = nat.pool->size();
  if (parts > tiles) parts = tiles;
  if (parts < 1) parts = 1;
  nat.calls += 1;
  if (parts > 1) nat.splitCalls += 1;
  Job job{&g, nat.isa, nat.pool.get(), rows, tiles, int(parts)};
  nat.pool->run(int(parts), &run_part, &job);
}

void col_sums(idx M, idx N, const float* Y, idx rs, float* out) {
  for (idx j = 0; j < N; j++) out[j] = 0.0f;
  for (idx i = 0; i < M; i++) {
    const float* y = Y + i * rs;
    for (idx j = 0; j < N; j++) out[j] += y[j];
  }
}

void act_forward(int act, float* Z, idx len, float slope) {
  switch (act) {
    case 1: for (idx i = 0; i < len; i++) Z[i] = Z[i] > 0 ? Z[i] : 0.0f; break;
    case 2: for (idx i = 0; i < len; i++) Z[i] = Z[i] < 0 ? Z[i] * slope : Z[i]; break;
    case 3: for (idx i = 0; i < len; i++) Z[i] = float(std::tanh(double(Z[i]))); break;
    case 4:
      for (idx i = 0; i < len; i++) {
        const double z = Z[i];
        if (z >= 0) { Z[i] = float(1 / (1 + std::exp(-z))); } else { const double e = std::exp(z); Z[i] = float(e / (1 + e)); }
      }
      break;
    default: break;
  }
}

/**
 * D[i] <- A[i] > 0 ? D[i] : D[i] * s, without a branch: both values are computed and one is picked
 * by a bit mask, so the loop vectorises. A branch on the sign of an activation mispredicts about
 * half the time once the layer outgrows the predictor (5 ns an element at 1024 x 128, against
 * 0.2 ns this way). The bits are the same as the branch's.
 */
static void select_scaled(const float* A, float* D, idx len, float s) {
  for (idx i = 0; i < len; i++) {
    const float d = D[i];
    const float scaled = d * s;
    uint32_t keep, other;
    std::memcpy(&keep, &d, 4);
    std::memcpy(&other, &scaled, 4);
    const uint32_t mask = 0u - uint32_t(A[i] > 0);
    const uint32_t out = (keep & mask) | (other & ~mask);
    std::memcpy(&D[i], &out, 4);
  }
}

void act_backward(int act, const float* A, float* D, idx len, float slope) {
  switch (act) {
    case 1: select_scaled(A, D, len, 0.0f); break;
    case 2: select_scaled(A, D, len, slope); break;
    // In double, rounded once, as the JS reference does.
    case 3: for (idx i = 0; i < len; i++) { const double a = A[i]; D[i] = float(double(D[i]) * (1 - a * a)); } break;
    case 4: for (idx i = 0; i < len; i++) { const double a = A[i]; D[i] = float(double(D[i]) * a * (1 - a)); } break;
    default: break;
  }
}

}  // namespace mb
