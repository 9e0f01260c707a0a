// loadCsv: the delimiter option, the hint for a ;- or tab-separated file, and duplicate header names (issue 12, items 9 and 12).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import { MinibatchError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'minibatch-delim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const refused = (code: string, p: RegExp) => (e: unknown): boolean => e instanceof MinibatchError && e.code === code && p.test(e.message);

describe('CSV delimiters', () => {
  it("a ';'-separated file read as commas is refused with a hint; delimiter: ';' reads it", async () => {
    const p = file('semi.csv', 'a;b;label\n1.5;2;0\n3;4;1\n5;6;0\n');
    await assert.rejects(loadCsv(p), refused('BAD_CSV', /looks like ';'-separated .* pass delimiter: ';'/));
    const d = await loadCsv(p, { delimiter: ';', missing: 'drop' });
    assert.deepEqual(d.features, ['a', 'b']);
  });
  it('a tab-separated file gets the tab hint and reads with a tab', async () => {
    const p = file('tab.tsv', 'a\tb\tlabel\n1\t2\t0\n3\t4\t1\n');
    await assert.rejects(loadCsv(p), refused('BAD_CSV', /tab/));
    assert.equal((await loadCsv(p, { delimiter: '\t' })).length, 2);
  });
  it('refuses a delimiter that is not one character', async () => {
    await assert.rejects(loadCsv(file('x.csv', 'a,b\n1,2\n'), { delimiter: ';;' }), refused('BAD_ARGUMENT', /delimiter must be one character/));
  });
  it('refuses duplicate header names, naming them', async () => {
    await assert.rejects(loadCsv(file('dup.csv', 'a,b,a,y\n1,2,3,0\n4,5,6,1\n')), refused('BAD_CSV', /"a" \(columns 0 and 2\)/));
  });
});
