// The Pima Indians diabetes network with the classic settings: 8-12-8-1, relu, sigmoid, Adam, 150 epochs, batch 10.
// Run: npm run build && node examples/pima.mjs [seed ...]   (needs ../shared/datasets/pima-indians-diabetes.csv)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCsv, split, fitScaling, applyScaling, mlp, adam, fit, evaluate } from 'minibatch';

const file = fileURLToPath(new URL('../../shared/datasets/pima-indians-diabetes.csv', import.meta.url));
if (!existsSync(file)) {
  console.error(`pima example: ${file} is absent; put the Pima Indians diabetes CSV (8 features, 0/1 outcome, no header) there to run it`);
  process.exit(2);
}

const seeds = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1];
const data = await loadCsv(file, { header: false, task: 'classification' });
const accuracies = [];
for (const seed of seeds) {
  // A stratified 80/20 split; the scaling is fitted on the training rows only.
  const parts = split(data, { testFraction: 0.2, seed, stratify: true });
  const scaling = fitScaling(parts.train, 'standardize');
  const train = applyScaling(parts.train, scaling);
  const test = applyScaling(parts.test, scaling);
  const model = mlp({ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid', seed });
  await fit(model, train, { batchSize: 10, epochs: 150, optimizer: adam({ learningRate: 0.001 }), seed });
  const e = evaluate(model, test);
  accuracies.push(e.metrics.accuracy);
  console.log(`seed ${seed}: test accuracy ${e.metrics.accuracy.toFixed(3)} (loss ${e.loss.toFixed(3)}, ${e.examples} rows)`);
}
const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
const sd = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accuracies.length - 1));
console.log(`mean test accuracy ${mean.toFixed(3)} over ${accuracies.length} seed(s), sd ${sd.toFixed(3)}`);
