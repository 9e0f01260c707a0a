// The README's library snippet, complete: data, an 8-12-8-1 network, fit, evaluate, save, load, predict.
// Run: npm run build && node examples/quickstart.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, Rng, mlp, adam, fit, evaluate, saveModel, loadModel } from 'minibatch';

// 768 rows of 8 features with a 0/1 label that depends on two of them (a stand-in for Pima).
const rng = new Rng(42);
const x = []; const y = [];
for (let i = 0; i < 768; i++) {
  const row = Array.from({ length: 8 }, () => rng.normal());
  x.push(row);
  y.push(row[1] + 0.5 * row[5] + 0.3 * rng.normal() > 0 ? 1 : 0);
}

const data = Dataset.fromArrays(x, y);          // x: number[][], y: 0/1 labels
const model = mlp({ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid', seed: 1 });
const history = await fit(model, data, {
  batchSize: 32,               // 1 = stochastic, 'full' = batch GD (default 32)
  epochs: 30,
  optimizer: adam({ learningRate: 1e-2 }),
  validationSplit: 0.2,        // seeded, stratified random hold-out (never "the last rows")
  seed: 7,
});
const last = history.records[history.records.length - 1];
console.log(`epoch ${last.epoch}: ${last.updates} updates, train loss ${last.trainLoss.toFixed(4)}, validation accuracy ${last.valMetrics.accuracy.toFixed(3)}`);
const all = evaluate(model, data);              // { loss, metrics: { accuracy }, examples }
console.log(`accuracy on all ${all.examples} rows: ${all.metrics.accuracy.toFixed(3)}`);

const dir = mkdtempSync(join(tmpdir(), 'minibatch-quickstart-'));
try {
  await saveModel(model, join(dir, 'model.json'));
  const again = await loadModel(join(dir, 'model.json'));
  const p = again.predict([[0, 2, 0, 0, 0, 1, 0, 0], [0, -2, 0, 0, 0, -1, 0, 0]]);  // probabilities
  console.log(`reloaded model predicts ${Array.from(p, (v) => v.toFixed(3)).join(' and ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
