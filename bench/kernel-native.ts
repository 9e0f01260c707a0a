// Kernel benchmark: one 784-128-10 forward + backward step on the native kernels against the WASM SIMD kernels, both on a model's resident WASM memory.
import '../src/platform/node/install.js'; // the Node platform: the kernel host that reads the .wasm bytes
import { pathToFileURL } from 'node:url';
import { loadNative } from '../src/platform/node/native-loader.js';
import type { NativeKernels } from '../src/kernels/native/native-kernels.js';
import { MIN_PART_MACS } from '../src/kernels/wasm/split-kernels.js';
import { WasmArena } from '../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../src/kernels/wasm/wasm-module.js';

export interface NativeBenchRow { batch: number; impl: string; threads: number; microsPerStep: number; gflops: number }
export type NativeBench = { ok: true; isa: string; rows: NativeBenchRow[]; repeats: number } | { ok: false; reason: string };

const D = 784; const H = 128; const O = 10;

/** Byte offsets of every buffer of one step in an arena: X [m,D], W1, b1, W2, b2, hidden, out, dOut, dHidden, gradients, pack. */
function layout(arena: WasmArena, m: number): Record<string, number> {
  const sizes = { x: m * D, w1: D * H, b1: H, w2: H * O, b2: O, h: m * H, z: m * O, dz: m * O, dh: m * H, g1: D * H, gb1: H, g2: H * O, gb2: O, pack: Math.max(m, D) * 8 };
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(sizes)) out[k] = arena.alloc(n);
  const heap = arena.heap;
  for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i) * 0.1;
  return out;
}

/** The step as the resident runner makes it on the WASM kernels (split over the arena's threads where large). */
function wasmStep(arena: WasmArena, p: Record<string, number>, m: number): () => void {
  return () => {
    const k = arena.pick(m * (D * H + H * O), MIN_PART_MACS);
    k.gemm(m, H, D, p['x']!, D, 1, p['w1']!, H, p['h']!, H, p['b1']!, 1, 0, p['pack']!);
    k.gemm(m, O, H, p['h']!, H, 1, p['w2']!, O, p['z']!, O, p['b2']!, 0, 0, p['pack']!);
    k.gemm(H, O, m, p['h']!, 1, H, p['dz']!, O, p['g2']!, O, 0, 0, 0, p['pack']!); k.colSums(m, O, p['dz']!, p['gb2']!);
    k.gemmNT(m, H, O, p['dz']!, p['w2']!, p['dh']!); k.actBackward(1, p['h']!, p['dh']!, m * H, 0);
    k.gemm(D, H, m, p['x']!, 1, D, p['dh']!, H, p['g1']!, H, 0, 0, 0, p['pack']!); k.colSums(m, H, p['dh']!, p['gb1']!);
  };
}

/** The same step on the native kernels, in place on the same memory (float offsets into one view of it). */
function nativeStep(nk: NativeKernels, arena: WasmArena, p: Record<string, number>, m: number): () => void {
  const heap = arena.heap; const f = (k: string): number => p[k]! >> 2;
  return () => {
    nk.gemm(m, H, D, heap, f('x'), D, 1, heap, f('w1'), H, 1, heap, f('h'), H, heap, f('b1'), 1, 0);
    nk.gemm(m, O, H, heap, f('h'), H, 1, heap, f('w2'), O, 1, heap, f('z'), O, heap, f('b2'), 0, 0);
    nk.gemm(H, O, m, heap, f('h'), 1, H, heap, f('dz'), O, 1, heap, f('g2'), O, null, 0, 0, 0);
    nk.addon.colSums(m, O, heap, f('dz'), O, heap, f('gb2'));
    nk.denseBackwardInput(m, H, O, heap, f('dz'), heap, f('w2'), heap, f('dh'));
    nk.actBackward(1, heap, f('h'), heap, f('dh'), m * H, 0);
    nk.gemm(D, H, m, heap, f('x'), 1, D, heap, f('dh'), H, 1, heap, f('g1'), H, null, 0, 0, 0);
    nk.addon.colSums(m, H, heap, f('dh'), H, heap, f('gb1'));
  };
}

/** Median seconds per call over `repeats` rounds of at least `minSeconds` each (after a warm-up). */
function time(step: () => void, repeats: number, minSeconds: number): number {
  let reps = 1;
  for (;;) { const t0 = performance.now(); for (let r = 0; r < reps; r++) step(); if ((performance.now() - t0) / 1000 >= minSeconds) break; reps *= 2; }
  const rounds: number[] = [];
  for (let r = 0; r < repeats; r++) { const t0 = performance.now(); for (let i = 0; i < reps; i++) step(); rounds.push((performance.now() - t0) / 1000 / reps); }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)]!;
}

/** Every batch size on the WASM kernels and the native kernels, on 1 and `threads` threads. */
export function benchNative(batches: readonly number[] = [32, 128, 1024], threads = 2, repeats = 3, minSeconds = 0.2): NativeBench {
  const st = loadNative();
  if (!st.ok) return { ok: false, reason: st.reason };
  const wk = loadKernels();
  if (!wk) return { ok: false, reason: 'WASM kernels not built' };
  const rows: NativeBenchRow[] = [];
  for (const m of batches) {
    const macs = m * (2 * D * H + 3 * H * O);
    for (const t of [1, threads]) {
      const arena = new WasmArena(wk, t); const p = layout(arena, m);
      const w = time(wasmStep(arena, p, m), repeats, minSeconds);
      rows.push({ batch: m, impl: `wasm${wk.relaxed ? ' relaxed-simd' : ' simd'}`, threads: t, microsPerStep: w * 1e6, gflops: (2 * macs) / w / 1e9 });
      st.kernels.setThreads(t);
      const n = time(nativeStep(st.kernels, arena, p, m), repeats, minSeconds);
      rows.push({ batch: m, impl: `native ${st.kernels.info().isa}`, threads: t, microsPerStep: n * 1e6, gflops: (2 * macs) / n / 1e9 });
    }
  }
  return { ok: true, isa: st.kernels.info().isa, rows, repeats };
}

/** A markdown table: one row per batch size and thread count, WASM and native side by side. */
export function nativeTable(b: NativeBench): string {
  if (!b.ok) return `Skipped: ${b.reason}`;
  const lines = ['| batch | threads | WASM µs/step | WASM GFLOP/s | native µs/step | native GFLOP/s | native / WASM |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (let i = 0; i + 1 < b.rows.length; i += 2) {
    const w = b.rows[i]!; const n = b.rows[i + 1]!;
    lines.push(`| ${w.batch} | ${w.threads} | ${w.microsPerStep.toFixed(1)} | ${w.gflops.toFixed(1)} | ${n.microsPerStep.toFixed(1)} | ${n.gflops.toFixed(1)} | ${(w.microsPerStep / n.microsPerStep).toFixed(2)}x |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const repeats = Number(process.env['MINIBATCH_BENCH_REPEATS'] ?? 3);
  const b = benchNative([32, 128, 1024], 2, repeats);
  if (process.argv.includes('--json')) console.log(JSON.stringify(b));
  else console.log(`${b.ok ? `Native ISA: ${b.isa}; median of ${b.repeats} rounds.\n\n` : ''}${nativeTable(b)}`);
}
