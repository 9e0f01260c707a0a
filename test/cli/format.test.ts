// CSV cells written by the CLI: text that a spreadsheet would run as a formula is made inert (OWASP), numbers stay numbers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvLine, inertCell } from '../../src/cli/format.js';

describe('CSV injection (issue 12, item 14)', () => {
  it('prefixes text cells that start with = + - @, a tab or a carriage return', () => {
    for (const s of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) assert.equal(inertCell(s), `'${s}`);
  });
  it('keeps numbers, numeric class labels and ordinary text as they are', () => {
    for (const s of ['-1', '+2.5', '-3e-4', '.5', 'yes', 'a=b']) assert.equal(inertCell(s), s);
    assert.equal(csvLine([1, -2.5, '-1', '=cmd', 'a,b']), `1,-2.5,-1,'=cmd,"a,b"`);
  });
});
