// The WASM exp64 and log1p64 (assembly/libm.ts) against V8's Math.exp and Math.log1p: the same bits on every argument tried.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';

const builds = [['relaxed', loadKernels()], ['plain SIMD', loadKernels({ relaxed: false })]] as const;

/** Arguments: specials and thresholds, the loss's ranges (exp of -|z|, log1p of (0, 1]) and random bit patterns. */
function args(): Float64Array {
  const rng = new Rng(7); const out: number[] = [0, -0, 1, -1, 0.5, -0.5, Infinity, -Infinity, NaN, 709.78, 709.79, -745.1, -745.2,
    1e-300, -1e-300, 2 ** -29, -(2 ** -29), 2 ** -54, -0.2929, -0.29289, 0.41421, 0.4142136, Math.LN2 / 2, 1.5 * Math.LN2, 5e-324, 2 ** 53, 1e308];
  const bits = new Float64Array(1); const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < 200_000; i++) {
    out.push(-rng.next() * 50, rng.next(), (rng.next() - 0.5) * 1500, rng.next() * 1e-5, Math.exp(-rng.next() * 40), -rng.next() * 0.3);
    words[0] = Math.floor(rng.next() * 2 ** 32); words[1] = Math.floor(rng.next() * 2 ** 32); out.push(bits[0]!);
  }
  // Both signs of every high word at the edges of exp's reductions (ln2/2, 1.5 ln2, 2^-28, 709.78)
  // and of log1p's (sqrt(2) - 1, 1 - sqrt(2)/2): the low word at its ends and at random.
  for (const high of [0x3FD62E41, 0x3FD62E42, 0x3FD62E43, 0x3FF0A2B1, 0x3FF0A2B2, 0x3FF0A2B3, 0x3E2FFFFF, 0x3E300000,
    0x40862E41, 0x40862E42, 0x3FDA8279, 0x3FDA827A, 0x3FD2BEC3, 0x3FD2BEC4]) {
    for (const sign of [0, 0x80000000]) {
      for (let i = 0; i < 202; i++) {
        words[1] = (high | sign) >>> 0; words[0] = i === 0 ? 0 : i === 1 ? 0xFFFFFFFF : Math.floor(rng.next() * 2 ** 32); out.push(bits[0]!);
      }
    }
  }
  return Float64Array.from(out);
}

describe('exp64 and log1p64 have the bits of Math.exp and Math.log1p', () => {
  const xs = args();
  for (const [name, kernels] of builds) {
    it(`on ${xs.length} arguments (${name} build)`, { skip: kernels ? false : 'WASM kernels not built' }, () => {
      const k = new WasmArena(kernels!).raw;
      let bad = 0; let first = '';
      for (const x of xs) {
        const e = k.exp64(x); const l = k.log1p64(x);
        if (!Object.is(e, Math.exp(x)) || !Object.is(l, Math.log1p(x))) { if (bad++ === 0) first = `x = ${x}: exp ${e} vs ${Math.exp(x)}, log1p ${l} vs ${Math.log1p(x)}`; }
      }
      assert.equal(bad, 0, first);
    });
  }
});
