// Every optimizer and schedule factory refuses a bad argument with a MinibatchError (issue 12, item 10).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { adam, adamw } from '../../src/optim/adam.js';
import { rmsprop } from '../../src/optim/rmsprop.js';
import { sgd } from '../../src/optim/sgd.js';
import { cosineDecay, exponentialDecay, linearWarmup, stepDecay } from '../../src/optim/schedule.js';

const refused = (code: string, ...patterns: RegExp[]) => (e: unknown): boolean =>
  e instanceof MinibatchError && e.code === code && patterns.every((p) => p.test(e.message));

describe('optimizer and schedule factories check their arguments', () => {
  it("learningRate 'abc' is refused when the optimizer is made, naming the value and a fix", () => {
    for (const f of [() => adam({ learningRate: 'abc' as never }), () => adamw({ learningRate: 'abc' as never }), () => rmsprop({ learningRate: 'abc' as never }), () => sgd({ learningRate: 'abc' as never })]) {
      assert.throws(f, refused('BAD_LEARNING_RATE', /learningRate/, /"abc"/, /such as 0\.01/));
    }
    assert.throws(() => adam({ learningRate: { at: 1 } as never }), refused('BAD_LEARNING_RATE'));
    assert.throws(() => linearWarmup('x' as never, { warmupSteps: 1 }), refused('BAD_LEARNING_RATE', /"x"/));
  });
  it('options that are not an object (null, a name) are refused, not a TypeError', () => {
    for (const [f, name] of [[() => adam(null as never), 'adam'], [() => adam('adam' as never), 'adam'], [() => rmsprop(null as never), 'rmsprop'], [() => sgd(null as never), 'sgd'],
      [() => stepDecay(null as never), 'stepDecay'], [() => exponentialDecay(null as never), 'exponentialDecay'], [() => cosineDecay(null as never), 'cosineDecay'], [() => linearWarmup(0.1, null as never), 'linearWarmup']] as const) {
      assert.throws(f, refused('BAD_ARGUMENT', new RegExp(`${name}\\(options\\): options must be an object`)));
    }
  });
});
