// fit's and fitStream's whole-argument checks: what plain JavaScript callers get wrong, refused with a coded message and a fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError, type ErrorCode } from '../../src/core/errors.js';
import type { RowSource } from '../../src/data/stream-csv.js';
import { linearRegression } from '../../src/nn/models.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { fitStream } from '../../src/train/fit-stream.js';
import { regressionProblem } from '../helpers/problems.js';

function coded(code: ErrorCode, ...parts: string[]): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MinibatchError, `expected a MinibatchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks ${p}`);
    return true;
  };
}

const data = regressionProblem(10, 2, 1, 1);
const model = () => linearRegression({ inputs: 2 });
const bad = (o: unknown): Promise<unknown> => fit(model(), data, o as FitOptions);

describe('fit refuses bad arguments with MinibatchError', () => {
  it('fit(null) and fit({}) name the missing Model', async () => {
    await assert.rejects(fit(null as never, data), coded('BAD_ARGUMENT', 'fit needs a Model', 'got null'));
    await assert.rejects(fit({} as never, data), coded('BAD_ARGUMENT', 'fit needs a Model', 'an empty object'));
  });
  it('a missing Dataset is named', async () => {
    await assert.rejects(fit(model(), null as never), coded('BAD_ARGUMENT', 'fit needs a Dataset', 'got null'));
  });
  it("an optimizer given by name says to pass adam() instead", async () => {
    await assert.rejects(bad({ optimizer: 'adam' }), coded('BAD_ARGUMENT', 'optimizer must be an Optimizer', 'got "adam"', 'adam()'));
    await assert.rejects(bad({ optimizer: { learningRate: 0.1 } }), coded('BAD_ARGUMENT', 'optimizer must be an Optimizer', 'keys learningRate'));
  });
  it("an unknown option is refused with the nearest name: 'epoch' -> 'epochs'", async () => {
    await assert.rejects(bad({ epoch: 5 }), coded('BAD_ARGUMENT', "unknown option 'epoch'", "did you mean 'epochs'?"));
    await assert.rejects(bad({ batchsize: 5 }), coded('BAD_ARGUMENT', "did you mean 'batchSize'?"));
    await assert.rejects(bad({ zzzzzzzz: 1 }), coded('BAD_ARGUMENT', "unknown option 'zzzzzzzz'", 'The options are batchSize'));
  });
  it('options that are not an object, and a signal that is not an AbortSignal', async () => {
    await assert.rejects(bad(5), coded('BAD_ARGUMENT', "fit's options must be an object", 'got 5'));
    await assert.rejects(bad({ signal: { aborted: false } }), coded('BAD_ARGUMENT', 'signal must be an AbortSignal', 'keys aborted'));
  });
  it('every documented option is accepted', async () => {
    const h = await fit(model(), data, { epochs: 1, signal: new AbortController().signal, shuffle: false, dropLast: false, reduction: 'mean' });
    assert.equal(h.records.length, 1);
  });
});

describe('fitStream refuses the same mistakes', () => {
  const source = { rows: 10, numFeatures: 2 } as unknown as RowSource;
  it('unknown options and a non-Model', async () => {
    await assert.rejects(fitStream(model(), source, { epoch: 1 } as never), coded('BAD_ARGUMENT', "fitStream: unknown option 'epoch'", "'epochs'"));
    await assert.rejects(fitStream(undefined as never, source), coded('BAD_ARGUMENT', 'fitStream needs a Model'));
  });
});
