// Tests of steady rows: a resident copy of rows marked steady is reused without copying until the rows are marked again or unmarked.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { markSteady, steadyVersion, unmarkSteady } from '../../src/kernels/backend.js';
import { ResidentRows } from '../../src/kernels/wasm/resident-rows.js';
import { WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';

// The tests below change rows that were promised steady: only so that a copy that was not made shows.
describe('steady rows', () => {
  it('versions are unique: marking again starts a new one, unmarking ends it', () => {
    const a = new Float32Array(3); const b = new Float32Array(3);
    assert.equal(steadyVersion(a), undefined);
    markSteady(a); markSteady(b);
    const va = steadyVersion(a)!;
    assert.ok(va > 0); assert.notEqual(steadyVersion(b), va);
    markSteady(a);
    assert.ok(steadyVersion(a)! > va);
    unmarkSteady(a);
    assert.equal(steadyVersion(a), undefined);
  });

  it("the next model on a thread's memory takes the block holding steady rows as it is, and copies them again at a new version or once unmarked", () => {
    const kernels = loadKernels()!;
    const rows = new Float32Array(3000).map((_, i) => i + 1);
    markSteady(rows);
    const first = WasmArena.acquire(kernels);
    const v1 = first.residentFeatures(rows);
    assert.deepEqual(v1, rows);
    first.dispose();
    rows[0] = -1;
    const second = WasmArena.acquire(kernels);
    assert.equal(second.memory, first.memory, 'the same memory, from the thread pool');
    const v2 = second.residentFeatures(rows);
    assert.equal(v2.byteOffset, v1.byteOffset, 'the same block');
    assert.equal(v2[0], 1, 'not copied again: the rows are steady at the same version');
    second.dispose();
    markSteady(rows);
    const third = WasmArena.acquire(kernels);
    const v3 = third.residentFeatures(rows);
    assert.equal(v3[0], -1, 'a new version is copied');
    third.dispose();
    unmarkSteady(rows); rows[1] = -2;
    const fourth = WasmArena.acquire(kernels);
    assert.deepEqual(fourth.residentFeatures(rows), rows, 'rows that are not steady are always copied');
    fourth.dispose();
  });

  it('a block that held other rows, or rows that were not steady when copied, is copied into', () => {
    const kernels = loadKernels()!;
    const a = new Float32Array(2000).fill(1); const b = new Float32Array(2000).fill(2);
    const first = WasmArena.acquire(kernels);
    first.residentFeatures(a); // not steady: its block carries no source
    first.dispose();
    markSteady(a); markSteady(b);
    const second = WasmArena.acquire(kernels);
    assert.deepEqual(second.residentFeatures(a), a);
    second.dispose();
    const third = WasmArena.acquire(kernels);
    assert.deepEqual(third.residentFeatures(b), b, 'the block of a, reused for b, holds b');
    third.dispose();
    unmarkSteady(a); unmarkSteady(b);
  });

  it('a block holding other steady rows is left for them: a second matrix gets a block of its own', () => {
    const kernels = loadKernels()!;
    const train = new Float32Array(4000).fill(3); const val = new Float32Array(1000).fill(4);
    markSteady(train); markSteady(val);
    const first = new WasmArena(kernels); // a fresh memory: the training rows' block is its only one
    const t1 = first.residentFeatures(train);
    first.dispose();
    train[0] = -3; // only to show whether it is copied again
    const second = WasmArena.acquire(kernels);
    const v2 = second.residentFeatures(val); // asked for first, and fits the training rows' block
    const t2 = second.residentFeatures(train);
    assert.deepEqual(v2, val);
    assert.equal(t2.byteOffset, t1.byteOffset, 'the training rows kept their block');
    assert.equal(t2[0], 3, 'and were not copied again');
    assert.notEqual(v2.byteOffset, t1.byteOffset);
    second.dispose();
    unmarkSteady(train); unmarkSteady(val);
  });

  it('a model that uses no rows passes the blocks it was handed on to the next model', () => {
    const kernels = loadKernels()!;
    const rows = new Float32Array(3000).fill(5);
    markSteady(rows);
    const first = new WasmArena(kernels);
    const v1 = first.residentFeatures(rows);
    first.dispose();
    rows[0] = -5;
    const probe = WasmArena.acquire(kernels); // uses no rows
    probe.dispose();
    const third = WasmArena.acquire(kernels);
    const v3 = third.residentFeatures(rows);
    assert.equal(v3.byteOffset, v1.byteOffset);
    assert.equal(v3[0], 5, 'taken as it was: not copied');
    third.dispose();
    unmarkSteady(rows);
  });

  it('within one model, a refresh of steady rows copies only when their version changed', () => {
    const arena = new WasmArena(loadKernels()!);
    const resident = new ResidentRows(arena);
    const rows = new Float32Array(500).map((_, i) => i);
    markSteady(rows);
    const v = resident.of(rows, true)!;
    rows[3] = 99;
    assert.equal(resident.of(rows, true)![3], 3, 'steady: not copied again');
    markSteady(rows);
    assert.equal(resident.of(rows, true)![3], 99, 'new version: copied');
    unmarkSteady(rows); rows[4] = 77;
    assert.equal(resident.of(rows, false)![4], 4, 'no refresh asked');
    assert.equal(resident.of(rows, true), v);
    assert.equal(v[4], 77, 'not steady: every refresh copies');
    arena.dispose();
  });
});
