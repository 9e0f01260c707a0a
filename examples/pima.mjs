// The Pima Indians diabetes network with the classic settings: 8-12-8-1, relu, sigmoid, Adam, 150 epochs, batch 10.
// Run: npm run build && node examples/pima.mjs [--early-stopping] [seed ...]   (needs ../shared/datasets/pima-indians-diabetes.csv)
// --early-stopping: a fifth of the training rows watch the validation loss; stop after 10 epochs without improvement, keep the best weights.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCsv, split, fitScaling, applyScaling, mlp, adam, fit, evaluate } from 'minibatch';

const file = fileURLToPath(new URL('../../shared/datasets/pima-indians-diabetes.csv', import.meta.url));
if (!existsSync(file)) {
  console.error(`pima example: ${file} is absent; put the Pima Indians diabetes CSV (8 features, 0/1 outcome, no header) there to run it`);
  process.exit(2);
}

const args = process.argv.slice(2);
const early = args.includes('--early-stopping');
const seedArgs = args.filter((a) => a !== '--early-stopping');
const seeds = seedArgs.length > 0 ? seedArgs.map(Number) : [1];
const stopping = early ? { validationSplit: 0.2, earlyStopping: { patience: 10, restoreBestWeights: true } } : {};
const data = await loadCsv(file, { header: false, task: 'classification' });
const accuracies = [];
const trainAccuracies = [];
for (const seed of seeds) {
  // A stratified 80/20 split; the scaling is fitted on the training rows only.
  const parts = split(data, { testFraction: 0.2, seed, stratify: true });
  const scaling = fitScaling(parts.train, 'standardize');
  const train = applyScaling(parts.train, scaling);
  const test = applyScaling(parts.test, scaling);
  const model = mlp({ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid', seed });
  const history = await fit(model, train, { batchSize: 10, epochs: 150, optimizer: adam({ learningRate: 0.001 }), seed, ...stopping });
  // The tutorials report the accuracy on the rows the network was trained on; the test rows are the honest figure.
  const seen = evaluate(model, train);
  const e = evaluate(model, test);
  accuracies.push(e.metrics.accuracy);
  trainAccuracies.push(seen.metrics.accuracy);
  console.log(`seed ${seed}: test accuracy ${e.metrics.accuracy.toFixed(3)} (loss ${e.loss.toFixed(3)}, ${e.examples} rows), training-rows accuracy ${seen.metrics.accuracy.toFixed(3)}, ${history.records.length} epochs`);
}
/** Mean and sample standard deviation. */
const spread = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1)) };
};
const t = spread(accuracies); const s = spread(trainAccuracies);
console.log(`mean test accuracy ${t.mean.toFixed(3)} over ${accuracies.length} seed(s), sd ${t.sd.toFixed(3)}; training-rows accuracy ${s.mean.toFixed(3)}, sd ${s.sd.toFixed(3)}`);
