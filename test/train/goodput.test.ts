// Pollux's goodput: the cost model fitted to timed rows and the statistical efficiency.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextAdaptiveBatch } from '../../src/train/batch-policy.js';
import { efficiency, fitCostModel, goodput, interpolatedSeconds } from '../../src/train/goodput.js';

const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('goodput', () => {
  it('fitCostModel recovers t(M) = alpha + beta M from exact timings, and clamps both at >= 0', () => {
    const rows = [1, 2, 4, 8, 16, 32, 64, 128].map((b) => ({ batchSize: b, secondsPerUpdate: 3e-6 + 2e-7 * b }));
    const m = fitCostModel(rows);
    assert.ok(close(m.alpha, 3e-6, 1e-6) && close(m.beta, 2e-7, 1e-6), JSON.stringify(m));
    const falling = fitCostModel([{ batchSize: 1, secondsPerUpdate: 2 }, { batchSize: 2, secondsPerUpdate: 1 }]);
    assert.ok(falling.beta === 0 && falling.alpha > 0, 'a cost falling with B is read as a flat cost');
    const proportional = fitCostModel([{ batchSize: 10, secondsPerUpdate: 1 }, { batchSize: 20, secondsPerUpdate: 3 }]);
    assert.ok(proportional.alpha === 0 && proportional.beta > 0, 'a negative fixed cost is read as none');
  });

  it('one disturbed timing moves the fitted model little (it is smooth across sizes)', () => {
    const rows = [1, 2, 4, 8, 16, 32, 64, 128].map((b) => ({ batchSize: b, secondsPerUpdate: 3e-6 + 2e-7 * b }));
    rows[4] = { batchSize: 16, secondsPerUpdate: 3 * rows[4]!.secondsPerUpdate };
    const m = fitCostModel(rows);
    const ratio = (b: number): number => (m.alpha + m.beta * 2 * b) / (m.alpha + m.beta * b);
    assert.ok(ratio(8) < ratio(16) && ratio(16) < ratio(32), 'time per update still rises smoothly with B');
  });

  it('efficiency is (phi + B0)/(phi + M): 1 at B0, about B0/M without noise, 1 when noise dominates', () => {
    assert.equal(efficiency(100, 8, 8), 1);
    assert.ok(close(efficiency(0, 64, 8), 1 / 8));
    assert.equal(efficiency(Infinity, 1024, 8), 1);
    assert.ok(close(efficiency(56, 64, 8), 64 / 120));
  });

  it('goodput rises with M while throughput gains outweigh the efficiency lost, then falls', () => {
    const cost = { alpha: 1e-4, beta: 1e-6 }; // the fixed cost equals 100 examples' cost
    const g = (m: number, phi: number): number => goodput(cost, phi, m, 8);
    assert.ok(g(16, 1000) > g(8, 1000), 'large noise scale: doubling pays');
    assert.ok(g(2048, 1000) < g(1024, 1000), 'flat throughput, falling efficiency: it stops paying');
    assert.ok(g(16, 2) < g(8, 2) * 1.5 && g(512, 2) < g(64, 2), 'small noise scale: big batches waste examples');
  });

  it('goodput with the applied rate factor credits only min(r, scale) B0-updates of progress per update', () => {
    const cost = { alpha: 1e-4, beta: 1e-6 };
    assert.equal(goodput(cost, 1000, 64, 8, Infinity), goodput(cost, 1000, 64, 8), 'no bound: Pollux');
    const capped = goodput(cost, Infinity, 64, 8, 4);
    assert.ok(close(capped, (64 / (1e-4 + 64e-6)) * (4 * 8 / 64)), 'pure noise, rate capped at x4 at 8 x B0: efficiency 1/2');
    assert.ok(close(goodput(cost, 56, 64, 8, 100), goodput(cost, 56, 64, 8)), 'a bound above the gain changes nothing');
  });

  it('interpolatedSeconds reads timed rows: exact, log-log between, clamped below, proportional above', () => {
    const rows = [{ batchSize: 8, secondsPerUpdate: 2e-6 }, { batchSize: 32, secondsPerUpdate: 8e-6 }, { batchSize: 128, secondsPerUpdate: 16e-6 }];
    assert.equal(interpolatedSeconds(rows, 32), 8e-6);
    assert.ok(close(interpolatedSeconds(rows, 16), 4e-6), 'halfway in log between 8 and 32: the geometric mean');
    assert.ok(close(interpolatedSeconds(rows, 64), Math.sqrt(8e-6 * 16e-6)));
    assert.equal(interpolatedSeconds(rows, 2), 2e-6, 'below the profile: the smallest timing');
    assert.ok(close(interpolatedSeconds(rows, 256), 32e-6), 'above it: no further gain');
    assert.ok(Number.isNaN(interpolatedSeconds([], 8)));
  });

  it('the adaptive decision reads the timings as they were measured: no throughput gain, no growth, whatever a fitted line says', () => {
    // A profile whose 16 costs twice 8 (no gain) but whose larger sizes do gain: a fitted alpha + beta M
    // line credits 16 with a gain the measurement does not show.
    const rows = [{ batchSize: 8, secondsPerUpdate: 2.2e-6 }, { batchSize: 16, secondsPerUpdate: 4.4e-6 }, { batchSize: 32, secondsPerUpdate: 5e-6 }, { batchSize: 64, secondsPerUpdate: 6e-6 }];
    const s = { growth: 2, max: 64, initial: 8 };
    const fitted = fitCostModel(rows);
    assert.ok(goodput(fitted, 1e6, 16, 8) > goodput(fitted, 1e6, 8, 8), 'the fitted line sees a gain at 16');
    assert.equal(nextAdaptiveBatch(1e6, 8, s, 8000, fitted), 16);
    assert.equal(nextAdaptiveBatch(1e6, 8, s, 8000, (m) => interpolatedSeconds(rows, m)), 8, 'the measured rows do not');
    assert.equal(nextAdaptiveBatch(1e6, 16, s, 8000, (m) => interpolatedSeconds(rows, m)), 32, 'from 16 to 32 they do');
  });
});
