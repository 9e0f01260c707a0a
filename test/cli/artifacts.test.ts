// Issue 12: artifacts you can trust on the command line: --out never replaced by an interrupted or failed run, sweeps marked partial.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { assertFails, CLI, runCli, tempDir } from './helpers.js';

const { dir } = tempDir('artifacts');

/** A seeded binary problem as CSV: `rows` rows of 6 features. */
function writeData(name: string, rows: number): string {
  const rng = new Rng(5); const lines = ['a,b,c,d,e,f,label'];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: 6 }, () => rng.normal());
    lines.push([...x.map((v) => v.toFixed(4)), x[0]! - x[1]! > 0 ? 1 : 0].join(','));
  }
  const p = join(dir, name); writeFileSync(p, lines.join('\n') + '\n'); return p;
}

/** Runs the CLI and sends SIGINT once stderr matches `trigger`. */
function interrupt(args: string[], trigger: RegExp): Promise<{ status: number | null; stdout: string; stderr: string; sent: boolean }> {
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

describe('an interrupted train never replaces --out (item 2)', () => {
  it('Ctrl-C leaves the existing model byte for byte, keeps the checkpoint and says how to resume', { timeout: 60000 }, async () => {
    const data = writeData('big.csv', 3000);
    const out = join(dir, 'prod.json');
    const common = ['train', '--data', data, '--model', 'mlp:16', '--batch-size', '4', '--optimizer', 'adam', '--out', out];
    const good = await runCli([...common, '--epochs', '2', '--quiet']);
    assert.equal(good.status, 0, good.stderr);
    const before = readFileSync(out);
    const cut = await interrupt([...common, '--epochs', '40', '--seed', '2'], /epoch 1:/);
    assert.ok(cut.sent, cut.stderr);
    assert.equal(cut.status, 130, cut.stderr);
    assert.match(cut.stderr, /checkpoint saved to .*prod\.json\.ckpt\.json/);
    assert.match(cut.stderr, /prod\.json was not written \(nor replaced\)/);
    assert.match(cut.stderr, /--resume/);
    assert.ok(existsSync(`${out}.ckpt.json`));
    assert.deepEqual(readFileSync(out), before, 'prod.json unchanged');
  });
});

describe('sweeps: interrupted is partial and 130, all-diverged is 1 with a report (item 5)', () => {
  it('Ctrl-C during compare exits 130 and marks results.json and --json partial', { timeout: 60000 }, async () => {
    const data = writeData('sweep.csv', 2500);
    const out = join(dir, 'cut');
    // 300 epochs: about 0.1 s a trial, so the signal lands while trials remain (at 6 epochs, 2 ms
    // a trial, all nine could finish before it did).
    const r = await interrupt(['compare', '--data', data, '--model', 'logistic', '--batch-sizes', '1,8,64', '--lr', '0.05', '--epochs', '300', '--seeds', '3', '--workers', '1', '--out', out, '--json'], /compare: [1-8]\/9 trials done/);
    assert.ok(r.sent, r.stderr);
    assert.equal(r.status, 130, r.stderr);
    assert.match(r.stderr, /run the same command with --resume/);
    const json = JSON.parse(r.stdout) as { partial: boolean };
    assert.equal(json.partial, true);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { partial?: boolean; compare: { partial?: boolean } };
    assert.equal(results.partial, true);
    assert.equal(results.compare.partial, true);
  });

  it('compare where every run diverges exits 1 and still writes a report that shows it', { timeout: 60000 }, async () => {
    const data = writeData('div.csv', 300);
    const out = join(dir, 'diverged');
    const r = await runCli(['compare', '--data', data, '--model', 'linear', '--target', 'a', '--scale', 'none', '--batch-sizes', '1,8', '--lr', '1000', '--epochs', '3', '--seeds', '1', '--workers', '1', '--out', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /every run diverged/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /No recommendation: every run diverged/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { recommendation: { none?: string } };
    assert.equal(results.recommendation.none, 'diverged');
  });
});

describe('the starting point never reaches the target (item 6)', () => {
  it('one full-batch epoch times the target after its first update, not at 0', { timeout: 60000 }, async () => {
    const data = writeData('one.csv', 400);
    const r = await runCli(['compare', '--data', data, '--batch-sizes', 'full', '--lr', '0.1', '--epochs', '1', '--seeds', '1', '--workers', '1', '--out', join(dir, 'one'), '--json', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { recommendation: { evidence: string[] } };
    assert.doesNotMatch(j.recommendation.evidence.join(' '), /0 examples, 0 updates/);
  });
});

describe('output paths and option combinations are checked before training (items 7, 8, 9)', () => {
  const data = (): string => (existsSync(join(dir, 'small.csv')) ? join(dir, 'small.csv') : writeData('small.csv', 60));
  it('refuses --out "", a folder and a missing parent, naming --out, and writes nothing', async () => {
    mkdirSync(join(dir, 'a-folder'), { recursive: true });
    assertFails(await runCli(['train', '--data', data(), '--out', '']), 2, /--out is empty/);
    assertFails(await runCli(['train', '--data', data(), '--out', join(dir, 'a-folder')]), 2, /--out .* is a folder/);
    assertFails(await runCli(['train', '--data', data(), '--out', join(dir, 'nope', 'm.json')]), 2, /--out .*does not exist/);
    assertFails(await runCli(['compare', '--data', data(), '--out', '']), 2, /--out is empty/);
    assertFails(await runCli(['compare', '--data', data(), '--out', data()]), 2, /--out .* is a file, not a folder/);
    assert.ok(!existsSync(join(dir, '.ckpt.json')) && !existsSync('.ckpt.json'));
  });

  it('refuses a read-only folder', { skip: process.getuid?.() === 0 ? 'running as root: permissions do not apply' : false }, async () => {
    const ro = join(dir, 'ro'); mkdirSync(ro, { recursive: true, mode: 0o555 });
    assertFails(await runCli(['train', '--data', data(), '--out', join(ro, 'm.json')]), 2, /--out .*not writable/);
  });

  it('refuses --cache without --stream and --stream with --validation', async () => {
    assertFails(await runCli(['train', '--data', data(), '--cache', join(dir, 'c.mbc')]), 2, /--cache works only with --stream/);
    assertFails(await runCli(['train', '--data', data(), '--stream', '--validation', '0.3']), 2, /--stream trains without a validation split/);
  });

  it('refuses a model too large for memory with the size needed and the limit (exit 2, no stack)', async () => {
    assertFails(await runCli(['train', '--data', data(), '--epochs', '1', '--model', 'mlp:100000,100000']), 2, /needs about [\d.]+ GiB to train/, /4 GiB limit/);
  });
});
