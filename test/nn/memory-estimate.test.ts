// The training-memory estimate: exact parameter arithmetic, and the 4 GiB refusal of the model builders.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkModelFits, estimateTrainingMemory, formatBytes } from '../../src/nn/memory-estimate.js';
import { mlp } from '../../src/nn/models.js';
import { MinibatchError } from '../../src/core/errors.js';

describe('estimateTrainingMemory', () => {
  it('counts parameters, gradient, optimizer state and activations in float32 bytes', () => {
    // 4-3-2: 4*3+3 + 3*2+2 = 23 parameters; 9 units.
    const e = estimateTrainingMemory([4, 3, 2], 10, 2);
    assert.equal(e.parameters, 92); assert.equal(e.gradient, 92); assert.equal(e.optimizerState, 184);
    assert.equal(e.activations, 4 * 2 * 10 * 9);
    assert.equal(e.total, 92 + 92 + 184 + 720);
  });
  it('formats sizes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(4 * 1024 ** 3), '4 GiB');
  });
});

describe('model builders refuse a model beyond the 4 GiB WASM memory before allocating', () => {
  it('mlp([4, 100000, 100000, 3]) throws BAD_SHAPE naming the size and the limit', () => {
    assert.throws(() => mlp({ layers: [4, 100000, 100000, 3] }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_SHAPE' && /GiB/.test(e.message) && /4 GiB limit/.test(e.message));
    assert.doesNotThrow(() => checkModelFits([4, 1000, 3]));
  });
});
