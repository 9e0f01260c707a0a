// Tests of the benchmark's reading of the CPU: the float32 FMA width behind its peak, and OpenBLAS's core type for the peers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpuFlopsPerCycle } from '../../bench/cpu.js';
import { openblasCoreType } from '../../bench/peers-python.js';

const flags = (s: string): Set<string> => new Set(s.split(' '));

describe('the CPU as the benchmark reads it', () => {
  it('takes the widest fused multiply-add its flags report', () => {
    assert.equal(cpuFlopsPerCycle(flags('sse2 avx avx2 fma avx512f avx512bw avx512vl')).flops, 64);
    assert.equal(cpuFlopsPerCycle(flags('sse2 avx avx2 fma')).flops, 32);
    assert.equal(cpuFlopsPerCycle(flags('sse2 avx avx2')).flops, 16); // AVX2 without FMA
    assert.equal(cpuFlopsPerCycle(flags('')).flops, 16);
  });

  it('names OpenBLAS\'s kernels from the same flags, whole names only', () => {
    assert.equal(openblasCoreType(flags('avx2 fma avx512f avx512bw avx512vl')), 'SKYLAKEX');
    assert.equal(openblasCoreType(flags('avx2 fma avx512f')), 'HASWELL');
    assert.equal(openblasCoreType(flags('avx2 fma')), 'HASWELL');
    assert.equal(openblasCoreType(flags('avx2 fma4')), undefined);
  });
});
