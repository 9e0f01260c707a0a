// CLI messages in CLI terms: option names, not library syntax (issue 12, items 9, 12, 13).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inCliTerms } from '../../src/cli/cli-terms.js';
import { assertFails, assertOk, runCli, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('terms');
after(cleanup);
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const rows = (sep: string, n = 40): string => Array.from({ length: n }, (_, i) => [(i % 7) + 0.5, i % 3, i % 2].join(sep)).join('\n');

describe('inCliTerms', () => {
  it('turns library option syntax into the options the user types', () => {
    assert.match(inCliTerms('or pass categorical: ["b c"] to treat'), /or use --categorical 'b c' to treat/);
    assert.match(inCliTerms('or pass categorical: ["sex"] to treat'), /use --categorical sex/);
    assert.equal(inCliTerms("so missing: 'error' leaves no rows; use missing: 'mean'"), 'so --missing error leaves no rows; use --missing mean');
    assert.equal(inCliTerms("looks like ';'-separated; pass delimiter: ';' to read it"), "looks like ';'-separated; use --delimiter ';' to read it");
    assert.match(inCliTerms("pass delimiter: '\\t' to read it"), /use --delimiter tab/);
    assert.equal(inCliTerms('budget.seconds must be > 0'), '--budget-seconds must be > 0');
    assert.match(inCliTerms('streamCsv reads numeric files only (no text): use loadCsv for this file, or clean it'), /--stream reads numeric files only .* drop --stream for this file/);
    assert.equal(inCliTerms('could not write x: EACCES EACCES: permission denied'), 'could not write x: EACCES: permission denied');
  });
});

describe('the command line refuses with option names', () => {
  it('a ;-separated file: a hint naming --delimiter, and --delimiter reads it', async () => {
    const semi = file('semi.csv', `a;b;label\n${rows(';')}\n`);
    assertFails(await runCli(['train', '--data', semi, '--epochs', '1']), 2, /looks like ';'-separated/, /use --delimiter ';'/);
    assertOk(await runCli(['train', '--data', semi, '--epochs', '1', '--delimiter', ';', '--quiet']));
    const tab = file('tab.tsv', `a\tb\tlabel\n${rows('\t')}\n`);
    assertFails(await runCli(['train', '--data', tab, '--epochs', '1']), 2, /tab/, /--delimiter tab/);
    assertOk(await runCli(['train', '--data', tab, '--epochs', '1', '--delimiter', 'tab', '--quiet']));
  });

  it('a single-class target, duplicate header names and a text cell in a numeric column', async () => {
    assertFails(await runCli(['train', '--data', file('one.csv', 'a,b,c\n1,2,yes\n3,4,yes\n5,6,yes\n'), '--epochs', '1']), 2, /the target column "c" has one class \("yes"\)/);
    assertFails(await runCli(['train', '--data', file('dup.csv', 'a,a,c\n1,2,0\n3,4,1\n'), '--target', 'a']), 2, /names a column twice: "a" \(columns 0 and 1\)/);
    const r = await runCli(['train', '--data', file('cat.csv', 'a,b,y\n1,x,0\n2,3,1\n4,5,0\n6,7,1\n'), '--epochs', '1']);
    assertFails(r, 2, /use --categorical b/);
    assert.doesNotMatch(r.stderr, /categorical: \[/);
  });

  it('--batch-sizes is blamed by its own name; numbers are refused with their full range', async () => {
    assertFails(await runCli(['compare', '--data', 'synthetic:linear', '--batch-sizes', '0,8']), 2, /--batch-sizes must list batch sizes that are whole numbers from 1 to 1000000000/);
    assertFails(await runCli(['train', '--data', 'synthetic:linear', '--epochs', '0']), 2, /--epochs must be a whole number from 1 to 1000000000, got '0'/);
  });

  it('a device given as --model is "not a model file", not a read error', async () => {
    assertFails(await runCli(['predict', '--model', '/dev/zero', '--data', 'synthetic:linear']), 2, /--model '\/dev\/zero' is not a model file/);
    assertFails(await runCli(['predict', '--model', dir, '--data', 'synthetic:linear']), 2, /is a folder, not a model file/);
  });

  it('resuming with another --seed says the seed differs', async () => {
    const data = file('lin.csv', `a,b,y\n${rows(',', 200)}\n`);
    const out = join(dir, 'm.json');
    assertOk(await runCli(['train', '--data', data, '--epochs', '2', '--out', out, '--quiet']));
    assertFails(await runCli(['train', '--data', data, '--epochs', '4', '--out', out, '--resume', '--seed', '7']), 2, /--seed 7 differs from the --seed 1 of the interrupted run/);
  });
});
