// This project's column: fit() with the reference js backend, as a benchmark Runner.
import { Dataset } from '../src/data/dataset.js';
import { JsBackend } from '../src/kernels/js/js-backend.js';
import type { Model } from '../src/nn/model.js';
import { logisticRegression, mlp } from '../src/nn/models.js';
import { adam } from '../src/optim/adam.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { sgd } from '../src/optim/sgd.js';
import { fit, type History } from '../src/train/fit.js';
import type { Runner } from './timing.js';
import type { Workload } from './workloads.js';

/** The dataset, model and optimizer of a workload, built the way a user would (Glorot-uniform init, as Keras). */
export function engineSetup(w: Workload, seed = 1): { data: Dataset; model: Model; optimizer: Optimizer } {
  const data = Dataset.fromArrays(w.x, w.y, { features: Array.from({ length: w.features }, (_, i) => `x${i}`) });
  const backend = new JsBackend();
  const model = w.id === 'logistic'
    ? logisticRegression({ inputs: w.features, seed, backend })
    : mlp({ layers: w.layers, activation: 'relu', output: 'sigmoid', init: 'glorot', seed, backend });
  const optimizer = w.optimizer === 'sgd' ? sgd({ learningRate: w.learningRate }) : adam({ learningRate: w.learningRate });
  return { data, model, optimizer };
}

/**
 * A Runner calling `fit(model, data, { batchSize, epochs, optimizer, shuffle: true })`: no
 * validation, no callbacks, data in memory. Model and optimizer persist across calls (training
 * continues); each call reseeds the sampler with a new seed so epochs are not replayed.
 */
export function engineRunner(w: Workload, batchSize: number | 'full', seed = 1): Runner & { model: Model; last?: History } {
  const { data, model, optimizer } = engineSetup(w, seed);
  let call = 0;
  const self: Runner & { model: Model; last?: History } = {
    model,
    async run(epochs: number): Promise<void> {
      self.last = await fit(model, data, { batchSize, epochs, optimizer, shuffle: true, seed: seed + call++ });
    },
  };
  return self;
}
