// Export a trained model to TensorFlow.js (model.json + weights) and load it back: the predictions agree.
// Run: npm run build && node examples/export-tfjs.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moons, mlp, adam, fit, toTfjs, loadModel } from 'minibatch';

const data = moons({ rows: 400, noise: 0.15, seed: 1 });
const model = mlp({ layers: [2, 16, 1], activation: 'tanh', output: 'sigmoid', seed: 1 });
await fit(model, data, { epochs: 40, batchSize: 16, optimizer: adam({ learningRate: 0.01 }), seed: 1 });

const dir = mkdtempSync(join(tmpdir(), 'minibatch-tfjs-'));
try {
  const tfjs = toTfjs(model);  // a TF.js LayersModel that tf.loadLayersModel reads
  writeFileSync(join(dir, 'model.json'), tfjs.modelJsonText);
  writeFileSync(join(dir, tfjs.weightsFileName), tfjs.weights);
  console.log(`wrote model.json and ${tfjs.weightsFileName} (${tfjs.weights.length} bytes)`);
  const again = await loadModel(join(dir, 'model.json'));
  const rows = [[0, 0.5], [1, -0.4], [-0.8, 0.6], [2, 0.3]];
  const a = model.predict(rows); const b = again.predict(rows);
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  console.log(`predictions before ${Array.from(a, (v) => v.toFixed(4)).join(' ')}`);
  console.log(`after reload       ${Array.from(b, (v) => v.toFixed(4)).join(' ')}`);
  console.log(`largest difference ${maxDiff.toExponential(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
