// Metrics beside accuracy/mse/mae checked against scikit-learn's numbers on fixed data.
// Expected values were computed once with scikit-learn 1.2.1 (Debian python3-sklearn):
//   /usr/bin/python3 -c "from sklearn import metrics as M; ..." (M.precision_score, recall_score,
//   f1_score with average=binary|macro|weighted, roc_auc_score, log_loss, r2_score, confusion_matrix)
// on exactly the arrays below; the tests do not need python.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinibatchError } from '../../src/core/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { linearRegression, logisticRegression, mlp } from '../../src/nn/models.js';
import { confusionMatrix, evaluate } from '../../src/train/evaluate.js';
import { average, confusionMatrix as counts, logLoss, perClass, r2, rocAuc } from '../../src/train/metric-values.js';
import { higherIsBetter } from '../../src/train/metrics.js';
import { assertClose } from '../helpers/assert-close.js';

const close = (a: number, b: number, what: string): void => assertClose(a, b, { rtol: 1e-12, atol: 1e-12 }, what);

const yb = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0];
const pb = [0.1, 0.8, 0.55, 0.4, 0.3, 0.6, 0.2, 0.9, 0.55, 0.7, 0.55, 0.05];
const ym = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
const pm = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3], [0.3, 0.4, 0.3], [0.3, 0.3, 0.4]];

describe('metric formulas (scikit-learn definitions)', () => {
  it('binary precision, recall, F1, weighted averages and the confusion matrix', () => {
    const hb = pb.map((p) => (p >= 0.5 ? 1 : 0));
    const c = counts(yb, hb, 2);
    assert.deepEqual(Array.from(c), [4, 2, 1, 5]); // sklearn: [[4, 2], [1, 5]]
    const pc = perClass(c, 2);
    close(pc.precision[1]!, 0.7142857142857143, 'precision');
    close(pc.recall[1]!, 0.8333333333333334, 'recall');
    close(pc.f1[1]!, 0.7692307692307692, 'f1');
    close(average(pc.precision, pc.support, 'weighted'), 0.7571428571428571, 'precision weighted');
    close(average(pc.recall, pc.support, 'weighted'), 0.75, 'recall weighted');
    close(average(pc.f1, pc.support, 'weighted'), 0.7482517482517482, 'f1 weighted');
  });

  it('ROC AUC with tied scores and log loss', () => {
    close(rocAuc(yb, pb), 0.8333333333333334, 'auc');
    close(logLoss(yb, pb, 1), 0.4741872691637874, 'log loss');
    assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])), 'one class only: undefined');
  });

  it('macro and weighted averages for three classes, multiclass log loss', () => {
    const hm = pm.map((r) => r.indexOf(Math.max(...r)));
    const c = counts(ym, hm, 3);
    assert.deepEqual(Array.from(c), [2, 1, 0, 0, 2, 1, 1, 0, 3]); // sklearn: [[2,1,0],[0,2,1],[1,0,3]]
    const pc = perClass(c, 3);
    close(average(pc.precision, pc.support, 'macro'), 0.6944444444444443, 'precision macro');
    close(average(pc.recall, pc.support, 'macro'), 0.6944444444444443, 'recall macro');
    close(average(pc.f1, pc.support, 'macro'), 0.6944444444444443, 'f1 macro');
    close(average(pc.precision, pc.support, 'weighted'), 0.7, 'precision weighted');
    close(average(pc.f1, pc.support, 'weighted'), 0.7, 'f1 weighted');
    close(logLoss(ym, pm.flat(), 3), 0.7739116800070986, 'log loss');
  });

  it('R^2 per output and averaged uniformly over outputs', () => {
    const y = [1, 2, 2, 0.5, 3.5, 1, 4, -1, 0.5, 3];
    const f = [1.2, 1.5, 1.8, 0.7, 3.0, 1.4, 4.4, -0.5, 0.9, 2.1];
    close(r2(y, f, 2), 0.8829885460495559, 'r2 uniform average');
    close(r2(y.filter((_, i) => i % 2 === 0), f.filter((_, i) => i % 2 === 0), 1), 0.9301075268817204, 'r2 column 0');
  });

  it('says which direction is better', () => {
    for (const m of ['accuracy', 'f1', 'auc', 'r2', 'precisionWeighted'] as const) assert.equal(higherIsBetter(m), true, m);
    for (const m of ['mse', 'mae', 'logLoss'] as const) assert.equal(higherIsBetter(m), false, m);
  });
});

describe('evaluate with metrics', () => {
  // A logistic model with w = 1, b = 0 predicts p = sigmoid(x); sklearn got the same p in float64.
  const x = [-2, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, -0.25, 0.75, -1.5];
  const y = [0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0];
  const data = Dataset.fromArrays(x.map((v) => [v]), y);

  it('computes the chosen binary metrics of a model as scikit-learn does', () => {
    const model = logisticRegression({ inputs: 1 });
    model.setWeights([[1], [0]]);
    const ev = evaluate(model, data, { metrics: ['f1', 'auc', 'logLoss', 'precision', 'recall'] });
    const tol = { rtol: 1e-6 };
    assertClose(ev.metrics.f1!, 0.7692307692307692, tol, 'f1');
    assertClose(ev.metrics.auc!, 0.8055555555555556, tol, 'auc');
    assertClose(ev.metrics.logLoss!, 0.5386047456567201, tol, 'log loss');
    assertClose(ev.metrics.logLoss!, ev.loss, tol, 'log loss is the BCE');
    assertClose(ev.metrics.precision!, 0.7142857142857143, tol, 'precision');
    assertClose(ev.metrics.recall!, 0.8333333333333334, tol, 'recall');
    assert.equal(ev.metrics.r2, undefined);
    assert.deepEqual(confusionMatrix(model, data), [[4, 2], [1, 5]]);
  });

  it('gives the same metrics for any evaluation batch size', () => {
    const model = mlp({ layers: [1, 4, 3], seed: 3 });
    const d = Dataset.fromArrays(x.map((v) => [v]), x.map((_, i) => i % 3));
    const a = evaluate(model, d, { metrics: ['f1', 'f1Weighted', 'logLoss'], batchSize: 5 });
    const b = evaluate(model, d, { metrics: ['f1', 'f1Weighted', 'logLoss'] });
    assert.equal(a.metrics.f1, b.metrics.f1);
    assert.equal(a.metrics.f1Weighted, b.metrics.f1Weighted);
    assertClose(a.metrics.logLoss!, b.metrics.logLoss!, { rtol: 1e-12 }, 'log loss');
  });

  it('computes R^2 for regression', () => {
    const model = linearRegression({ inputs: 1 });
    model.setWeights([[2], [1]]);
    const d = Dataset.fromArrays([[0], [1], [2], [3]], [1.5, 2.5, 5.5, 7]); // predictions 1, 3, 5, 7
    // 1 - SS_res / SS_tot with SS_res = 0.75 and SS_tot = 19.6875 (mean 4.125)
    assertClose(evaluate(model, d, { metrics: ['r2'] }).metrics.r2!, 1 - 0.75 / 19.6875, { rtol: 1e-6 }, 'r2');
  });

  it('refuses a metric that does not apply to the model, naming the choices', () => {
    const model = linearRegression({ inputs: 1 });
    assert.throws(() => evaluate(model, Dataset.fromArrays([[0]], [1]), { metrics: ['auc'] }),
      (e: unknown) => e instanceof MinibatchError && /"auc" does not apply to a model with a linear output; choose from 'mse', 'mae', 'r2'/.test(e.message));
    assert.throws(() => evaluate(model, Dataset.fromArrays([[0]], [1]), { metrics: ['f2' as 'f1'] }), /"f2" is not a metric/);
  });
});
