// Kernel benchmark: single-thread matrix multiply GFLOP/s on n x n x n cubes, WASM (plain and relaxed SIMD) and the JS reference.
import { readFileSync } from 'node:fs';
import { JsBackend } from '../src/kernels/js/js-backend.js';
import { WasmArena } from '../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../src/kernels/wasm/wasm-module.js';

export interface GemmResult { size: number; impl: string; gflops: number; seconds: number }

/** Best of five timed rounds of C = A B (2 n^3 flops each), each round at least `minSeconds`. */
function best(f: () => void, flops: number, minSeconds: number): { gflops: number; seconds: number } {
  f();
  let reps = 1; let t = 0;
  for (;;) { const t0 = performance.now(); for (let r = 0; r < reps; r++) f(); t = (performance.now() - t0) / 1000; if (t >= minSeconds / 5) break; reps *= 2; }
  let bestT = t / reps;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now(); for (let r = 0; r < reps; r++) f();
    bestT = Math.min(bestT, (performance.now() - t0) / 1000 / reps);
  }
  return { gflops: flops / bestT / 1e9, seconds: bestT };
}

/** GFLOP/s of the forward kernel (C = A W, no bias) at each cube size, per implementation. */
export function benchGemm(sizes: readonly number[] = [64, 256, 1024], minSeconds = 0.3): GemmResult[] {
  const out: GemmResult[] = [];
  const builds = [['wasm simd', loadKernels({ relaxed: false })], ['wasm relaxed-simd', loadKernels()]] as const;
  for (const n of sizes) {
    const flops = 2 * n * n * n;
    for (const [impl, k] of builds) {
      if (!k || (impl === 'wasm relaxed-simd' && !k.relaxed)) continue;
      const arena = new WasmArena(k);
      const [a, b, c, pack] = arena.layout([n * n, n * n + n, n * n, n * 8]);
      for (let i = 0; i < 2 * n * n; i++) arena.heap[(a! >> 2) + i] = Math.sin(i);
      const r = best(() => arena.kernels.gemm(n, n, n, a!, n, 1, b!, n, c!, n, 0, 0, 0, pack!), flops, minSeconds);
      out.push({ size: n, impl, ...r });
    }
    if (n <= 256) {
      const js = new JsBackend(); const A = new Float32Array(n * n).map((_, i) => Math.sin(i));
      const P = new Float32Array(n * n + n).map((_, i) => Math.cos(i)); const C = new Float32Array(n * n);
      out.push({ size: n, impl: 'js reference', ...best(() => js.denseForward(n, n, n, A, P, 0, n * n, C), flops, minSeconds) });
    }
  }
  return out;
}

/**
 * Float32 flops per cycle per core of the widest fused multiply-add this CPU reports in
 * /proc/cpuinfo, assuming two FMA units as on the x86 server cores these VMs run on: AVX-512F
 * 64 (2 x 16 lanes x 2 flops), AVX2 + FMA 32 (2 x 8 x 2), otherwise 16 (SSE: 2 x 4 lanes, a
 * multiply and an add). An upper bound where a core splits 512-bit operations in two (AMD Zen 4).
 */
export function cpuFlopsPerCycle(): { flops: number; isa: string } {
  let flags = '';
  try { flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? ''; } catch { /* not Linux */ }
  const has = (f: string): boolean => new RegExp(`\\b${f}\\b`).test(flags);
  if (has('avx512f')) return { flops: 64, isa: 'two full-width AVX-512 FMA units: 2 x 16 lanes x 2 flops' };
  if (has('avx2') && has('fma')) return { flops: 32, isa: 'AVX2 and FMA, no AVX-512: two FMA units x 8 lanes x 2 flops' };
  return { flops: 16, isa: 'no AVX2/FMA reported: two 4-lane units, a multiply and an add' };
}

/** The CPU's nominal clock in GHz from /proc/cpuinfo (NaN when unreadable). */
export function cpuGhz(): number {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? Number(m[1]) / 1000 : NaN;
  } catch { return NaN; }
}
