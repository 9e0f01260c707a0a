// The trial journal: a torn last line is dropped (and cut off) so resume works again and again; damage elsewhere is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinibatchError } from '../../../src/core/errors.js';
import type { RunRecord } from '../../../src/experiments/records.js';
import { SweepJournal } from '../../../src/platform/node/sweep-journal.js';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'minibatch-journal-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const run = (n: number): RunRecord => ({ points: [{ epoch: n, loss: n / 10 }] } as unknown as RunRecord);

/** A journal with trials t1..t3, its path and its full size. */
function threeTrials(name: string): { path: string; size: number } {
  const path = join(dir, name);
  const j = SweepJournal.open(path, { resume: false });
  for (let i = 1; i <= 3; i++) j.record(`t${i}`, run(i));
  return { path, size: readFileSync(path).length };
}

describe('SweepJournal resume', () => {
  it('a torn last line is dropped with a warning, cut off, and resume works a second time', () => {
    const { path, size } = threeTrials('torn.jsonl');
    truncateSync(path, size - 5);
    const first = SweepJournal.open(path, { resume: true });
    assert.equal(first.size, 2);
    assert.equal(first.get('t3'), undefined, 'the torn trial must rerun');
    assert.equal(first.warnings.length, 1);
    assert.match(first.warnings[0]!, /incomplete line 3 .*dropped and that trial runs again/);
    first.record('t3', run(3)); // the rerun trial is appended on a fresh line
    const second = SweepJournal.open(path, { resume: true });
    assert.equal(second.size, 3);
    assert.deepEqual(second.warnings, []);
    assert.deepEqual(second.get('t3'), run(3));
  });

  it('a file cut inside its first line resumes with no trials', () => {
    const { path } = threeTrials('first.jsonl');
    truncateSync(path, 10);
    const j = SweepJournal.open(path, { resume: true });
    assert.equal(j.size, 0);
    assert.equal(readFileSync(path).length, 0);
    j.record('t1', run(1));
    assert.equal(SweepJournal.open(path, { resume: true }).size, 1);
  });

  it('damage on a complete line is refused with its line number', () => {
    const { path } = threeTrials('middle.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 20);
    writeFileSync(path, lines.join('\n'));
    assert.throws(() => SweepJournal.open(path, { resume: true }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_RESULTS_FILE' && /damaged at line 2/.test(e.message));
  });
});
