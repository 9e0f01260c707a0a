// Error types and argument checks: codes, messages naming the value, the range and the fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, MinibatchError } from '../../src/core/errors.js';
import { checkInt, checkNumber, checkOneOf, show } from '../../src/core/check.js';

describe('errors', () => {
  it('MinibatchError carries a code, a name and an optional cause', () => {
    const cause = new Error('disk');
    const e = new MinibatchError('IO', 'could not write', { cause });
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'IO'); assert.equal(e.name, 'MinibatchError'); assert.equal(e.cause, cause);
  });

  it('DivergenceError names the epoch, the loss and a ten times smaller learning rate', () => {
    const records = [{ epoch: 1 }, { epoch: 2 }];
    const e = new DivergenceError(3, Infinity, records, 0.7);
    assert.ok(e instanceof MinibatchError);
    assert.equal(e.code, 'DIVERGED'); assert.equal(e.name, 'DivergenceError');
    assert.equal(e.epoch, 3); assert.equal(e.loss, Infinity); assert.equal(e.records, records);
    assert.match(e.message, /diverged in epoch 3: the loss became Infinity \(learning rate 0\.7\)/);
    assert.match(e.message, /a smaller learning rate such as 0\.07,/, 'a rounded suggestion, not 0.06999999999999999');
    assert.match(new DivergenceError(1, NaN, []).message, /Try a smaller learning rate,/);
  });
});

describe('argument checks', () => {
  it('checkInt names the value, the range and the hint', () => {
    assert.equal(checkInt('n', 5, 1, 10), 5);
    assert.throws(() => checkInt('n', 0, 1, 10, 'BAD_EPOCHS', 'Try 5.'), (e: unknown) =>
      e instanceof MinibatchError && e.code === 'BAD_EPOCHS' && e.message === 'n must be an integer from 1 to 10, got 0. Try 5.');
    assert.throws(() => checkInt('n', 2.5, 1, Infinity), /n must be an integer >= 1, got 2\.5/);
    assert.throws(() => checkInt('n', '3', 1, Infinity), /got "3"/);
  });

  it('checkNumber supports an exclusive minimum and rejects NaN and infinities', () => {
    assert.equal(checkNumber('x', 0, 0, 1), 0);
    assert.throws(() => checkNumber('x', 0, 0, 1, { minInclusive: false }), /x must be a number > 0 and <= 1, got 0/);
    for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => checkNumber('x', bad, -Infinity, Infinity), MinibatchError);
  });

  it('checkOneOf lists the allowed values', () => {
    assert.equal(checkOneOf('k', 'a', ['a', 'b']), 'a');
    assert.throws(() => checkOneOf('k', 'c', ['a', 'b']), /k must be one of 'a', 'b', got "c"/);
  });

  it('show quotes strings and shortens long arrays', () => {
    assert.equal(show('x'), '"x"');
    assert.equal(show([1, 2]), '[1, 2]');
    assert.equal(show(Array.from({ length: 10 }, (_, i) => i)), '[0, 1, 2, 3, 4, 5, 6, 7, ...]');
  });
});
