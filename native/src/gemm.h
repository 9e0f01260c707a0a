// The packed gemm's shared contract: one product, a part of its output, the per-ISA tables and the scratch each thread packs into.
#ifndef MINIBATCH_GEMM_H
#define MINIBATCH_GEMM_H

#include <cstddef>

namespace mb {

using idx = std::ptrdiff_t;

/**
 * C[i,j] = act(bias[j] + sum_p A(i,p) B(p,j)) for i < M, j < N, p < K, over float32.
 * A(i,p) is at A[i aRs + p aCs] and B(p,j) at B[p bRs + j bCs], so either may be a transposed
 * view; C is row-major with row stride cRs. bias may be null. act: 0 linear, 1 relu
 * (max(z, +0)), 2 leaky relu (z < 0 ? slope z : z).
 */
struct Gemm {
  idx M, N, K;
  const float* A; idx aRs, aCs;
  const float* B; idx bRs, bCs;
  float* C; idx cRs;
  const float* bias;
  int act;
  float slope;
};

/** The output block [i0, i1) x [j0, j1) that one thread computes. */
struct Part { idx i0, i1, j0, j1; };

/** Cache blocking shared by every ISA: a K block, a row block (a multiple of every MR) and a column block (of every NR). */
constexpr idx KC = 256;
constexpr idx MC = 96;
constexpr idx NC = 256;

/** Packing space one thread owns (64-byte aligned): A blocks (MC x KC), B blocks (KC x NC), one edge tile and a bias panel. */
struct Scratch {
  float* a;
  float* b;
  float* tile;
  float* bias;
};
constexpr idx SCRATCH_A = MC * KC;
constexpr idx SCRATCH_B = KC * NC;
constexpr idx SCRATCH_TILE = 16 * 64;
constexpr idx SCRATCH_BIAS = NC;

/**
 * One instruction-set path: its register tile (MR rows x NR columns) and its block routine.
 * Every output element is the same chain of (fused, where the ISA has FMA) multiply-adds over
 * p = 0..K-1 in order, whichever part or tile position it falls in, so any split of the output
 * over threads gives the same bits.
 */
struct Isa {
  const char* name;
  int mr;
  int nr;
  void (*run)(const Gemm& g, const Part& part, const Scratch& s);
};

extern const Isa ISA_PORTABLE;
#if defined(__x86_64__) || defined(_M_X64)
extern const Isa ISA_AVX2;
extern const Isa ISA_AVX512;
#endif

}  // namespace mb

#endif
