# The native kernels addon (build/Release/minibatch_native.node), built by native/build.mjs during npm install; see bench/README.md.
{
  "targets": [
    {
      "target_name": "minibatch_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/kernels.cc",
        "native/src/pool.cc",
        "native/src/optim.cc",
        "native/src/gemm-portable.cc",
        "native/src/gemm-avx2.cc",
        "native/src/gemm-avx512.cc"
      ],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=gnu++17", "-fexceptions", "-O3", "-ffp-contract=off"],
      "cflags": ["-O3"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "gnu++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"]
      }
    }
  ]
}
