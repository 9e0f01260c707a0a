// `minibatch train`: SIGINT saves a checkpoint; `--resume` continues to the uninterrupted result.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { CLI, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-resume-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A seeded binary problem as CSV: 3000 rows of 8 features. */
function writeData(): string {
  const rng = new Rng(3); const lines = ['a,b,c,d,e,f,g,h,label'];
  for (let i = 0; i < 3000; i++) {
    const x = Array.from({ length: 8 }, () => rng.normal());
    lines.push([...x.map((v) => v.toFixed(4)), x[0]! + 0.5 * x[1]! - x[2]! > 0 ? 1 : 0].join(','));
  }
  const p = join(dir, 'data.csv'); writeFileSync(p, lines.join('\n') + '\n'); return p;
}

/** Runs the CLI and sends SIGINT once stderr shows `trigger`; resolves with status and output. */
function runAndInterrupt(args: string[], trigger: RegExp): Promise<{ status: number | null; stdout: string; stderr: string; sent: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = ''; let stderr = ''; let sent = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && trigger.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, sent }));
  });
}

type TrainJson = { epochs: number; history: Array<Record<string, unknown>>; stopped: string | null };
const untimed = (h: TrainJson['history']): unknown[] => h.map(({ trainSeconds: _t, ...r }) => r);

describe('minibatch train --resume', () => {
  it('Ctrl-C writes a checkpoint and the resumed run equals an uninterrupted one', async () => {
    const data = writeData();
    const common = ['train', '--data', data, '--model', 'mlp:16', '--batch-size', '4', '--epochs', '30', '--optimizer', 'adam', '--json'];
    const full = await runCli([...common, '--out', join(dir, 'full.json'), '--quiet']);
    assert.equal(full.status, 0, full.stderr);
    const ref = JSON.parse(full.stdout) as TrainJson;

    const out = join(dir, 'part.json');
    const cut = await runAndInterrupt([...common, '--out', out], /epoch 1:/);
    assert.ok(cut.sent, 'progress appeared');
    assert.equal(cut.status, 130, cut.stderr);
    assert.match(cut.stderr, /SIGINT received/);
    assert.match(cut.stderr, /checkpoint saved to .*part\.json\.ckpt\.json; .*run the same command with --resume/);
    const partial = JSON.parse(cut.stdout) as TrainJson;
    assert.equal(partial.stopped, 'aborted');
    assert.ok(partial.epochs < 30, `stopped after ${partial.epochs} of 30 epochs`);
    assert.ok(existsSync(`${out}.ckpt.json`));

    const resumed = await runCli([...common, '--out', out, '--resume', '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const r = JSON.parse(resumed.stdout) as TrainJson;
    assert.equal(r.stopped, null);
    assert.deepEqual(untimed(r.history), untimed(ref.history));
    const weights = (p: string): unknown => (JSON.parse(readFileSync(p, 'utf8')) as { weights: unknown }).weights;
    assert.deepEqual(weights(out), weights(join(dir, 'full.json')), 'bit-identical weights');
  });

  it('train --stream (and --cache) trains from chunks and saves a model', async () => {
    const data = join(dir, 'data.csv'); if (!existsSync(data)) writeData();
    for (const extra of [[], ['--cache', join(dir, 'data.mbc')], ['--cache', join(dir, 'data.mbc')]]) {
      const r = await runCli(['train', '--data', data, '--stream', '--buffer-rows', '500', '--batch-size', '16', '--epochs', '3', '--optimizer', 'adam', '--lr', '0.05', '--json', '--out', join(dir, 'stream.json'), ...extra]);
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { rows: number; history: Array<{ examplesSeen: number; metrics: { accuracy: number } }> };
      assert.equal(j.rows, 3000);
      assert.deepEqual(j.history.map((h) => h.examplesSeen), [3000, 6000, 9000]);
      assert.ok(j.history[2]!.metrics.accuracy > 0.9, `accuracy ${j.history[2]!.metrics.accuracy}`);
      assert.match(r.stderr, /streamed 3000 rows per epoch/);
    }
    assert.ok(existsSync(join(dir, 'data.mbc')));
  });

  it('train --stream takes --class-weight (balanced: a counting pass first) and --clip-norm', async () => {
    const data = join(dir, 'data.csv'); if (!existsSync(data)) writeData();
    const args = ['train', '--data', data, '--stream', '--buffer-rows', '500', '--batch-size', '16', '--epochs', '1', '--json', '--quiet'];
    const plain = JSON.parse((await runCli(args)).stdout) as { history: Array<{ trainLoss: number }> };
    const r = await runCli([...args, '--class-weight', 'balanced', '--clip-norm', '0.5']);
    assert.equal(r.status, 0, r.stderr);
    const weighted = JSON.parse(r.stdout) as { history: Array<{ trainLoss: number }> };
    assert.notEqual(weighted.history[0]!.trainLoss, plain.history[0]!.trainLoss);
  });

  it('--resume without a checkpoint path is a usage error', async () => {
    const r = await runCli(['train', '--data', 'synthetic:linear', '--resume']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--resume needs the checkpoint/);
  });
});
