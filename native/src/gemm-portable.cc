// The gemm body in portable 16-byte vectors (SSE2 on x86-64, NEON on arm64): 6 x 8 tiles, a multiply then an add.
#include <array>
#include <cstring>
#include <utility>

#include "gemm.h"

namespace mb {
namespace portable {
typedef float V4 __attribute__((vector_size(16)));
inline V4 splat4(float x) { return V4{x, x, x, x}; }
}  // namespace portable
}  // namespace mb

#define MB_NS portable
#define MB_VB 16
#define MB_MR 6
#define MB_NV 2
#define MB_SPLAT(x) splat4(x)
#define MB_FMADD(a, b, c) ((a) * (b) + (c))
#include "gemm-kernel.h"

namespace mb {
const Isa ISA_PORTABLE = {"portable", MB_MR, MB_VB / 4 * MB_NV, &portable::run};
}
