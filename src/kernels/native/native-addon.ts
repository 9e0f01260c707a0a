// The contract of the compiled addon (native/src/addon.cc): its raw exports, the ISA names and what info() reports.

/** The instruction-set paths of the native gemm, best first. */
export type NativeIsa = 'avx512' | 'avx2' | 'portable';

/** What the addon reports about itself. */
export interface NativeInfo {
  /** The path in use: AVX-512F, AVX2 with FMA, or portable 16-byte vectors (SSE2 / NEON). */
  isa: NativeIsa;
  /** Threads a large product is split over (the calling thread included). */
  threads: number;
  /** Every path this CPU and build can run, best first. */
  supported: NativeIsa[];
  /** std::thread::hardware_concurrency(). */
  hardwareThreads: number;
  /** gemm calls in this thread so far, and how many of them were split over more than one thread. */
  gemmCalls: number;
  splitCalls: number;
}

/**
 * The addon's exports, exactly as compiled. Arrays are Float32Arrays over an ArrayBuffer or a
 * SharedArrayBuffer (a shared WebAssembly.Memory included): the kernels read and write them in
 * place, no copy. Offsets and strides count floats. Every view is bounds-checked (a RangeError
 * names the array); a wrong type is a TypeError. The ISA and thread settings are per JS
 * environment (main thread or worker), shared by everything that uses the addon there.
 */
export interface NativeAddon {
  /**
   * C[i,j] = act(bias[j] + sum_p A(i,p) B(p,j)) for i < M, j < N, p < K, with A(i,p) at
   * A[aOff + i aRs + p aCs], B(p,j) at B[bOff + p bRs + j bCs], C[i,j] at C[cOff + i cRs + j] and
   * bias[j] at bias[biasOff + j] (bias null: none). act: 0 linear, 1 relu, 2 leaky relu (slope).
   */
  gemm(M: number, N: number, K: number, A: Float32Array, aOff: number, aRs: number, aCs: number,
    B: Float32Array, bOff: number, bRs: number, bCs: number, C: Float32Array, cOff: number, cRs: number,
    bias: Float32Array | null, biasOff: number, act: number, slope: number): void;
  /** out[outOff + j] = sum_i Y[yOff + i yRs + j] for i < M, j < N (float32, rows in order). */
  colSums(M: number, N: number, Y: Float32Array, yOff: number, yRs: number, out: Float32Array, outOff: number): void;
  /** In place over Z[zOff, zOff + len): Z <- f(Z), act codes as ACT (tanh and sigmoid in double, rounded once). */
  actForward(act: number, Z: Float32Array, zOff: number, len: number, slope: number): void;
  /** In place over D[dOff, dOff + len): D <- D f'(z) with f' written in terms of A = f(z). */
  actBackward(act: number, A: Float32Array, aOff: number, D: Float32Array, dOff: number, len: number, slope: number): void;
  /**
   * torch.optim.SGD over P[pOff, pOff + n) with gradient G and momentum buffer B (null for
   * modes 0 and 1), in float64 with the same bits as src/optim/sgd.ts. keep = 1 - dampening.
   * mode 0: plain; 1: weight decay; 2: first momentum step; 3: first Nesterov step; 4: Nesterov;
   * 5: momentum (the codes of the WASM sgdUpdate).
   */
  sgdUpdate(n: number, P: Float32Array, pOff: number, G: Float32Array, gOff: number, B: Float32Array | null, bOff: number,
    lr: number, mu: number, keep: number, wd: number, mode: number): void;
  info(): NativeInfo;
  /** 'auto' (the best supported) or a supported ISA; returns the one in use. Throws a RangeError if unsupported. */
  setIsa(isa: NativeIsa | 'auto'): NativeIsa;
  /** Restarts the thread pool with `threads` threads (1 to 64); returns it. */
  setThreads(threads: number): number;
  /**
   * Asks the OS (Linux madvise MADV_HUGEPAGE) to back the whole 2 MiB pages inside `view` with
   * huge pages when they are first touched; returns the bytes advised (0 elsewhere). No value or
   * protection changes. For fresh memory about to be filled: one page fault where there were 512.
   */
  adviseHugePages(view: Float32Array): number;
}
