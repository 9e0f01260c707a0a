// Property-based CLI test (issue 12): random commands, options and hostile files never crash, touch other files or replace --out.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { runCli, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('property');
after(cleanup);

const good = ['a,b,c,label', ...Array.from({ length: 60 }, (_, i) => `${(i % 7) / 2},${i % 5},${(i * 3) % 11},${(i % 7) > 3 ? 'yes' : 'no'}`)].join('\n') + '\n';
/** Small hostile inputs, written once into the temp folder. */
const FILES: Record<string, string | Buffer> = {
  'good.csv': good,
  'empty.csv': '',
  'header-only.csv': 'a,b,label\n',
  'semi.csv': good.replace(/,/g, ';'),
  'tab.csv': good.replace(/,/g, '\t'),
  'one-class.csv': 'a,b,label\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n',
  'dup.csv': 'a,a,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n',
  'ragged.csv': 'a,b,label\n1,2\n3,4,1,9\n',
  'text.csv': 'a,b,label\n1,x,0\n2,3,1\n4,5,0\n6,7,1\n',
  'missing.csv': 'a,b,label\n1,?,0\n2,3,1\n4,5,0\n6,7,1\n8,,1\n',
  'binary.csv': Buffer.from([0, 255, 254, 10, 0, 44, 13, 10, 7, 200]),
  'formula.csv': 'a,b,label\n1,2,=cmd\n3,4,+x\n5,6,=cmd\n7,8,+x\n',
  'bidi.csv': 'a,b,\u202Elabel\n1,2,\u202Ey\n3,4,n\n5,6,\u202Ey\n7,8,n\n',
  'huge-number.csv': 'a,b,label\n1e308,2,0\n-1e308,4,1\n1e308,6,0\n3,8,1\n',
  'model.json': '{"format":"minibatch-model","version":1}',
  'not-json.json': 'hello',
};
for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
mkdirSync(join(dir, 'a-folder'), { recursive: true });

const dataArg = fc.constantFrom(...Object.keys(FILES).filter((f) => f.endsWith('.csv')), 'synthetic:blobs', 'missing-file.csv', 'a-folder', '');
const common = fc.record({
  data: dataArg,
  target: fc.option(fc.constantFrom('label', 'a', '0', '9', 'nope', ''), { nil: undefined }),
  missing: fc.option(fc.constantFrom('drop', 'mean', 'error', 'bogus'), { nil: undefined }),
  delimiter: fc.option(fc.constantFrom(';', 'tab', ',', ';;', ''), { nil: undefined }),
  validation: fc.option(fc.constantFrom('0', '0.3', '0.95', '-1', 'abc'), { nil: undefined }),
  seed: fc.option(fc.constantFrom('1', '2', '-1', '1e3', 'x'), { nil: undefined }),
});
const trainArgs = fc.record({
  model: fc.option(fc.constantFrom('logistic', 'softmax', 'linear', 'mlp:4', 'mlp:100000,100000', 'mlp:0', 'cnn'), { nil: undefined }),
  batch: fc.option(fc.constantFrom('1', '8', 'full', '0', '-3', '2.5'), { nil: undefined }),
  epochs: fc.constantFrom('1', '2', '0', '1000000001', 'x'),
  lr: fc.option(fc.constantFrom('0.1', '1e9', '0', '-1', 'nan'), { nil: undefined }),
  extra: fc.subarray(['--stream', '--cache', '--resume', '--drop-last', '--json', '--quiet', '--patience'], { maxLength: 2 }),
});
const outKind = fc.constantFrom('fresh', 'existing', 'empty', 'folder', 'missing-parent');
const command = fc.oneof(
  fc.record({ cmd: fc.constant('train' as const), c: common, t: trainArgs, out: outKind }),
  fc.record({ cmd: fc.constant('compare' as const), c: common, t: trainArgs, out: outKind }),
  fc.record({ cmd: fc.constantFrom('predict' as const, 'evaluate' as const), c: common, t: trainArgs, out: outKind,
    model: fc.constantFrom('model.json', 'not-json.json', '/dev/zero', 'a-folder', 'nothing.json', '') }),
);
type Case = { cmd: 'train' | 'compare' | 'predict' | 'evaluate'; c: { data: string; target?: string; missing?: string; delimiter?: string; validation?: string; seed?: string }; t: { model?: string; batch?: string; epochs: string; lr?: string; extra: string[] }; out: string; model?: string };

/** Path -> content hash of every file under `root`. */
function snapshot(root: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p); else m.set(relative(root, p), createHash('sha1').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return m;
}

function argsOf(k: Case, out: string | undefined): string[] {
  const a: string[] = [k.cmd, '--data', k.c.data];
  const opt = (name: string, v: string | undefined): void => { if (v !== undefined) a.push(name, v); };
  opt('--target', k.c.target); opt('--missing', k.c.missing); opt('--delimiter', k.c.delimiter);
  if (k.cmd === 'predict' || k.cmd === 'evaluate') { a.push('--model', k.model ?? 'model.json'); opt('--out', k.cmd === 'predict' ? out : undefined); return a; }
  opt('--validation', k.c.validation); opt('--seed', k.c.seed); opt('--model', k.t.model);
  if (k.cmd === 'train') {
    opt('--batch-size', k.t.batch); a.push('--epochs', k.t.epochs); opt('--lr', k.t.lr); opt('--out', out);
    for (const e of k.t.extra) { a.push(e); if (e === '--cache') a.push('c.mbc'); if (e === '--patience') a.push('1'); }
  } else {
    a.push('--batch-sizes', k.t.batch === undefined ? '8,full' : `${k.t.batch},8`, '--epochs', k.t.epochs === '2' ? '1' : k.t.epochs, '--seeds', '1', '--workers', '1', '--lr', k.t.lr ?? '0.1', '--quiet');
    opt('--out', out);
  }
  return a;
}

describe('random command lines over hostile files (property-based, seeded)', () => {
  it('exit 0/1/2/130, no stack trace, nothing outside --out changed, an existing --out never replaced by a failed run', { timeout: 240000 }, async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(command, async (k0) => {
      const k = k0 as Case; n++;
      const isDir = k.cmd === 'compare';
      const name = `out-${n}${isDir ? '' : k.cmd === 'predict' ? '.csv' : '.json'}`;
      const out = k.out === 'empty' ? '' : k.out === 'folder' ? 'a-folder' : k.out === 'missing-parent' ? join('no-such-dir', name) : name;
      if (k.out === 'existing') {
        if (isDir) { mkdirSync(join(dir, out), { recursive: true }); writeFileSync(join(dir, out, 'results.json'), 'PREVIOUS'); } else writeFileSync(join(dir, out), 'PREVIOUS');
      }
      const before = snapshot(dir);
      const r = await runCli(argsOf(k, k.cmd === 'evaluate' ? undefined : out), { cwd: dir });
      const show = `\nargs: ${argsOf(k, out).join(' ')}\nexit ${r.status}\nstderr: ${r.stderr.slice(0, 800)}`;
      assert.ok([0, 1, 2, 130].includes(r.status ?? -1), `exit status${show}`);
      assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace${show}`);
      assert.doesNotMatch(r.stderr, /TypeError|RangeError|internal error/, show);
      const after = snapshot(dir);
      const mine = (p: string): boolean => out !== '' && (p === out || p.startsWith(`${out}/`) || p === `${out}.ckpt.json` || p === 'c.mbc');
      for (const [p, h] of before) if (!mine(p)) assert.equal(after.get(p), h, `${p} changed or removed${show}`);
      for (const p of after.keys()) if (!before.has(p)) assert.ok(mine(p), `${p} created outside --out${show}`);
      if (k.out === 'existing' && r.status !== 0 && !(isDir && r.status === 1)) {
        const kept = isDir ? join(out, 'results.json') : out;
        assert.equal(readFileSync(join(dir, kept), 'utf8'), 'PREVIOUS', `existing --out replaced by a failed run${show}`);
      }
    }), { seed: 12, numRuns: 40 });
  });
});
