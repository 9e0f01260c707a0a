// Tests of the benchmark's backend table: a close call against a peer is given as the median of alternating pairs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backendTable, CLOSE_CALL, isCloseCall, recheckPairs, recheckRatio, type BackendRow } from '../../bench/table-backends.js';
import type { Measurement } from '../../bench/timing.js';

/** A measurement of `eps` examples/s at batch size 1. */
function m(eps: number): Measurement {
  return { examplesPerSec: eps, usPerStep: 1e6 / eps } as Measurement;
}

function row(auto: number, sklearn: number, recheck?: BackendRow['recheck']): BackendRow {
  return {
    batch: 1, rows: 569, js: m(1e6), auto: m(auto), tf: [],
    py: [{ ok: true, peer: 'sklearn', impl: 'SGDClassifier', version: '1', python: 'python3', env: {}, measurement: m(sklearn) }],
    ...(recheck ? { recheck } : {}),
  };
}

describe('close calls in the backend table', () => {
  it('are the ratios up to 1.25, losses included, measured again as 4 pairs', () => {
    assert.deepEqual(CLOSE_CALL, { high: 1.25, pairs: 4 });
    assert.ok(isCloseCall(0.3) && isCloseCall(0.78) && isCloseCall(1) && isCloseCall(1.25));
    assert.ok(!isCloseCall(1.26) && !isCloseCall(2) && !isCloseCall(NaN));
  });

  it('are measured again as pairs after the first, and give up when a peer\'s run fails', () => {
    let calls = 0;
    const pairs = recheckPairs({ ours: 1, peer: 2 }, () => ({ ours: 10 + calls, peer: 20 + calls++ }));
    assert.deepEqual(pairs, [{ ours: 1, peer: 2 }, { ours: 10, peer: 20 }, { ours: 11, peer: 21 }, { ours: 12, peer: 22 }]);
    calls = 0;
    assert.equal(recheckPairs({ ours: 1, peer: 2 }, () => (calls++ === 1 ? undefined : { ours: 1, peer: 1 })), undefined);
    assert.equal(calls, 2);
  });

  it('take the median of the pairs\' ratios, not the ratio of medians', () => {
    assert.equal(recheckRatio([{ ours: 6.8, peer: 9.4 }, { ours: 13, peer: 12.5 }, { ours: 12.9, peer: 12 }]), 13 / 12.5);
    assert.equal(recheckRatio([{ ours: 1, peer: 2 }, { ours: 3, peer: 2 }, { ours: 2, peer: 2 }, { ours: 4, peer: 2 }]), (1 + 1.5) / 2);
  });

  it('show the median with its mark and every pair, and a plain ratio otherwise', () => {
    const plain = backendTable([row(13e6, 12e6)], [30, 1], 100);
    assert.match(plain, /\| 1\.1 \(sklearn\) \|/);
    const pairs = [{ ours: 6.78e6, peer: 9.44e6 }, { ours: 13e6, peer: 12.5e6 }, { ours: 12.9e6, peer: 12.6e6 }, { ours: 13.1e6, peer: 12.2e6 }];
    const rechecked = backendTable([row(6.78e6, 9.44e6, { peer: 'sklearn', pairs })], [30, 1], 100);
    assert.match(rechecked, /\| 1\.0 \(sklearn\) ‡ 0\.72, 1\.04, 1\.02, 1\.07 \|/);
  });
});
