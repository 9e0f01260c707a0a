// This project's columns: fit() with a chosen kernel backend (js, wasm or auto), as a benchmark Runner.
import { Dataset } from '../src/data/dataset.js';
import { createBackend, type BackendKind } from '../src/kernels/select.js';
import type { Model } from '../src/nn/model.js';
import { logisticRegression, mlp } from '../src/nn/models.js';
import { adam } from '../src/optim/adam.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { sgd } from '../src/optim/sgd.js';
import { fit, type History } from '../src/train/fit.js';
import type { Runner } from './timing.js';
import type { Workload } from './workloads.js';

/** The backend of cells that do not name one: MINIBATCH_BENCH_BACKEND (js, wasm or auto), default js. */
export function benchBackend(): BackendKind {
  const b = process.env['MINIBATCH_BENCH_BACKEND'];
  return b === 'wasm' || b === 'auto' ? b : 'js';
}

/** The dataset, model and optimizer of a workload, built the way a user would (Glorot-uniform init, as Keras). */
export function engineSetup(w: Workload, seed = 1, kind: BackendKind = benchBackend()): { data: Dataset; model: Model; optimizer: Optimizer } {
  const data = Dataset.fromArrays(w.x, w.y, { features: Array.from({ length: w.features }, (_, i) => `x${i}`) });
  const backend = createBackend(kind);
  const model = w.id === 'logistic'
    ? logisticRegression({ inputs: w.features, seed, backend })
    : mlp({ layers: w.layers, activation: 'relu', output: w.classes > 1 ? 'softmax' : 'sigmoid', init: 'glorot', seed, backend });
  const optimizer = w.optimizer === 'adam' ? adam({ learningRate: w.learningRate }) : sgd({ learningRate: w.learningRate, momentum: w.optimizer === 'momentum' ? 0.9 : 0 });
  return { data, model, optimizer };
}

/**
 * A Runner calling `fit(model, data, { batchSize, epochs, optimizer, shuffle: true })`: no
 * validation, no callbacks, data in memory. Model and optimizer persist across calls (training
 * continues); each call reseeds the sampler with a new seed so epochs are not replayed.
 */
export function engineRunner(w: Workload, batchSize: number | 'full', seed = 1, kind: BackendKind = benchBackend()): Runner & { model: Model; last?: History } {
  const { data, model, optimizer } = engineSetup(w, seed, kind);
  let call = 0;
  const self: Runner & { model: Model; last?: History } = {
    model,
    async run(epochs: number): Promise<void> {
      self.last = await fit(model, data, { batchSize, epochs, optimizer, shuffle: true, seed: seed + call++ });
    },
  };
  return self;
}
