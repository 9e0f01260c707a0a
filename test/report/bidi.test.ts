// Bidirectional controls (U+202A-202E, U+2066-2069) in labels never reach the report raw (issue 12, item 14).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/html.js';
import { escapeHtml, neutraliseBidi, neutraliseBidiDeep } from '../../src/report/format.js';
import { studyFixture } from './fixture.js';

const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const SPOOF = 'invoice\u202Egpj.exe';

describe('bidi controls are neutralised', () => {
  it('escapeHtml shows each control as a visible [U+XXXX] tag', () => {
    assert.equal(escapeHtml(SPOOF), 'invoice[U+202E]gpj.exe');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) assert.doesNotMatch(neutraliseBidi(`a${c}b`), BIDI);
    assert.equal(neutraliseBidi('plain \u00e9 text'), 'plain \u00e9 text');
  });

  it('neutraliseBidiDeep copies strings deep and keeps a __proto__ key as data', () => {
    const v = JSON.parse('{"a":["x\u202Ey"],"__proto__":{"polluted":"\u2066"}}') as Record<string, unknown>;
    const out = neutraliseBidiDeep(v);
    assert.deepEqual(out.a, ['x[U+202E]y']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });

  it('neutraliseBidiDeep copies every object but keeps an array of numbers as it is', () => {
    const weights = [0.5, -1, NaN, 3];
    const v = { run: { finalParams: weights, tags: [1, 'a\u202Eb'], point: { x: 1 } }, points: [{ x: 1 }] };
    const out = neutraliseBidiDeep(v);
    assert.equal(out.run.finalParams, weights, 'the numbers are not copied');
    assert.deepEqual(out.run.tags, [1, 'a[U+202E]b']);
    assert.notEqual(out.run, v.run); assert.notEqual(out.run.point, v.run.point); assert.notEqual(out.points[0], v.points[0]);
    assert.deepEqual(out.points, v.points);
    assert.equal(v.run.tags[1], 'a\u202Eb', 'the input is left as it was');
  });

  it('a report whose column, class and data set names hold U+202E has none in its HTML or SVG', { timeout: 60000 }, async () => {
    const r = studyFixture();
    r.dataset.name = SPOOF; r.dataset.featureNames = [SPOOF, 'y\u2067', 'x*y', 'r']; r.dataset.classNames = ['up\u202Eper', 'lower'];
    const { html } = await renderReport(r);
    assert.doesNotMatch(html, BIDI);
    assert.ok(html.includes('invoice[U+202E]gpj.exe'));
  });
});
