// The gemm body compiled for AVX2 with FMA: 6 x 16 register tiles of ymm FMAs (12 accumulators).
#if defined(__x86_64__) || defined(_M_X64)
#include <array>
#include <cstring>
#include <utility>
#include <immintrin.h>

#include "gemm.h"

// Everything defined below is compiled for AVX2 + FMA; it runs only when the CPU reports both.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#define MB_NS avx2
#define MB_VB 32
#define MB_MR 6
#define MB_NV 2
#define MB_SPLAT(x) _mm256_set1_ps(x)
#define MB_FMADD(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#include "gemm-kernel.h"

namespace mb {
const Isa ISA_AVX2 = {"avx2", MB_MR, MB_VB / 4 * MB_NV, &avx2::run};
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
