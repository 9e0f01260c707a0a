// The seeded workload run in Node and in Chromium alike: its source is sent to the page, so it uses only the API object it is given.
import type * as Api from '../../src/browser.js';

/** The part of the API the workload uses (the Node and the browser entry points both have it). */
export type WorkloadApi = Pick<typeof Api, 'blobs' | 'createBackend' | 'mlp' | 'fit' | 'adam' | 'evaluate'>;

/** Which backend and how many kernel threads. */
export interface WorkloadOptions { backend: 'js' | 'wasm'; threads: number }

/** Hex of the bytes of the predictions, the evaluate loss (as float64 bytes) and the examples. */
export interface WorkloadResult { predict: string; loss: string; examples: number }

/**
 * Trains a 16-128-128-4 softmax MLP with Adam for 2 epochs on seeded blobs (products large enough
 * for the WASM kernels to split over threads) and returns the bits of `predict` and `evaluate`.
 * Self-contained: no imports, no closures (it is run in the page from its source text).
 */
export async function workload(mb: WorkloadApi, o: WorkloadOptions): Promise<WorkloadResult> {
  const hex = (a: ArrayBufferView): string => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');
  const data = mb.blobs({ rows: 768, features: 16, classes: 4, seed: 7 });
  const backend = mb.createBackend(o.backend, { relaxed: false, threads: o.threads });
  const model = mb.mlp({ layers: [16, 128, 128, 4], activation: 'relu', output: 'softmax', seed: 3, backend });
  await mb.fit(model, data, { batchSize: 256, epochs: 2, seed: 11, optimizer: mb.adam({ learningRate: 0.01 }) });
  const ev = mb.evaluate(model, data);
  return { predict: hex(model.predict(data.x)), loss: hex(new Float64Array([ev.loss])), examples: ev.examples };
}
