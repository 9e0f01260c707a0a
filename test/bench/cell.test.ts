// Tests of a benchmark cell run as bench/run.ts runs it: a child process printing its result line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from '../../bench/cell.js';
import { nativeInfo } from '../../src/kernels/native/native-status.js';

const CELL = fileURLToPath(new URL('../../bench/cell.js', import.meta.url));

/** The result of `node dist/bench/cell.js perf mnist <engine> full`, timed as briefly as the harness allows. */
function perfCell(engine: string): { examplesPerSec: number; nativeThreads: number | null } {
  const env: NodeJS.ProcessEnv = { ...process.env, MINIBATCH_BENCH_MIN_SECONDS: '0.01', MINIBATCH_BENCH_REPEATS: '1' };
  delete env['MINIBATCH_THREADS'];
  const r = spawnSync(process.execPath, [CELL, 'perf', 'mnist', engine, 'full'], { encoding: 'utf8', env });
  const line = r.stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  assert.ok(r.status === 0 && line, `cell failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as { examplesPerSec: number; nativeThreads: number | null };
}

describe('the one-thread benchmark cell', { skip: nativeInfo() ? false : 'native kernels not built' }, () => {
  it('runs the native kernels on one thread, though loading MNIST starts them first', () => {
    const one = perfCell('engine-auto1');
    assert.equal(one.nativeThreads, 1);
    assert.ok(one.examplesPerSec > 0);
  });

  it('and the default cell on more where the machine has them', { skip: availableParallelism() > 1 ? false : 'one core' }, () => {
    assert.ok((perfCell('engine-auto').nativeThreads ?? 0) > 1);
  });
});
