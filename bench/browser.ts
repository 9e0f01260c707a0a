// Browser benchmark: examples/s of fit() in Chromium headless (the dist/browser bundle, cross-origin isolated) beside Node's, on the four benchmark workloads.
import '../src/platform/node/install.js'; // the Node platform (WASM kernels, threads, setImmediate yield) for the Node column
import { launch, skipReason } from '../test/browser/chromium.js';
import { serveDist } from '../test/browser/server.js';
import { loadWorkload } from './cell.js';
import { engineRunner } from './engine.js';
import { median } from './timing.js';
import type { Workload } from './workloads.js';

/** Batch size of every row (the mini-batch regime the README recommends starting from). */
const BATCH = 32;
/** Timed repeats per cell (median reported). */
const REPEATS = 3;
/** MNIST rows sent to the page (all 60 000 would be 190 MB through the DevTools protocol). */
const MNIST_ROWS = 8192;

function b64(a: Float32Array): string { return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'); }

/** Epochs per timed run so that one run is ~0.3 s at ~1e5 examples/s. */
function epochsFor(w: Workload): number { return Math.max(1, Math.round(30000 / w.n)); }

async function nodeRate(w: Workload): Promise<number> {
  const r = engineRunner(w, BATCH, 1, 'auto'); const e = epochsFor(w);
  await r.run(1);
  const t: number[] = [];
  for (let i = 0; i < REPEATS; i++) { const s = performance.now(); await r.run(e); t.push((performance.now() - s) / 1000); }
  return (e * w.n) / median(t);
}

/** The page side: the same setup as bench/engine.ts engineSetup, on the browser bundle. */
async function pageRun(a: { x: string; y: string; n: number; features: number; classes: number; layers: number[]; id: string;
  optimizer: string; learningRate: number; batch: number; epochs: number; repeats: number }): Promise<number[]> {
  const mb = await import('/browser/minibatch.js' as string);
  await mb.ready();
  const f32 = (s: string): Float32Array => { const b = atob(s); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float32Array(u.buffer); };
  const data = mb.Dataset.fromArrays(f32(a.x), f32(a.y), { features: Array.from({ length: a.features }, (_, i) => `x${i}`) });
  const backend = mb.createBackend('auto');
  const model = a.id === 'logistic' ? mb.logisticRegression({ inputs: a.features, seed: 1, backend })
    : mb.mlp({ layers: a.layers, activation: 'relu', output: a.classes > 1 ? 'softmax' : 'sigmoid', init: 'glorot', seed: 1, backend });
  const optimizer = a.optimizer === 'adam' ? mb.adam({ learningRate: a.learningRate }) : mb.sgd({ learningRate: a.learningRate, momentum: a.optimizer === 'momentum' ? 0.9 : 0 });
  let call = 0;
  const run = (epochs: number): Promise<unknown> => mb.fit(model, data, { batchSize: a.batch, epochs, optimizer, shuffle: true, seed: 1 + call++ });
  await run(1);
  const t: number[] = [];
  for (let i = 0; i < a.repeats; i++) { const s = performance.now(); await run(a.epochs); t.push((performance.now() - s) / 1000); }
  return t;
}

async function main(): Promise<void> {
  const skip = skipReason();
  if (skip) { console.log(skip); return; }
  const server = await serveDist(true); const browser = await launch();
  const lines = [`| workload | rows x features | Node examples/s | Chromium examples/s | Chromium / Node |`, `|---|---|---:|---:|---:|`];
  try {
    for (const id of ['logistic', 'mlp', 'digits', 'mnist'] as const) {
      let w = await loadWorkload(id);
      if (id === 'mnist') w = { ...w, n: Math.min(w.n, MNIST_ROWS), x: w.x.subarray(0, Math.min(w.n, MNIST_ROWS) * w.features), y: w.y.subarray(0, Math.min(w.n, MNIST_ROWS)) };
      const node = await nodeRate(w);
      const page = await browser.context.newPage();
      await page.goto(`${server.origin}/`);
      const e = epochsFor(w);
      const t = await page.evaluate(pageRun, { x: b64(w.x), y: b64(w.y), n: w.n, features: w.features, classes: w.classes, layers: w.layers, id,
        optimizer: w.optimizer, learningRate: w.learningRate, batch: BATCH, epochs: e, repeats: REPEATS });
      await page.close();
      const chrome = (e * w.n) / median(t);
      lines.push(`| ${w.title} | ${w.n} x ${w.features} | ${Math.round(node).toLocaleString('en')} | ${Math.round(chrome).toLocaleString('en')} | ${(chrome / node).toFixed(2)} |`);
      console.error(lines.at(-1));
    }
  } finally { await browser.close(); await server.close(); }
  console.log(`Batch ${BATCH}, auto backend, median of ${REPEATS} timed runs after one warm-up epoch; Chromium cross-origin isolated (kernel threads as Web Workers).\n`);
  console.log(lines.join('\n'));
}

await main();
