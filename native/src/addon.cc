// The N-API binding: argument checks, Float32Array views (SharedArrayBuffer-backed ones too) and the exported kernel functions.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <string>
#include <thread>

#include "kernels.h"
#include "optim.h"

namespace {

using mb::idx;

/** A thrown JS error has been set; the export returns this. */
struct Thrown {};

struct Args {
  napi_env env;
  const char* fn;
  napi_value argv[20];
  size_t argc = 20;
};

[[noreturn]] void fail(napi_env env, const char* code, const std::string& msg, bool range = false) {
  if (range) napi_throw_range_error(env, code, msg.c_str());
  else napi_throw_type_error(env, code, msg.c_str());
  throw Thrown{};
}

void check(napi_env env, napi_status s, const char* what) {
  if (s != napi_ok) fail(env, "MB_NATIVE", std::string("minibatch native: ") + what);
}

Args read_args(napi_env env, napi_callback_info info, const char* fn, size_t want) {
  Args a{env, fn, {}, 20};
  check(env, napi_get_cb_info(env, info, &a.argc, a.argv, nullptr, nullptr), "could not read the arguments");
  if (a.argc < want)
    fail(env, "MB_NATIVE_ARGS", std::string("minibatch native ") + fn + ": expected " + std::to_string(want) +
                                    " arguments, got " + std::to_string(a.argc));
  return a;
}

/** An integer argument (a JS number with no fraction, from -2^53 to 2^53). */
idx int_arg(const Args& a, size_t i, const char* name) {
  double d;
  if (napi_get_value_double(a.env, a.argv[i], &d) != napi_ok || d != double(int64_t(d)))
    fail(a.env, "MB_NATIVE_ARGS", std::string("minibatch native ") + a.fn + ": " + name + " (argument " +
                                      std::to_string(i + 1) + ") must be an integer");
  return idx(d);
}

double num_arg(const Args& a, size_t i, const char* name) {
  double d;
  if (napi_get_value_double(a.env, a.argv[i], &d) != napi_ok)
    fail(a.env, "MB_NATIVE_ARGS", std::string("minibatch native ") + a.fn + ": " + name + " must be a number");
  return d;
}

struct F32 { float* data; idx length; };

/**
 * A Float32Array argument's data pointer and length. napi_get_typedarray_info points `data` at
 * the first element (byte offset applied) whether the buffer is an ArrayBuffer or a
 * SharedArrayBuffer, such as a shared WebAssembly.Memory: the kernels then work on it in place.
 */
F32 f32_arg(const Args& a, size_t i, const char* name, bool nullable = false) {
  napi_valuetype t;
  check(a.env, napi_typeof(a.env, a.argv[i], &t), "typeof failed");
  if (nullable && (t == napi_null || t == napi_undefined)) return F32{nullptr, 0};
  bool isTa = false;
  napi_is_typedarray(a.env, a.argv[i], &isTa);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!isTa || napi_get_typedarray_info(a.env, a.argv[i], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array)
    fail(a.env, "MB_NATIVE_ARGS", std::string("minibatch native ") + a.fn + ": " + name + " (argument " +
                                      std::to_string(i + 1) + ") must be a Float32Array");
  return F32{static_cast<float*>(data), idx(length)};
}

/** Checks that the rows x cols view at off with strides (rs, cs) lies inside an array of len floats. */
void in_bounds(const Args& a, const char* name, idx len, idx off, idx rows, idx rs, idx cols, idx cs) {
  if (rows < 0 || cols < 0 || off < 0 || rs < 0 || cs < 0)
    fail(a.env, "MB_NATIVE_RANGE", std::string("minibatch native ") + a.fn + ": " + name + ": sizes, offsets and strides must be >= 0", true);
  if (rows == 0 || cols == 0) return;
  const idx last = off + (rows - 1) * rs + (cols - 1) * cs;
  if (last >= len)
    fail(a.env, "MB_NATIVE_RANGE", std::string("minibatch native ") + a.fn + ": " + name + " needs index " +
                                       std::to_string(last) + " but has length " + std::to_string(len), true);
}

mb::Native& state(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return *static_cast<mb::Native*>(data);
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

template <napi_value (*F)(napi_env, napi_callback_info)>
napi_value guarded(napi_env env, napi_callback_info info) {
  try {
    return F(env, info);
  } catch (const Thrown&) {
    return nullptr;
  }
}

/** gemm(M, N, K, A, aOff, aRs, aCs, B, bOff, bRs, bCs, C, cOff, cRs, bias | null, biasOff, act, slope). */
napi_value js_gemm(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "gemm", 18);
  const idx M = int_arg(a, 0, "M"), N = int_arg(a, 1, "N"), K = int_arg(a, 2, "K");
  const F32 A = f32_arg(a, 3, "A"), B = f32_arg(a, 7, "B"), C = f32_arg(a, 11, "C"), bias = f32_arg(a, 14, "bias", true);
  const idx aOff = int_arg(a, 4, "aOff"), aRs = int_arg(a, 5, "aRs"), aCs = int_arg(a, 6, "aCs");
  const idx bOff = int_arg(a, 8, "bOff"), bRs = int_arg(a, 9, "bRs"), bCs = int_arg(a, 10, "bCs");
  const idx cOff = int_arg(a, 12, "cOff"), cRs = int_arg(a, 13, "cRs"), biasOff = int_arg(a, 15, "biasOff");
  const idx act = int_arg(a, 16, "act");
  const float slope = float(num_arg(a, 17, "slope"));
  if (act < 0 || act > 2) fail(env, "MB_NATIVE_RANGE", "minibatch native gemm: act must be 0 (linear), 1 (relu) or 2 (leaky relu)", true);
  in_bounds(a, "A", A.length, aOff, M, aRs, K, aCs);
  in_bounds(a, "B", B.length, bOff, K, bRs, N, bCs);
  in_bounds(a, "C", C.length, cOff, M, cRs, N, 1);
  if (bias.data) in_bounds(a, "bias", bias.length, biasOff, 1, 0, N, 1);
  const mb::Gemm g{M, N, K, A.data + aOff, aRs, aCs, B.data + bOff, bRs, bCs, C.data + cOff, cRs,
                   bias.data ? bias.data + biasOff : nullptr, int(act), slope};
  mb::gemm(state(env), g);
  return undefined(env);
}

/** colSums(M, N, Y, yOff, yRs, out, outOff). */
napi_value js_col_sums(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "colSums", 7);
  const idx M = int_arg(a, 0, "M"), N = int_arg(a, 1, "N"), yOff = int_arg(a, 3, "yOff"), yRs = int_arg(a, 4, "yRs");
  const idx outOff = int_arg(a, 6, "outOff");
  const F32 Y = f32_arg(a, 2, "Y"), out = f32_arg(a, 5, "out");
  in_bounds(a, "Y", Y.length, yOff, M, yRs, N, 1);
  in_bounds(a, "out", out.length, outOff, 1, 0, N, 1);
  mb::col_sums(M, N, Y.data + yOff, yRs, out.data + outOff);
  return undefined(env);
}

/** actForward(act, Z, zOff, len, slope). */
napi_value js_act_forward(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "actForward", 5);
  const idx act = int_arg(a, 0, "act"), off = int_arg(a, 2, "zOff"), len = int_arg(a, 3, "len");
  const F32 Z = f32_arg(a, 1, "Z");
  in_bounds(a, "Z", Z.length, off, 1, 0, len, 1);
  mb::act_forward(int(act), Z.data + off, len, float(num_arg(a, 4, "slope")));
  return undefined(env);
}

/** actBackward(act, A, aOff, D, dOff, len, slope). */
napi_value js_act_backward(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "actBackward", 7);
  const idx act = int_arg(a, 0, "act"), aOff = int_arg(a, 2, "aOff"), dOff = int_arg(a, 4, "dOff"), len = int_arg(a, 5, "len");
  const F32 A = f32_arg(a, 1, "A"), D = f32_arg(a, 3, "D");
  in_bounds(a, "A", A.length, aOff, 1, 0, len, 1);
  in_bounds(a, "D", D.length, dOff, 1, 0, len, 1);
  mb::act_backward(int(act), A.data + aOff, D.data + dOff, len, float(num_arg(a, 6, "slope")));
  return undefined(env);
}

/** sgdUpdate(n, P, pOff, G, gOff, B | null, bOff, lr, mu, keep, wd, mode): see optim.h. */
napi_value js_sgd_update(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "sgdUpdate", 12);
  const idx n = int_arg(a, 0, "n"), pOff = int_arg(a, 2, "pOff"), gOff = int_arg(a, 4, "gOff"), bOff = int_arg(a, 6, "bOff");
  const F32 P = f32_arg(a, 1, "P"), G = f32_arg(a, 3, "G"), B = f32_arg(a, 5, "B", true);
  const idx mode = int_arg(a, 11, "mode");
  if (mode < 0 || mode > 5) fail(env, "MB_NATIVE_RANGE", "minibatch native sgdUpdate: mode must be 0 to 5", true);
  in_bounds(a, "P", P.length, pOff, 1, 0, n, 1);
  in_bounds(a, "G", G.length, gOff, 1, 0, n, 1);
  if (mode >= 2) {
    if (!B.data) fail(env, "MB_NATIVE_ARGS", "minibatch native sgdUpdate: modes 2 to 5 need the momentum buffer B");
    in_bounds(a, "B", B.length, bOff, 1, 0, n, 1);
  }
  mb::sgd_update(state(env), n, P.data + pOff, G.data + gOff, B.data ? B.data + bOff : nullptr, num_arg(a, 7, "lr"),
                 num_arg(a, 8, "mu"), num_arg(a, 9, "keep"), num_arg(a, 10, "wd"), int(mode));
  return undefined(env);
}

napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/** info() -> { isa, threads, supported: string[], hardwareThreads, gemmCalls, splitCalls }. */
napi_value js_info(napi_env env, napi_callback_info) {
  mb::Native& n = state(env);
  napi_value o, list, v;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "isa", str(env, n.isa->name));
  napi_create_int32(env, n.pool->size(), &v);
  napi_set_named_property(env, o, "threads", v);
  const mb::Isa* all[4];
  const int count = mb::supported_isas(all, 4);
  napi_create_array_with_length(env, size_t(count), &list);
  for (int i = 0; i < count; i++) napi_set_element(env, list, uint32_t(i), str(env, all[i]->name));
  napi_set_named_property(env, o, "supported", list);
  napi_create_int32(env, int32_t(std::thread::hardware_concurrency()), &v);
  napi_set_named_property(env, o, "hardwareThreads", v);
  napi_create_double(env, n.calls, &v);
  napi_set_named_property(env, o, "gemmCalls", v);
  napi_create_double(env, n.splitCalls, &v);
  napi_set_named_property(env, o, "splitCalls", v);
  return o;
}

/** setIsa(name): 'auto' or a supported ISA's name; returns the name in use. */
napi_value js_set_isa(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "setIsa", 1);
  char name[32] = {0};
  size_t len = 0;
  if (napi_get_value_string_utf8(env, a.argv[0], name, sizeof name, &len) != napi_ok)
    fail(env, "MB_NATIVE_ARGS", "minibatch native setIsa: the ISA must be a string");
  const mb::Isa* best[4];
  mb::supported_isas(best, 4);
  const mb::Isa* isa = std::strcmp(name, "auto") == 0 ? best[0] : mb::isa_by_name(name);
  if (!isa)
    fail(env, "MB_NATIVE_ISA", std::string("minibatch native setIsa: '") + name +
                                   "' is not supported by this CPU or build; use 'auto', 'avx512', 'avx2' or 'portable' (see info().supported)", true);
  state(env).isa = isa;
  return str(env, isa->name);
}

/** setThreads(n), 1 <= n <= 64: restarts the pool; returns n. */
napi_value js_set_threads(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "setThreads", 1);
  const idx t = int_arg(a, 0, "threads");
  if (t < 1 || t > 64) fail(env, "MB_NATIVE_RANGE", "minibatch native setThreads: threads must be an integer from 1 to 64", true);
  mb::Native& n = state(env);
  if (n.pool->size() != int(t)) {
    n.pool.reset();
    n.pool.reset(new mb::Pool(int(t)));
  }
  napi_value v;
  napi_create_int32(env, int32_t(t), &v);
  return v;
}

/**
 * adviseHugePages(view: Float32Array): madvise(MADV_HUGEPAGE) over the whole 2 MiB pages inside
 * the view (Linux; elsewhere nothing); returns the bytes advised (0 when none or refused). It
 * changes no value and no protection: the kernel then backs the range with 2 MiB pages as it is
 * first touched, one fault where there were 512 (on a VM a fault of fresh memory cost about
 * 10 µs: a 25 MB copy of training rows into fresh memory took 70 ms, 3-48 ms advised).
 */
napi_value js_advise_huge_pages(napi_env env, napi_callback_info info) {
  Args a = read_args(env, info, "adviseHugePages", 1);
  const F32 v = f32_arg(a, 0, "view");
  double advised = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t HUGE = uintptr_t(2) << 20;
  const uintptr_t from = (reinterpret_cast<uintptr_t>(v.data) + HUGE - 1) & ~(HUGE - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(v.data + v.length)) & ~(HUGE - 1);
  if (to > from && madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) == 0) advised = double(to - from);
#endif
  napi_value r;
  napi_create_double(env, advised, &r);
  return r;
}

void finalize(napi_env, void* data, void*) { delete static_cast<mb::Native*>(data); }

}  // namespace

NAPI_MODULE_INIT() {
  const mb::Isa* best[4];
  mb::supported_isas(best, 4);
  auto* n = new mb::Native{best[0], std::unique_ptr<mb::Pool>(new mb::Pool(1))};
  napi_set_instance_data(env, n, finalize, nullptr);
  const napi_property_descriptor props[] = {
      {"gemm", nullptr, guarded<js_gemm>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"colSums", nullptr, guarded<js_col_sums>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"actForward", nullptr, guarded<js_act_forward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"actBackward", nullptr, guarded<js_act_backward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgdUpdate", nullptr, guarded<js_sgd_update>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"info", nullptr, guarded<js_info>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setIsa", nullptr, guarded<js_set_isa>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, guarded<js_set_threads>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adviseHugePages", nullptr, guarded<js_advise_huge_pages>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
