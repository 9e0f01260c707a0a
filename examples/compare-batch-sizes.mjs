// Batch-size comparison from the library: the same logistic model at batch sizes 1, 8, 32 and full on the two-moons data.
// Run: npm run build && node examples/compare-batch-sizes.mjs
import { moons, logisticRegression, compare } from 'minibatch';

const data = moons({ rows: 600, noise: 0.2, seed: 3 });
const spec = logisticRegression({ inputs: 2 }).spec;
const result = await compare(spec, data, {
  batchSizes: [1, 8, 32, 'full'],
  learningRate: [0.05, 0.2, 0.5, 2],   // one rate per batch size (or 'tuned' to tune each first)
  epochs: 5, seeds: 2, workers: 1,
});
console.log(`${result.trainExamples} training rows, ${result.validationExamples} validation rows, target loss ${result.targetLoss.toFixed(4)}`);
console.log('batch size | lr   | final val loss  | val accuracy | updates to target');
for (const s of result.summary) {
  console.log(`${String(s.batchSize).padStart(10)} | ${String(s.learningRate).padEnd(4)} | ${s.finalValLoss.mean.toFixed(4)} ± ${s.finalValLoss.sd.toFixed(4)} | ${s.finalValMetric.mean.toFixed(3).padStart(12)} | ${Number.isNaN(s.updatesToTarget.mean) ? 'never' : s.updatesToTarget.mean.toFixed(0)}`);
}
