// Lock files and stale temporary files, with real child processes: a live holder refuses, a SIGKILLed one is taken over.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MinibatchError } from '../../../src/core/errors.js';
import { writeFileAtomic } from '../../../src/platform/node/atomic-file.js';
import { acquireLock, lockOutputs } from '../../../src/platform/node/lock-file.js';

const LOCK_MODULE = fileURLToPath(new URL('../../../src/platform/node/lock-file.js', import.meta.url));

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'minibatch-lock-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs `code` (an ES module body) in a child node process; resolves once it prints `ready`. */
function child(code: string): Promise<{ proc: ChildProcess; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; if (out.includes('ready')) resolve({ proc, exited }); });
    proc.on('error', reject);
    void exited.then((c) => { if (!out.includes('ready')) reject(new Error(`child exited ${c} before ready`)); });
  });
}

const holdLock = (path: string): string =>
  `import { acquireLock } from ${JSON.stringify(LOCK_MODULE)}; acquireLock(${JSON.stringify(path)}); console.log('ready'); setInterval(() => {}, 1000);`;

describe('acquireLock', () => {
  it('refuses while a live process holds the lock, naming its pid and the lock file; takes over once it is SIGKILLed', async () => {
    const path = join(dir, 'run.ckpt.json.lock');
    const { proc, exited } = await child(holdLock(path));
    assert.throws(() => acquireLock(path, { what: 'run.ckpt.json' }), (e: unknown) => {
      assert.ok(e instanceof MinibatchError && e.code === 'LOCKED', String(e));
      assert.match(e.message, new RegExp(`run\\.ckpt\\.json is in use by pid ${proc.pid} \\(started \\d{4}-`));
      assert.ok(e.message.includes(`wait for it or remove ${path} if that process is gone`), e.message);
      return true;
    });
    proc.kill('SIGKILL'); await exited;
    assert.ok(existsSync(path), 'a SIGKILLed holder leaves its lock');
    const warnings: string[] = [];
    const lock = acquireLock(path, { onWarning: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`pid ${proc.pid}, which is no longer running; taking it over`));
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid, process.pid);
    lock.release(); lock.release();
    assert.equal(existsSync(path), false);
  });

  it('a second lock in the same process is refused too, and lockOutputs takes all or none', () => {
    const a = join(dir, 'a.json'); const b = join(dir, 'b.json');
    const held = acquireLock(`${b}.lock`);
    assert.throws(() => acquireLock(`${b}.lock`), (e: unknown) => e instanceof MinibatchError && e.code === 'LOCKED' && e.message.includes(`pid ${process.pid}`));
    assert.throws(() => lockOutputs([a, undefined, b]), (e: unknown) => e instanceof MinibatchError && e.code === 'LOCKED');
    assert.equal(existsSync(`${a}.lock`), false, 'the lock of a was released when b was in use');
    held.release();
    const both = lockOutputs([a, a, b]);
    assert.ok(existsSync(`${a}.lock`) && existsSync(`${b}.lock`));
    both.release();
    assert.ok(!existsSync(`${a}.lock`) && !existsSync(`${b}.lock`));
  });

  it('a process that exits without releasing removes its lock at exit', async () => {
    const path = join(dir, 'exit.lock');
    const { exited } = await child(`import { acquireLock } from ${JSON.stringify(LOCK_MODULE)}; acquireLock(${JSON.stringify(path)}); console.log('ready');`);
    assert.equal(await exited, 0);
    assert.equal(existsSync(path), false);
  });
});

describe('writeFileAtomic and orphaned temporary files', () => {
  it('removes the temp file of a writer SIGKILLed before its rename, keeps a live writer\'s, on the next write', async () => {
    const target = join(dir, 'model.json');
    const { proc, exited } = await child(
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(join(dir, '.model.json.'))} + process.pid + '.k1ll3d.tmp', 'half'); console.log('ready'); setInterval(() => {}, 1000);`);
    proc.kill('SIGKILL'); await exited;
    const live = `.model.json.${process.pid}.l1ve.tmp`;
    writeFileSync(join(dir, live), 'in flight');
    writeFileSync(join(dir, '.other.json.99999999.x.tmp'), 'not ours');
    assert.ok(readdirSync(dir).includes(`.model.json.${proc.pid}.k1ll3d.tmp`));
    await writeFileAtomic(target, 'complete');
    const names = readdirSync(dir);
    assert.ok(!names.includes(`.model.json.${proc.pid}.k1ll3d.tmp`), `stale temp file kept: ${names.join(' ')}`);
    assert.ok(names.includes(live), 'a live writer\'s temp file was removed');
    assert.ok(names.includes('.other.json.99999999.x.tmp'), 'another target\'s temp file was touched');
    assert.equal(readFileSync(target, 'utf8'), 'complete');
  });
});
