// Kernel benchmark: single-thread matrix multiply GFLOP/s on n x n x n cubes, WASM (plain and relaxed SIMD) and the JS reference.
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
