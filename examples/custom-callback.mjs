// A custom callback: log every 5th epoch and stop training (Keras' model.stop_training) once validation accuracy reaches a target.
// Run: npm run build && node examples/custom-callback.mjs
import { blobs, softmaxRegression, sgd, fit } from 'minibatch';

const data = blobs({ rows: 900, classes: 3, features: 2, spread: 2.5, seed: 5 });
const model = softmaxRegression({ inputs: 2, classes: 3, seed: 1 });
const target = 0.84;
const history = await fit(model, data, {
  epochs: 200, batchSize: 16, optimizer: sgd({ learningRate: 0.002 }), validationSplit: 0.2, seed: 2,
  callbacks: {
    onEpochEnd(record, control) {
      const acc = record.valMetrics?.accuracy ?? 0;
      if (record.epoch % 5 === 0) console.log(`epoch ${record.epoch}: val loss ${record.valLoss?.toFixed(4)} val accuracy ${acc.toFixed(3)}`);
      if (acc >= target) {
        console.log(`reached validation accuracy ${acc.toFixed(3)} >= ${target} at epoch ${record.epoch}: stopping`);
        control.stop();
      }
    },
  },
});
console.log(`ran ${history.records.length} of 200 epochs; stopped: ${history.stopped ?? 'no'}`);
