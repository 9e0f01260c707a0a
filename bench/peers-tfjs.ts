// TensorFlow.js peers: the same model, optimizer and batch size on the cpu and wasm backends.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Rng } from '../src/core/rng.js';
import { batchRows, stepsPerEpoch, type Workload } from './workloads.js';
import { measure, type Measurement, type MeasureOptions, type Runner } from './timing.js';

type Tf = typeof import('@tensorflow/tfjs');
export type TfBackend = 'cpu' | 'wasm';

/** Both TF.js figures for one backend and batch size, or why the backend was skipped. */
export type TfResult =
  | { ok: true; backend: TfBackend; fit: Measurement; minimize: Measurement; tensorsLeaked: number }
  | { ok: false; backend: TfBackend; reason: string };

/**
 * Loads TF.js and switches to `backend`. The wasm binaries are read from
 * node_modules/@tensorflow/tfjs-backend-wasm/dist through a file path (nothing is fetched).
 */
export async function loadTf(backend: TfBackend): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  return tf;
}

/** The workload's model as a tf.Sequential of dense layers, Glorot-uniform weights and zero biases. */
function buildModel(tf: Tf, w: Workload): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential();
  const L = w.layers;
  for (let l = 1; l < L.length; l++) {
    const last = l === L.length - 1;
    model.add(tf.layers.dense({
      units: L[l]!, activation: last ? (w.classes > 1 ? 'softmax' : 'sigmoid') : 'relu',
      kernelInitializer: 'glorotUniform',
      ...(l === 1 ? { inputShape: [L[0]!] } : {}),
    }));
  }
  return model;
}

function optimizer(tf: Tf, w: Workload): import('@tensorflow/tfjs').Optimizer {
  if (w.optimizer === 'momentum') return tf.train.momentum(w.learningRate, 0.9);
  return w.optimizer === 'sgd' ? tf.train.sgd(w.learningRate) : tf.train.adam(w.learningRate, 0.9, 0.999, 1e-8);
}

/** `model.fit(x, y, { batchSize, epochs, shuffle: true, verbose: 0 })`, Keras style. */
function fitRunner(tf: Tf, w: Workload, rows: number): Runner {
  const model = buildModel(tf, w); const opt = optimizer(tf, w);
  model.compile({ optimizer: opt, loss: w.classes > 1 ? 'sparseCategoricalCrossentropy' : 'binaryCrossentropy' });
  const x = tf.tensor2d(w.x, [w.n, w.features]); const y = tf.tensor2d(w.y, [w.n, 1]);
  return {
    async run(epochs: number): Promise<void> {
      await model.fit(x, y, { batchSize: rows, epochs, shuffle: true, verbose: 0 });
    },
    dispose(): void { model.dispose(); opt.dispose(); x.dispose(); y.dispose(); },
  };
}

/**
 * The tightest loop TF.js offers: rows permuted once (seeded) and pre-sliced into batch
 * tensors, then `optimizer.minimize(() => bce(y_b, model.apply(x_b)), false, vars)` per
 * batch, the batches visited in a fresh seeded order each epoch. No per-step await, no loss
 * read back. Flatters TF.js a little: batch composition is fixed after the first shuffle.
 */
function minimizeRunner(tf: Tf, w: Workload, rows: number, seed = 1): Runner {
  const model = buildModel(tf, w); const opt = optimizer(tf, w);
  const order = Array.from({ length: w.n }, (_, i) => i); const rng = new Rng(seed);
  rng.shuffle(order);
  const xs: import('@tensorflow/tfjs').Tensor2D[] = []; const ys: import('@tensorflow/tfjs').Tensor2D[] = [];
  for (let s = 0; s < w.n; s += rows) {
    const idx = order.slice(s, s + rows);
    const c = w.classes; // one-hot rows for a softmax, one 0/1 column for a sigmoid
    const bx = new Float32Array(idx.length * w.features); const by = new Float32Array(idx.length * c);
    idx.forEach((r, i) => { bx.set(w.x.subarray(r * w.features, (r + 1) * w.features), i * w.features); if (c > 1) by[i * c + w.y[r]!] = 1; else by[i] = w.y[r]!; });
    xs.push(tf.tensor2d(bx, [idx.length, w.features])); ys.push(tf.tensor2d(by, [idx.length, c]));
  }
  const vars = model.trainableWeights.map((v) => v.read() as import('@tensorflow/tfjs').Variable);
  const visit = Array.from({ length: xs.length }, (_, i) => i);
  return {
    run(epochs: number): void {
      for (let e = 0; e < epochs; e++) {
        rng.shuffle(visit);
        for (const b of visit) {
          const xb = xs[b]!; const yb = ys[b]!;
          opt.minimize(() => {
            const p = model.apply(xb, { training: true }) as import('@tensorflow/tfjs').Tensor;
            return tf.mean(w.classes > 1 ? tf.metrics.categoricalCrossentropy(yb, p) : tf.metrics.binaryCrossentropy(yb, p)) as import('@tensorflow/tfjs').Scalar;
          }, false, vars);
        }
      }
    },
    dispose(): void { model.dispose(); opt.dispose(); xs.forEach((t) => t.dispose()); ys.forEach((t) => t.dispose()); },
  };
}

/** Measures model.fit and the minimize loop for one backend and batch size. */
export async function benchTf(w: Workload, backend: TfBackend, bs: number | 'full', o: MeasureOptions = {}): Promise<TfResult> {
  let tf: Tf;
  try {
    tf = await loadTf(backend);
  } catch (e) {
    return { ok: false, backend, reason: `could not initialise the ${backend} backend in Node: ${errorText(e)}` };
  }
  const rows = batchRows(w, bs); const steps = stepsPerEpoch(w, bs);
  const before = tf.memory().numTensors;
  const fr = fitRunner(tf, w, rows);
  const fit = await measure(fr, w.n, steps, o);
  fr.dispose?.();
  const mr = minimizeRunner(tf, w, rows);
  const minimize = await measure(mr, w.n, steps, o);
  mr.dispose?.();
  return { ok: true, backend, fit, minimize, tensorsLeaked: tf.memory().numTensors - before };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
