// Unwritable folders and a full disk: a clear IO error, and the previous files left intact.
import '../../src/platform/node/install.js'; // the Node platform (WASM kernels, files, threads) when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/platform/node/atomic-file.js';
import { MinibatchError } from '../../src/core/errors.js';
import { mlp } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { saveModel } from '../../src/platform/node/model-file.js';
import { binaryProblem } from '../helpers/problems.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-io-'));
process.on('exit', () => { try { chmodSync(join(dir, 'ro'), 0o700); } catch { /* absent */ } rmSync(dir, { recursive: true, force: true }); });
const isIo = (re: RegExp) => (e: unknown): boolean => e instanceof MinibatchError && e.code === 'IO' && re.test(e.message) && /writable|space/.test(e.message);
const model = () => mlp({ layers: [4, 3, 1], activation: 'relu', output: 'sigmoid', seed: 1 });

describe('writing into an unwritable place', () => {
  it('a path under a regular file (ENOTDIR): IO error naming the path; fit with such a checkpoint fails before training on', async () => {
    const file = join(dir, 'plain'); writeFileSync(file, 'keep');
    await assert.rejects(writeFileAtomic(join(file, 'x.json'), 'data'), isIo(/plain\/x\.json: ENOTDIR/));
    await assert.rejects(saveModel(model(), join(file, 'm.json')), isIo(/ENOTDIR/));
    await assert.rejects(fit(model(), binaryProblem(40, 4, 1), { epochs: 3, optimizer: sgd({ learningRate: 0.1 }), checkpoint: { path: join(file, 'c.json') } }), isIo(/c\.json: ENOTDIR/));
    assert.equal(readFileSync(file, 'utf8'), 'keep');
  });

  it('a read-only folder: IO error, the old file intact, no temporary file left', async (t) => {
    if (process.getuid?.() === 0) { t.skip('running as root: permissions do not block writes (the ENOTDIR and disk-full tests cover this)'); return; }
    const ro = join(dir, 'ro'); mkdirSync(ro); writeFileSync(join(ro, 'm.json'), 'old');
    chmodSync(ro, 0o500);
    await assert.rejects(saveModel(model(), join(ro, 'm.json')), isIo(/EACCES/));
    assert.equal(readFileSync(join(ro, 'm.json'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(ro), ['m.json']);
  });
});

describe('a full disk', () => {
  it('a write that runs out of space (file size limit, EFBIG) fails cleanly and keeps the previous file', () => {
    const out = join(dir, 'full'); mkdirSync(out);
    const target = join(out, 'model.json'); writeFileSync(target, 'previous model');
    const modelFile = new URL('../../src/platform/node/model-file.js', import.meta.url).href;
    const models = new URL('../../src/nn/models.js', import.meta.url).href;
    const script = join(dir, 'write-big.mjs');
    writeFileSync(script, `import { saveModel } from ${JSON.stringify(modelFile)};
import { mlp } from ${JSON.stringify(models)};
try { await saveModel(mlp({ layers: [64, 256, 10], output: 'softmax' }), process.argv[2]); console.log('written'); }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }\n`);
    // ulimit -f caps file size in 1024-byte blocks: the ~100 kB model cannot be written past 8 kB.
    const r = spawnSync('sh', ['-c', 'ulimit -f 8 && exec "$0" "$@"', process.execPath, script, target], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const err = JSON.parse(r.stdout.trim()) as { name: string; code: string; message: string };
    assert.equal(err.name, 'MinibatchError'); assert.equal(err.code, 'IO');
    assert.match(err.message, /model\.json: EFBIG .*disk has space/);
    assert.equal(readFileSync(target, 'utf8'), 'previous model', 'the previous file is intact');
    assert.deepEqual(readdirSync(out), ['model.json'], 'the temporary file was removed');
  });
});
