// Tests of the batch-1 table: a close call or a loss against SGDClassifier is given as the median of alternating pairs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batch1Table, type Batch1Row } from '../../bench/batch1.js';

function row(fused: number, sklearn: number | string, recheck?: Batch1Row['recheck']): Batch1Row {
  return { name: 'Pima 768x8', n: 768, features: 8, learningRate: 0.01, fused, general: 2e6, sklearn, fusedCalls: 10, generalCalls: 0, ...(recheck ? { recheck } : {}) };
}

describe('the batch-1 table', () => {
  it('gives a first ratio as it is when it was not measured again', () => {
    const t = batch1Table({ rows: [row(4.5e6, 2.25e6)], notes: [] });
    assert.match(t, /\| Pima 768x8 \| 768 x 8 \| 4500k \| 2000k \| 2\.3x \| 2250k \| 2\.00x \|/);
    assert.doesNotMatch(t, /‡/);
  });

  it('gives the median of the pairs with each pair, and says how they were measured', () => {
    const pairs = [{ ours: 11.3e6, peer: 14.3e6 }, { ours: 12e6, peer: 12e6 }, { ours: 12.6e6, peer: 12e6 }, { ours: 12e6, peer: 13e6 }];
    const t = batch1Table({ rows: [row(11.3e6, 14.3e6, pairs)], notes: [] });
    assert.match(t, /\| 0\.96x ‡ 0\.79, 1\.00, 1\.05, 0\.92 \|/);
    assert.match(t, /measured 3 more times alternately/);
  });

  it('says why SGDClassifier is missing instead of a ratio', () => {
    assert.match(batch1Table({ rows: [row(4.5e6, 'python3 not found')], notes: [] }), /\| — \(python3 not found\) \| — \|/);
  });
});
