// SGD (momentum, Nesterov, weight decay) as a fused native update, float64 inside, split over the pool in contiguous ranges.
#include "optim.h"

namespace mb {
namespace {

struct SgdJob {
  idx n; float* p; const float* g; float* b;
  double lr, mu, keep, wd;
  int mode, parts;
};

// A clone for AVX2 (four doubles a vector instead of SSE2's two), chosen at load time where the
// CPU has it. The same operations lane by lane (no FMA: -ffp-contract=off), so the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MB_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MB_CLONES
#endif

MB_CLONES void sgd_range(const SgdJob& j, idx from, idx to) {
  float* p = j.p; const float* g = j.g; float* b = j.b;
  const double lr = j.lr, mu = j.mu, keep = j.keep, wd = j.wd;
  switch (j.mode) {
    case 0: for (idx i = from; i < to; i++) p[i] = float(double(p[i]) - lr * double(g[i])); break;
    case 1: for (idx i = from; i < to; i++) { const double pi = p[i]; p[i] = float(pi - lr * (double(g[i]) + wd * pi)); } break;
    case 2: for (idx i = from; i < to; i++) { const double pi = p[i]; const double gi = double(g[i]) + wd * pi; b[i] = float(gi); p[i] = float(pi - lr * gi); } break;
    case 3: for (idx i = from; i < to; i++) { const double pi = p[i]; const double gi = double(g[i]) + wd * pi; b[i] = float(gi); p[i] = float(pi - lr * (gi + mu * gi)); } break;
    case 4:
      for (idx i = from; i < to; i++) {
        const double pi = p[i]; const double gi = double(g[i]) + wd * pi; const double bi = mu * double(b[i]) + keep * gi;
        b[i] = float(bi); p[i] = float(pi - lr * (gi + mu * bi));
      }
      break;
    default:
      for (idx i = from; i < to; i++) {
        const double pi = p[i]; const double bi = mu * double(b[i]) + keep * (double(g[i]) + wd * pi);
        b[i] = float(bi); p[i] = float(pi - lr * bi);
      }
      break;
  }
}

void sgd_part(void* ctx, int t) {
  const SgdJob& j = *static_cast<const SgdJob*>(ctx);
  sgd_range(j, j.n * t / j.parts, j.n * (t + 1) / j.parts);
}

}  // namespace

void sgd_update(Native& nat, idx n, float* p, const float* g, float* b, double lr, double mu, double keep, double wd, int mode) {
  int parts = int(n >> 16);
  if (parts > nat.pool->size()) parts = nat.pool->size();
  if (parts < 1) parts = 1;
  SgdJob job{n, p, g, b, lr, mu, keep, wd, mode, parts};
  nat.pool->run(parts, &sgd_part, &job);
}

}  // namespace mb
