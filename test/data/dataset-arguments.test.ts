// Dataset.fromArrays refuses bad arguments with a MinibatchError, never a TypeError (issue 12, item 10).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';

const refused = (code: string, p: RegExp) => (e: unknown): boolean => e instanceof MinibatchError && e.code === code && p.test(e.message);

describe('Dataset.fromArrays argument checks', () => {
  it('null or a string for x or y, a bad meta, a row that is not an array, a text target', () => {
    assert.throws(() => Dataset.fromArrays(null as never, [1]), refused('BAD_ARGUMENT', /x must be an array of rows .* got null/));
    assert.throws(() => Dataset.fromArrays('abc' as never, [1]), refused('BAD_ARGUMENT', /x must be .* got string "abc"/));
    assert.throws(() => Dataset.fromArrays([[1]], null as never), refused('BAD_ARGUMENT', /y must be an array .* got null/));
    assert.throws(() => Dataset.fromArrays([[1]], [1], null as never), refused('BAD_ARGUMENT', /meta must be an object/));
    assert.throws(() => Dataset.fromArrays([[1]], [1], { features: 'a' as never }), refused('BAD_ARGUMENT', /meta\.features must be an array of names/));
    assert.throws(() => Dataset.fromArrays([1, 2] as never, [1, 2]), refused('BAD_SHAPE', /row 0 of x is 1, not an array/));
    assert.throws(() => Dataset.fromArrays([[1], [2]], ['a', 'b'] as never), refused('BAD_LABEL', /target 0 is "a"/));
    assert.equal(Dataset.fromArrays([[1], [2]], [0, 1]).length, 2);
  });
});
