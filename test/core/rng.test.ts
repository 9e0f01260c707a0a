// Tests of the seeded RNG: reproducibility, shuffles, normal moments, unbiased integers, state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { MinibatchError } from '../../src/core/errors.js';

const draws = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    assert.deepEqual(draws(new Rng(42), 100), draws(new Rng(42), 100));
    assert.notDeepEqual(draws(new Rng(42), 100), draws(new Rng(43), 100));
    assert.notDeepEqual(draws(new Rng(0), 10), draws(new Rng(2 ** 32), 10), 'seeds above 2^32 use their high bits');
  });

  it('next() stays in [0, 1) with mean near 1/2', () => {
    const rng = new Rng(3); let sum = 0; const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      assert.ok(u >= 0 && u < 1, `draw ${u} outside [0, 1)`);
      sum += u;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  });

  it('shuffle produces a permutation, and different orders for different seeds', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    new Rng(5).shuffle(a);
    assert.deepEqual([...a].sort((p, q) => p - q), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(a, Array.from({ length: 50 }, (_, i) => i), 'a 50-element shuffle is not the identity');
    const b = Uint32Array.from({ length: 50 }, (_, i) => i);
    new Rng(5).shuffle(b);
    assert.deepEqual(Array.from(b), a, 'arrays and Uint32Arrays shuffle identically for one seed');
    const c = Uint32Array.from({ length: 50 }, (_, i) => i);
    new Rng(6).shuffle(c);
    assert.notDeepEqual(Array.from(c), a);
  });

  it('shuffle (the generator inlined) draws exactly what Fisher-Yates on int() draws, and leaves the same state', () => {
    for (const seed of [0, 1, 5, 12345, 2 ** 31 + 7]) {
      for (const n of [2, 3, 50, 569, 4097, 100_000]) {
        const fast = new Rng(seed); const slow = new Rng(seed);
        const a = Uint32Array.from({ length: n }, (_, i) => i); const b = a.slice();
        fast.shuffle(a);
        for (let i = n - 1; i > 0; i--) { const j = slow.int(i + 1); const t = b[i]!; b[i] = b[j]!; b[j] = t; }
        assert.ok(a.every((v, i) => v === b[i]), `seed ${seed}, ${n} rows: the orders differ`);
        assert.equal(fast.nextUint32(), slow.nextUint32(), `seed ${seed}, ${n} rows: the generator's state differs after the shuffle`);
      }
    }
  });

  it('shuffle with a length only permutes the prefix', () => {
    const a = Array.from({ length: 10 }, (_, i) => i);
    new Rng(1).shuffle(a, 4);
    assert.deepEqual(a.slice(4), [4, 5, 6, 7, 8, 9]);
    assert.deepEqual([...a.slice(0, 4)].sort(), [0, 1, 2, 3]);
  });

  it('shuffle puts every element in every position about equally often', () => {
    const rng = new Rng(11); const n = 4; const trials = 8000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let t = 0; t < trials; t++) {
      const a = [0, 1, 2, 3]; rng.shuffle(a);
      a.forEach((v, pos) => { counts[v]![pos]!++; });
    }
    for (const row of counts) for (const c of row) assert.ok(Math.abs(c - trials / n) < 150, `count ${c} far from ${trials / n}`);
  });

  it('normal() has mean ~0 and variance ~1 over many draws', () => {
    const rng = new Rng(7); const n = 40000; let s = 0; let s2 = 0;
    for (let i = 0; i < n; i++) { const v = rng.normal(); s += v; s2 += v * v; }
    const mean = s / n; const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.03, `variance ${variance}`);
  });

  it('int(n) stays in [0, n) and is unbiased (chi-square over a non-power-of-two n)', () => {
    const rng = new Rng(9); const n = 7; const draws = 70000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) {
      const v = rng.int(n);
      assert.ok(Number.isInteger(v) && v >= 0 && v < n, `int(7) gave ${v}`);
      counts[v]!++;
    }
    const e = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    assert.ok(chi2 < 22.5, `chi-square ${chi2} with 6 degrees of freedom (p < 0.001 above 22.5): ${counts.join(', ')}`);
    assert.equal(rng.int(1), 0);
    assert.equal(rng.int(0), 0);
  });

  it('int(n) reaches both ends of a large range', () => {
    const rng = new Rng(2); const n = 3_000_000_000; let lo = Infinity; let hi = -Infinity;
    for (let i = 0; i < 5000; i++) { const v = rng.int(n); lo = Math.min(lo, v); hi = Math.max(hi, v); }
    assert.ok(lo >= 0 && lo < n * 0.01 && hi < n && hi > n * 0.99, `range [${lo}, ${hi}]`);
  });

  it('restoring a saved state replays the same draws, including a cached normal', () => {
    const rng = new Rng(21); rng.normal();
    const state = rng.getState();
    const first = [rng.normal(), rng.normal(), rng.next(), rng.int(1000)];
    rng.setState(state);
    assert.deepEqual([rng.normal(), rng.normal(), rng.next(), rng.int(1000)], first);
  });

  it('fork gives a reproducible stream that differs from the parent', () => {
    const a = new Rng(4); const b = new Rng(4);
    const fa = a.fork(); const fb = b.fork();
    assert.deepEqual(draws(fa, 20), draws(fb, 20));
    assert.notDeepEqual(draws(fa, 20), draws(a, 20));
  });

  it('rejects a seed that is negative, fractional or not a number with a MinibatchError', () => {
    for (const bad of [-1, 1.5, NaN, '1' as unknown as number]) {
      assert.throws(() => new Rng(bad), (e: unknown) =>
        e instanceof MinibatchError && e.code === 'BAD_ARGUMENT' && /seed must be an integer/.test(e.message));
    }
  });
});
