// `minibatch compare` / `tune`: SIGINT mid-sweep, then --resume reuses journaled trials and matches a straight run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { CLI, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-resume-sweep-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function writeData(): string {
  const rng = new Rng(8); const lines = ['a,b,c,d,label'];
  for (let i = 0; i < 2500; i++) {
    const x = Array.from({ length: 4 }, () => rng.normal());
    lines.push([...x.map((v) => v.toFixed(4)), x[0]! - x[1]! + 0.3 * rng.normal() > 0 ? 1 : 0].join(','));
  }
  const p = join(dir, 'data.csv'); writeFileSync(p, lines.join('\n') + '\n'); return p;
}

function interrupt(args: string[], trigger: RegExp): Promise<{ status: number | null; stderr: string; sent: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = ''; let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && trigger.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr, sent }));
  });
}

/** The journal's trial keys. */
const journaled = (out: string): string[] => readFileSync(join(out, 'trials.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key);
/** Runs of results.json without wall-clock fields. */
function runsOf(out: string): unknown {
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { compare: { runs: Array<{ points: Array<Record<string, unknown>> }> } };
  return r.compare.runs.map((run) => ({ ...run, points: run.points.map(({ trainSeconds: _s, ...p }) => p) }));
}

describe('sweeps resume after Ctrl-C without rerunning finished trials', () => {
  it('compare: the resumed report equals an uninterrupted one', { timeout: 60000 }, async () => {
    const data = writeData();
    const args = (out: string): string[] => ['compare', '--data', data, '--model', 'logistic', '--batch-sizes', '1,8,64', '--lr', '0.05', '--epochs', '6', '--seeds', '3', '--workers', '1', '--out', out];
    const straight = join(dir, 'straight');
    const ref = await runCli([...args(straight), '--quiet']);
    assert.equal(ref.status, 0, ref.stderr);

    const out = join(dir, 'cut');
    const cut = await interrupt(args(out), /compare: [1-8]\/9 trials done/);
    assert.ok(cut.sent, cut.stderr);
    assert.match(cut.stderr, /SIGINT received/);
    assert.match(cut.stderr, /cancelled: partial results/, 'a partial report was written');
    const before = journaled(out);
    assert.ok(before.length >= 1 && before.length < 9, `${before.length} trials journaled at the interrupt`);

    const resumed = await runCli([...args(out), '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming: ${before.length} finished trials`));
    assert.match(resumed.stderr, new RegExp(`${before.length} trials reused from the journal, not rerun`));
    const after = journaled(out);
    assert.equal(after.length, 9, 'each trial journaled once');
    assert.deepEqual(after.slice(0, before.length), before, 'journaled trials were not run again (not appended twice)');
    assert.deepEqual(runsOf(out), runsOf(straight));
  });

  it('tune --resume needs --out', async () => {
    const r = await runCli(['tune', '--data', 'synthetic:linear', '--resume']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--resume needs the --out folder/);
  });
});
