// The native kernels a binding calls: a gemm split over the thread pool, bias gradients, activations, and the ISA choice.
#ifndef MINIBATCH_KERNELS_H
#define MINIBATCH_KERNELS_H

#include <memory>

#include "gemm.h"
#include "pool.h"

namespace mb {

/** The ISAs this CPU can run, best first (avx512, avx2, portable). */
int supported_isas(const Isa** out, int cap);
/** The ISA by name ("avx512", "avx2", "portable"), or null when unknown or not supported here. */
const Isa* isa_by_name(const char* name);

/** One JS environment's kernel state: the ISA in use and its thread pool. */
struct Native {
  const Isa* isa;
  std::unique_ptr<Pool> pool;
  /** gemm calls so far, and those split over more than one thread (tests check that a split happened). */
  double calls = 0;
  double splitCalls = 0;
};

/**
 * Runs g over the pool. The output is cut into at most pool->size() parts along its longer side
 * (rows when M >= N, else columns) at whole register tiles; products under MIN_PART_MACS
 * multiply-adds per part are not split. Every element is computed by the same instructions in
 * the same order whatever the cut, so results are bit-identical for any thread count.
 */
void gemm(Native& nat, const Gemm& g);

/** out[j] = sum_i Y[i rs + j] for i < M, j < N (float32, i in order): the bias gradient. */
void col_sums(idx M, idx N, const float* Y, idx rs, float* out);

/** In place: Z <- f(Z) for act 0 linear, 1 relu, 2 leaky relu, 3 tanh, 4 sigmoid (tanh and sigmoid in double, rounded once). */
void act_forward(int act, float* Z, idx len, float slope);

/** In place: D <- D f'(z), f' from the output A = f(z) (relu and leaky relu: factor 1 where A > 0, else the slope). */
void act_backward(int act, const float* A, float* D, idx len, float slope);

}  // namespace mb

#endif
