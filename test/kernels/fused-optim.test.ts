// The fused WASM optimizer updates and the denormal guard: the same bits as the JavaScript loops, state flushed before it turns subnormal.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { homeOf, WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { adam, adamw } from '../../src/optim/adam.js';
import { FLUSH_BELOW, FLUSH_EVERY, type Optimizer } from '../../src/optim/optimizer.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import { sgd } from '../../src/optim/sgd.js';
import { bitEqual } from '../helpers/assert-close.js';

const kernels = loadKernels();
const configs: [string, () => Optimizer][] = [
  ['sgd', () => sgd({ learningRate: 0.1 })],
  ['sgd weight decay', () => sgd({ learningRate: 0.1, weightDecay: 0.01 })],
  ['sgd momentum', () => sgd({ learningRate: 0.05, momentum: 0.9 })],
  ['sgd momentum dampening decay', () => sgd({ learningRate: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3 })],
  ['sgd nesterov', () => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['adam', () => adam({ learningRate: 0.01 })],
  ['adam l2', () => adam({ learningRate: 0.01, weightDecay: 0.1 })],
  ['adamw', () => adamw({ learningRate: 0.01 })],
  ['rmsprop', () => rmsprop({ learningRate: 0.01 })],
  ['rmsprop centered momentum decay', () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 })],
  ['rmsprop momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.5 })],
];

function fill(a: Float32Array, rng: Rng, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = (rng.next() * 2 - 1) * scale;
}

describe('fused WASM optimizer updates', { skip: kernels ? false : 'WASM kernels not built' }, () => {
  for (const [name, make] of configs) {
    it(`${name}: the same bits as the JavaScript loop, lengths 0..17 (JS loop), 64, 65 and 1023 (WASM kernel), ${FLUSH_EVERY + 8} steps`, () => {
      for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 64, 65, 1023]) {
        const arena = new WasmArena(kernels!);
        const pW = arena.allocView(n); const gW = arena.allocView(n);
        const pJ = new Float32Array(n); const gJ = new Float32Array(n);
        const rng = new Rng(n + 1); fill(pJ, rng, 1); pW.set(pJ);
        const oW = make(); const oJ = make();
        for (let t = 0; t < FLUSH_EVERY + 8; t++) {
          // Gradients shrink over the run so that some state decays below the flush threshold.
          fill(gJ, rng, t > 20 ? 1e-32 : 1); gW.set(gJ);
          oW.step(pW, gW); oJ.step(pJ, gJ);
        }
        assert.ok(bitEqual(pW, pJ), `${name} n=${n}: parameters differ`);
        // The comparison means something only if the WASM kernel ran: from 64 parameters it does.
        const path = (oW as unknown as { fused(p: Float32Array, g: Float32Array): unknown }).fused(pW, gW);
        assert.equal(path !== null, n >= 64, `${name} n=${n}: fused kernel ${path !== null ? 'used' : 'not used'}`);
        const bw = oW.buffers(); const bj = oJ.buffers();
        bw.forEach((b, i) => {
          assert.equal(homeOf(b), arena, `${name}: state buffer ${i} lives in the parameters' WASM memory`);
          assert.ok(bitEqual(b, bj[i]!), `${name} n=${n}: state buffer ${i} differs`);
        });
      }
    });
  }

  it('moves the state into WASM memory when a restored optimizer meets resident parameters', () => {
    const arena = new WasmArena(kernels!); const n = 37;
    const p = arena.allocView(n); const g = arena.allocView(n); const rng = new Rng(5);
    fill(p, rng, 1); const pJ = p.slice();
    const a = adam({ learningRate: 0.01 }); const b = adam({ learningRate: 0.01 });
    for (let t = 0; t < 3; t++) { fill(g, rng, 1); a.step(pJ, g.slice()); }
    b.setState(a.getState());
    assert.equal(homeOf(b.buffers()[0]!), undefined, 'restored state starts on the JS heap');
    p.set(pJ); fill(g, rng, 1);
    b.step(p, g); a.step(pJ, g.slice());
    assert.equal(homeOf(b.buffers()[0]!), arena);
    assert.ok(bitEqual(p, pJ));
  });
});

describe('denormal guard', () => {
  for (const [name, make] of [['sgd momentum 0.9', () => sgd({ learningRate: 0.01, momentum: 0.9 })], ['adam', () => adam()]] as const) {
    for (const where of ['js', 'wasm'] as const) {
      if (where === 'wasm' && !kernels) continue;
      it(`${name} (${where}): state that decays under zero gradients is zero, never subnormal`, () => {
        const n = 64; const arena = where === 'wasm' ? new WasmArena(kernels!) : null;
        const p = arena ? arena.allocView(n) : new Float32Array(n); const g = arena ? arena.allocView(n) : new Float32Array(n);
        p.fill(0.5); g.fill(1e-3);
        const o = make(); o.step(p, g);
        g.fill(0);
        let sawTiny = false;
        for (let t = 1; t < 3000; t++) {
          o.step(p, g);
          for (const b of o.buffers()) {
            for (const v of b) {
              if (v !== 0 && Math.abs(v) < 1.1754943508222875e-38) assert.fail(`step ${t}: subnormal state value ${v}`);
              if (v !== 0 && Math.abs(v) < FLUSH_BELOW) sawTiny = true;
              if (o.iterations % FLUSH_EVERY === 0) assert.ok(v === 0 || Math.abs(v) >= FLUSH_BELOW, `after a flush, ${v} is below ${FLUSH_BELOW}`);
            }
          }
        }
        assert.ok(sawTiny || name === 'adam', 'momentum decays through the flush threshold within the run');
        assert.ok(o.buffers()[0]!.every((v) => v === 0), 'the first moment has been flushed to exactly 0');
      });
    }
  }
});
