// The playground's three runs (B = 1, B, N) from the same initial weights and seed, trained in time slices.
import { linearRegression, logisticRegression, mlp, softmaxRegression } from '../../nn/models.js';
import type { Model } from '../../nn/model.js';
import { sgd } from '../../optim/sgd.js';
import { adam } from '../../optim/adam.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { TrialRunner } from '../../experiments/run/trial.js';
import type { PlayData } from './data.js';

export interface PlayChoice { model: string; optimizer: string; batchSize: number; learningRate: number; epochs: number }

/** One run: its label, colour, model (for the decision boundary) and its runner. */
export interface PlayRun { label: string; color: string; batchSize: number; model: Model; runner: TrialRunner }

const SEED = 1;

function buildModel(name: string, d: PlayData): Model {
  const inputs = d.train.numFeatures; const k = d.classes;
  if (name.startsWith('mlp:')) {
    const hidden = name.slice(4).split(',').map(Number);
    const out = k === undefined ? 1 : k === 2 ? 1 : k;
    return mlp({ layers: [inputs, ...hidden, out], activation: 'tanh', output: k === undefined ? 'linear' : k === 2 ? 'sigmoid' : 'softmax', seed: SEED });
  }
  if (k === undefined) return linearRegression({ inputs, seed: SEED });
  return k === 2 ? logisticRegression({ inputs, seed: SEED }) : softmaxRegression({ inputs, classes: k, seed: SEED });
}

function buildOptimizer(name: string, learningRate: number): Optimizer {
  if (name === 'adam') return adam({ learningRate });
  return sgd({ learningRate, ...(name === 'momentum' ? { momentum: 0.9 } : {}) });
}

/** Stochastic, mini-batch and full-batch runs of the same model, initial weights and shuffling seed. */
export function startRuns(d: PlayData, c: PlayChoice): PlayRun[] {
  const n = d.train.length;
  const sizes: Array<[string, string, number | 'full']> = [
    ['Stochastic (B = 1)', '#d62728', 1],
    [`Mini-batch (B = ${Math.min(c.batchSize, n)})`, '#1f77b4', Math.min(c.batchSize, n)],
    [`Batch (B = N = ${n})`, '#2ca02c', 'full'],
  ];
  return sizes.map(([label, color, requested]) => {
    const model = buildModel(c.model, d);
    const runner = new TrialRunner(model, buildOptimizer(c.optimizer, c.learningRate), d.train, d.val, {
      requested, learningRate: c.learningRate, seed: SEED, budget: { epochs: c.epochs },
      evalEvery: Math.max(1, Math.round(n / 8)), divergenceFactor: 1000, keepParams: false,
    });
    return { label, color, batchSize: requested === 'full' ? n : requested, model, runner };
  });
}

/** Advances every unfinished run for about `ms` milliseconds in all; true when all are done. */
export function advanceRuns(runs: readonly PlayRun[], ms: number): boolean {
  const live = runs.filter((r) => !r.runner.done);
  for (const r of live) r.runner.advance(performance.now() + ms / live.length);
  return runs.every((r) => r.runner.done);
}
