// fit's failures: divergence stops with DivergenceError, bad arguments raise coded MinibatchErrors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../src/train/evaluate.js';
import { DivergenceError, MinibatchError, type ErrorCode } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { linearRegression, logisticRegression, mlp, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit, type EpochRecord, type FitOptions } from '../../src/train/fit.js';
import { regressionProblem } from '../helpers/problems.js';

/** A predicate for assert.throws/rejects: a MinibatchError with `code` whose message matches all `parts`. */
function coded(code: ErrorCode, ...parts: (string | RegExp)[]): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MinibatchError, `expected a MinibatchError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) {
      assert.ok(typeof p === 'string' ? e.message.includes(p) : p.test(e.message), `message "${e.message}" lacks ${String(p)}`);
    }
    return true;
  };
}

const data10 = (): Dataset => regressionProblem(10, 2, 1, 1);
const model2 = () => linearRegression({ inputs: 2 });
const fitWith = (o: FitOptions): Promise<unknown> => fit(model2(), data10(), o);

describe('divergence', () => {
  it('a batch loss above 1000x the initial loss (before any update) stops training with DivergenceError naming the epoch', async () => {
    const data = regressionProblem(32, 2, 1, 3);
    const initial = evaluate(linearRegression({ inputs: 2, seed: 1 }), data).loss;
    await assert.rejects(fit(linearRegression({ inputs: 2, seed: 1 }), data, {
      batchSize: 'full', epochs: 100, optimizer: sgd({ learningRate: 1.5 }),
    }), (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.equal(e.code, 'DIVERGED');
      const records = e.records as EpochRecord[];
      assert.ok(e.epoch > 1 && e.epoch < 100, `epoch ${e.epoch}`);
      assert.equal(records.length, e.epoch - 1, 'records of the epochs before: the diverged batch was never applied');
      assert.deepEqual(records.map((r) => r.epoch), Array.from({ length: e.epoch - 1 }, (_, i) => i + 1));
      assert.ok(e.loss > 1000 * initial, `loss ${e.loss} vs initial ${initial}`);
      assert.ok(records.every((r) => r.trainLoss <= 1000 * initial), 'earlier epochs did not trip');
      assert.match(e.message, new RegExp(`epoch ${e.epoch}\\b`));
      assert.match(e.message, /smaller learning rate such as 0\.15/);
      return true;
    });
  });

  it('a blow-up inside epoch 1 stops training mid-epoch with the records so far (none)', async () => {
    const data = regressionProblem(20, 2, 1, 4);
    const initial = evaluate(linearRegression({ inputs: 2 }), data).loss;
    const sizes: number[] = [];
    await assert.rejects(fit(linearRegression({ inputs: 2 }), data, {
      batchSize: 1, epochs: 3, optimizer: sgd({ learningRate: 1e30 }), callbacks: { onBatchEnd: (b) => { sizes.push(b.batch); } },
    }), (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.ok(!(e.loss <= 1000 * initial), `loss ${e.loss}`);
      assert.equal(e.epoch, 1);
      assert.deepEqual(e.records, []);
      assert.ok(sizes.length < 20, `stopped inside epoch 1 after ${sizes.length} updates`);
      assert.match(e.message, /diverged in epoch 1: the loss became /);
      assert.match(e.message, /smaller learning rate/);
      return true;
    });
  });

  it('a NaN loss stops training in the first batch with DivergenceError', async () => {
    const model = linearRegression({ inputs: 2 });
    model.params[0] = NaN; // setWeights refuses NaN; writing params directly simulates a blown-up update
    await assert.rejects(fit(model, regressionProblem(8, 2, 1, 4), { batchSize: 4, epochs: 2 }), (e: unknown) =>
      e instanceof DivergenceError && Number.isNaN(e.loss) && e.epoch === 1 && e.records.length === 0 &&
      /the loss became NaN/.test(e.message) && /smaller learning rate such as 0\.001/.test(e.message));
  });

  it('divergenceFactor sets the threshold', async () => {
    await assert.rejects(fit(linearRegression({ inputs: 2 }), regressionProblem(32, 2, 1, 3), {
      batchSize: 'full', epochs: 100, divergenceFactor: 3, optimizer: sgd({ learningRate: 1.5 }),
    }), (e: unknown) => e instanceof DivergenceError && e.epoch === 2);
  });
});

describe('bad arguments raise MinibatchError with a code, the value, the range and the fix', () => {
  it('batch size 0', () => assert.rejects(fitWith({ batchSize: 0 }),
    coded('BAD_BATCH_SIZE', 'got 0', 'an integer >= 1', "'full'", '10 training rows')));
  it('negative batch size', () => assert.rejects(fitWith({ batchSize: -4 }), coded('BAD_BATCH_SIZE', 'got -4', 'an integer >= 1', 'Use 1 (stochastic)')));
  it('fractional batch size', () => assert.rejects(fitWith({ batchSize: 2.5 }), coded('BAD_BATCH_SIZE', 'got 2.5', 'an integer >= 1')));
  it('batch size that is neither a number nor full', () => assert.rejects(fitWith({ batchSize: 'half' as unknown as number }), coded('BAD_BATCH_SIZE', 'got "half"')));
  it('epochs below 1', () => assert.rejects(fitWith({ epochs: 0 }), coded('BAD_EPOCHS', 'epochs must be an integer from 1', 'got 0', 'at least one epoch')));
  it('fractional epochs', () => assert.rejects(fitWith({ epochs: 1.5 }), coded('BAD_EPOCHS', 'got 1.5')));
  it('learning rate 0', () => assert.throws(() => sgd({ learningRate: 0 }), coded('BAD_LEARNING_RATE', 'got 0', '> 0', 'such as 0.01')));
  it('negative learning rate', () => assert.throws(() => sgd({ learningRate: -1 }), coded('BAD_LEARNING_RATE', 'got -1')));
  it('NaN learning rate', () => assert.throws(() => sgd({ learningRate: NaN }), coded('BAD_LEARNING_RATE', 'got NaN')));

  it('features that do not match the model', () => assert.rejects(fit(linearRegression({ inputs: 3 }), data10()),
    coded('BAD_SHAPE', 'has 2 features', 'takes 3 inputs', 'inputs: 2')));
  it('validation data whose features do not match the model', () => assert.rejects(
    fitWith({ validationData: regressionProblem(5, 3, 1, 2) }), coded('BAD_SHAPE', 'validation data has 3 features')));
  it('regression targets that do not match the outputs', () => assert.rejects(
    fit(linearRegression({ inputs: 2, outputs: 2 }), data10()), coded('BAD_SHAPE', '1 target values per row', '2 outputs')));

  it('labels outside 0/1 for a sigmoid output', async () => {
    const d = Dataset.fromArrays([[0], [1], [2]], [0, 1, 2]);
    await assert.rejects(fit(logisticRegression({ inputs: 1 }), d), coded('BAD_LABEL', 'row 2 has label 2', '0 or 1'));
    const half = Dataset.fromArrays([[0], [1]], [0, 0.5]);
    await assert.rejects(fit(logisticRegression({ inputs: 1 }), half), coded('BAD_LABEL', 'label 0.5'));
  });

  it('labels outside 0..classes-1 for a softmax output', async () => {
    const m = (): ReturnType<typeof softmaxRegression> => softmaxRegression({ inputs: 1, classes: 3 });
    for (const bad of [3, -1, 1.5]) {
      const d = Dataset.fromArrays([[0], [1]], [0, bad]);
      await assert.rejects(fit(m(), d), coded('BAD_LABEL', `label ${bad}`, '0..2', '3 classes'));
    }
    await assert.rejects(fit(mlp({ layers: [1, 2, 3], output: 'softmax' }), Dataset.fromArrays([[0]], [7])), coded('BAD_LABEL', 'label 7'));
  });

  it('an empty data set', () => assert.rejects(fit(model2(), Dataset.fromArrays([], [], { features: ['a', 'b'] })),
    coded('EMPTY_DATASET', 'no rows', 'at least one example')));
  it('something that is not a Dataset', () => assert.rejects(fit(model2(), [[1, 2]] as unknown as Dataset), coded('BAD_ARGUMENT', 'Dataset.fromArrays')));

  it('a validation split outside (0, 1), or with validationData too', async () => {
    await assert.rejects(fitWith({ validationSplit: 1.5 }), coded('BAD_ARGUMENT', 'got 1.5', 'such as 0.2'));
    await assert.rejects(fitWith({ validationSplit: -0.2 }), coded('BAD_ARGUMENT', 'got -0.2'));
    await assert.rejects(fitWith({ validationSplit: 1 }), coded('BAD_ARGUMENT', 'below 1'));
    await assert.rejects(fitWith({ validationSplit: 0.2, validationData: data10() }), coded('BAD_ARGUMENT', 'not both'));
  });

  it('an unknown reduction', () => assert.rejects(fitWith({ reduction: 'avg' as 'mean' }), coded('BAD_ARGUMENT', "'mean', 'sum'", 'got "avg"')));
  it('early stopping on valLoss without validation data', () => assert.rejects(
    fitWith({ earlyStopping: { patience: 2, monitor: 'valLoss' } }), coded('BAD_ARGUMENT', 'no validation data', 'validationSplit')));
  it('a negative patience', () => assert.rejects(fitWith({ earlyStopping: { patience: -1 } }), coded('BAD_ARGUMENT', 'patience', 'got -1')));

  it('setWeights with the wrong number of arrays', () => {
    assert.throws(() => model2().setWeights([[1, 2]]), coded('BAD_WEIGHTS', 'needs 2 arrays', 'got 1'));
  });
  it('setWeights with an array of the wrong length', () => {
    assert.throws(() => model2().setWeights([[1, 2, 3], [0]]), coded('BAD_WEIGHTS', 'weight array 0 must have 2 values', 'shape [2, 1]', 'got 3'));
  });
  it('setWeights with a non-finite weight', () => {
    assert.throws(() => model2().setWeights([[1, NaN], [0]]), coded('BAD_WEIGHTS', 'value 1 is NaN'));
  });

  it('model factories reject bad shapes', () => {
    assert.throws(() => mlp({ layers: [3] }), coded('BAD_ARGUMENT', 'at least the input and output widths'));
    assert.throws(() => mlp({ layers: [3, 0, 1] }), coded('BAD_SHAPE', 'layers[1]', 'got 0'));
    assert.throws(() => softmaxRegression({ inputs: 2, classes: 1 }), coded('BAD_ARGUMENT', 'got 1', 'logisticRegression'));
    assert.throws(() => mlp({ layers: [2, 1], output: 'softmax' }), coded('BAD_ARGUMENT', 'at least 2 units'));
  });
});
