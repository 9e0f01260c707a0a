// The gemm body compiled for AVX-512F: 8 x 32 register tiles of zmm FMAs (16 accumulators).
#if defined(__x86_64__) || defined(_M_X64)
#include <array>
#include <cstring>
#include <utility>
#include <immintrin.h>

#include "gemm.h"

// Everything defined below is compiled for AVX-512F; it runs only when the CPU reports it.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#endif

#define MB_NS avx512
#define MB_VB 64
#define MB_MR 8
#define MB_NV 2
#define MB_SPLAT(x) _mm512_set1_ps(x)
#define MB_FMADD(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#include "gemm-kernel.h"

namespace mb {
const Isa ISA_AVX512 = {"avx512", MB_MR, MB_VB / 4 * MB_NV, &avx512::run};
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
