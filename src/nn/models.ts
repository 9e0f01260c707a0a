// The model factories of the public API: linear, logistic and softmax regression, and the MLP.
import { MinibatchError } from '../core/errors.js';
import { checkInt, checkNumber, checkOneOf, show } from '../core/check.js';
import type { Backend } from '../kernels/backend.js';
import type { Initializer } from './init.js';
import type { OutputKind } from './losses.js';
import { Model, type Activation, type ModelSpec } from './model.js';
import { checkDropout } from './dropout.js';
import { checkModelFits } from './memory-estimate.js';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid', 'linear'];
export const OUTPUTS: readonly OutputKind[] = ['linear', 'sigmoid', 'softmax'];
const INITS: readonly Initializer[] = ['glorot', 'he', 'zeros'];

interface Common {
  /** Seed of the weight initialiser. Default 1. */
  seed?: number;
  /** Weight initialiser: 'glorot' (default for regression models), 'he' or 'zeros'. */
  init?: Initializer;
  /** Kernel backend; defaults to `defaultBackend()` (WASM SIMD for large layers, JS for small ones). */
  backend?: Backend;
}

/** Linear regression: y = x W + b, trained on mean squared error. */
export function linearRegression(o: Common & { inputs: number; outputs?: number }): Model {
  return build('linear', [pos('inputs', o.inputs), pos('outputs', o.outputs ?? 1)], 'linear', 'linear', o);
}

/** Logistic regression: p = sigmoid(x w + b), trained on binary cross-entropy; targets 0/1. */
export function logisticRegression(o: Common & { inputs: number }): Model {
  return build('logistic', [pos('inputs', o.inputs), 1], 'linear', 'sigmoid', o);
}

/** Softmax (multinomial logistic) regression: p = softmax(x W + b); targets are class indices. */
export function softmaxRegression(o: Common & { inputs: number; classes: number }): Model {
  const classes = checkInt('classes', o.classes, 2, 1e6, 'BAD_ARGUMENT', 'Softmax regression needs at least 2 classes; use logisticRegression for 0/1 targets.');
  return build('softmax', [pos('inputs', o.inputs), classes], 'linear', 'softmax', o);
}

/**
 * A multilayer perceptron, e.g. `{ layers: [8, 12, 8, 1], activation: 'relu', output: 'sigmoid' }`:
 * hidden layers use `activation`, the last layer `output` with its matching loss
 * (sigmoid: binary cross-entropy, softmax: cross-entropy, linear: mean squared error).
 * Initialiser default: 'glorot' (Glorot uniform weights, zero biases), as Keras and TensorFlow.js
 * Dense layers; 'he' is the usual alternative for deep relu stacks.
 * `dropout` (Keras `Dropout` after each hidden layer's activation): a rate p in [0, 1) for every
 * hidden layer, or an array with one rate per hidden layer. During training each hidden unit is
 * zeroed with probability p and the others scaled by 1/(1-p); evaluation and predict use the
 * network unchanged. The masks come from a seeded RNG (fit reseeds it from its seed).
 */
export function mlp(o: Common & { layers: number[]; activation?: Activation; output?: OutputKind; leakySlope?: number; dropout?: number | number[] }): Model {
  if (!Array.isArray(o.layers) || o.layers.length < 2) {
    throw new MinibatchError('BAD_ARGUMENT', `layers must list at least the input and output widths, e.g. [8, 12, 8, 1], got ${show(o.layers)}`);
  }
  const layers = o.layers.map((w, i) => pos(`layers[${i}]`, w));
  const activation = checkOneOf('activation', o.activation ?? 'relu', ACTIVATIONS);
  const output = checkOneOf('output', o.output ?? (layers[layers.length - 1] === 1 ? 'sigmoid' : 'softmax'), OUTPUTS);
  if (output === 'softmax' && layers[layers.length - 1]! < 2) {
    throw new MinibatchError('BAD_ARGUMENT', `a softmax output needs at least 2 units, got ${layers[layers.length - 1]}; use output 'sigmoid' for one 0/1 target`);
  }
  const init = o.init ?? 'glorot';
  return build('mlp', layers, activation, output, { ...o, init }, o.leakySlope, checkDropout(o.dropout, layers));
}

function build(kind: ModelSpec['kind'], layers: number[], activation: Activation, output: OutputKind, o: Common, slope = 0.01, dropout?: number[]): Model {
  checkModelFits(layers);
  const spec: ModelSpec = {
    kind, layers, activation, output,
    init: checkOneOf('init', o.init ?? 'glorot', INITS),
    seed: checkInt('seed', o.seed ?? 1, 0, 2 ** 53),
    leakySlope: checkNumber('leakySlope', slope, 0, 1),
    ...(dropout ? { dropout } : {}),
  };
  return new Model(spec, o.backend);
}

/** Rebuilds a model from its spec (used by loadModel). */
export function modelFromSpec(spec: ModelSpec, backend?: Backend): Model {
  return new Model(spec, backend);
}

function pos(name: string, v: unknown): number {
  return checkInt(name, v, 1, 1e7, 'BAD_SHAPE', 'Layer widths are whole numbers of units such as 8.');
}
