// The CPU as /proc/cpuinfo describes it: its feature flags, its nominal clock and the float32 width of its fused multiply-adds.
import { readFileSync } from 'node:fs';

function cpuinfo(): string {
  try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } // not Linux
}

/** The first core's feature flags (empty where /proc/cpuinfo is unreadable). */
export function cpuFlags(): Set<string> {
  return new Set((/^flags\s*:(.*)$/m.exec(cpuinfo())?.[1] ?? '').split(/\s+/).filter(Boolean));
}

/**
 * Float32 flops per cycle per core of the widest fused multiply-add the CPU reports, assuming
 * two FMA units as on the x86 server cores these VMs run on: AVX-512F 64 (2 x 16 lanes x 2
 * flops), AVX2 + FMA 32 (2 x 8 x 2), otherwise 16 (SSE: 2 x 4 lanes, a multiply and an add). An
 * upper bound where a core splits 512-bit operations in two (AMD Zen 4).
 */
export function cpuFlopsPerCycle(flags: ReadonlySet<string> = cpuFlags()): { flops: number; isa: string } {
  if (flags.has('avx512f')) return { flops: 64, isa: 'two full-width AVX-512 FMA units: 2 x 16 lanes x 2 flops' };
  if (flags.has('avx2') && flags.has('fma')) return { flops: 32, isa: 'AVX2 and FMA, no AVX-512: two FMA units x 8 lanes x 2 flops' };
  return { flops: 16, isa: 'no AVX2/FMA reported: two 4-lane units, a multiply and an add' };
}

/** The CPU's nominal clock in GHz (NaN when unreadable). */
export function cpuGhz(): number {
  const m = /cpu MHz\s*:\s*([\d.]+)/.exec(cpuinfo());
  return m ? Number(m[1]) / 1000 : NaN;
}
