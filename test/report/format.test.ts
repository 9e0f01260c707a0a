// Tests of the report's number and label formatting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchLabel, formatCount, formatMeanSd, formatNumber, formatSeconds } from '../../src/report/format.js';

describe('formatting', () => {
  it('prints 3 significant digits, exponents for tiny and huge values, a dash for non-finite', () => {
    assert.equal(formatNumber(0.113137), '0.113');
    assert.equal(formatNumber(12345.6), '12300');
    assert.equal(formatNumber(0.00012345), '1.23e-4');
    assert.equal(formatNumber(2e7), '2e7');
    assert.equal(formatNumber(0), '0');
    for (const v of [NaN, Infinity, -Infinity]) assert.equal(formatNumber(v), '\u2014');
  });

  it('rounds the mean to the precision of the sd', () => {
    assert.equal(formatMeanSd(0.30912, 0.00021), '0.3091 \u00b1 0.0002');
    assert.equal(formatMeanSd(0.2939, 0.0015), '0.2939 \u00b1 0.0015');
    assert.equal(formatMeanSd(0.5, 0), '0.5');
    assert.equal(formatMeanSd(1056, 30), '1060 \u00b1 30');
    assert.equal(formatMeanSd(NaN, 1), '\u2014');
  });

  it('groups counts, prints seconds and labels the full batch', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatSeconds(0.0123), '0.0123 s');
    assert.equal(formatSeconds(185), '3 min 5 s');
    assert.equal(batchLabel(800, 'full'), 'full (800)');
    assert.equal(batchLabel(32, 32), '32');
  });
});
