// Online learning cost per call on 8-12-8-1: onlineLearner / trainOnBatch / partialFit beside the in-loop step, a 1-row fit and TF.js trainOnBatch.
import '../src/platform/node/install.js';
import { Rng } from '../src/core/rng.js';
import { Dataset } from '../src/data/dataset.js';
import { mlp } from '../src/nn/models.js';
import { adam } from '../src/optim/adam.js';
import { fit } from '../src/train/fit.js';
import { onlineLearner, trainOnBatch } from '../src/train/online.js';
import { loadTf } from './peers-tfjs.js';

export const ONLINE_MARK = 'ONLINE_RESULT ';
const ROWS = 768; const F = 8;

/** One entry: microseconds per call (median of the repeats) and the calls timed. */
export interface OnlineRow { name: string; usPerCall: number; calls: number; note: string }
export type OnlineResult = { rows: OnlineRow[]; tfjs: string };

function data(): { x: Float32Array; y: Float32Array; rowsX: Float32Array[]; rowsY: Float32Array[] } {
  const rng = new Rng(768);
  const x = Float32Array.from({ length: ROWS * F }, () => rng.normal());
  const y = Float32Array.from({ length: ROWS }, (_, i) => (x[i * F]! + 0.5 * x[i * F + 1]! > 0 ? 1 : 0));
  return { x, y, rowsX: Array.from({ length: ROWS }, (_, i) => x.subarray(i * F, (i + 1) * F)), rowsY: Array.from({ length: ROWS }, (_, i) => y.subarray(i, i + 1)) };
}

/** Runs `call(i)` for about `seconds`, `repeats` times after a warm-up; the median per call in microseconds. */
async function time(call: (i: number) => unknown, seconds: number, repeats: number): Promise<{ us: number; calls: number }> {
  const t = performance.now(); let i = 0;
  while (performance.now() - t < 100) { const r = call(i++); if (r instanceof Promise) await r; }
  const per: number[] = []; let total = 0;
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now(); let n = 0;
    while (performance.now() - t0 < seconds * 1000) {
      for (let j = 0; j < 64; j++) { const r = call(i++); if (r instanceof Promise) await r; }
      n += 64;
    }
    per.push(((performance.now() - t0) * 1000) / n); total += n;
  }
  per.sort((a, b) => a - b);
  return { us: per[Math.floor(per.length / 2)]!, calls: total };
}

export async function benchOnline(seconds = 0.3, repeats = 3): Promise<OnlineResult> {
  const d = data(); const rows: OnlineRow[] = [];
  const add = (name: string, r: { us: number; calls: number }, note: string): void => { rows.push({ name, usPerCall: r.us, calls: r.calls, note }); };
  const net = (): ReturnType<typeof mlp> => mlp({ layers: [8, 12, 8, 1], seed: 1 });
  const ds = Dataset.fromArrays(Array.from({ length: ROWS }, (_, i) => Array.from(d.rowsX[i]!)), Array.from(d.y));

  { // In-loop step: one epoch of batch-size-1 fit per call, divided by its updates.
    const m = net(); const opt = adam({ learningRate: 0.001 });
    const r = await time(() => fit(m, ds, { batchSize: 1, epochs: 1, optimizer: opt }), seconds, repeats);
    add('fit step (in the loop, batch 1)', { us: r.us / ROWS, calls: r.calls * ROWS }, 'one epoch of 768 updates per call, divided by 768');
  }
  { const m = net(); const l = onlineLearner(m, { optimizer: adam({ learningRate: 0.001 }) });
    add('learner.trainOnBatch (Float32Array row)', await time((i) => l.trainOnBatch(d.rowsX[i % ROWS]!, d.rowsY[i % ROWS]!), seconds, repeats), 'onlineLearner(model, { optimizer }), one row per call'); }
  { const m = net(); const l = onlineLearner(m, { optimizer: adam({ learningRate: 0.001 }) });
    const xs = d.rowsX.map((r) => [Array.from(r)]); const ys = Array.from(d.y, (v) => [v]);
    add('learner.partialFit (number[][] row)', await time((i) => l.partialFit(xs[i % ROWS]!, ys[i % ROWS]!), seconds, repeats), 'rows copied into a reused buffer'); }
  { const m = net(); const opt = adam({ learningRate: 0.001 });
    add('trainOnBatch(model, x, y, { optimizer })', await time((i) => trainOnBatch(m, d.rowsX[i % ROWS]!, d.rowsY[i % ROWS]!, { optimizer: opt }), seconds, repeats), 'learner looked up in a WeakMap per call'); }
  { const m = net(); const opt = adam({ learningRate: 0.001 });
    const one = Array.from({ length: 64 }, (_, i) => ds.subset([i]));
    add('fit on one example', await time((i) => fit(m, one[i % 64]!, { batchSize: 1, epochs: 1, optimizer: opt }), seconds / 2, repeats), 'what an online user did before: a whole fit call per row'); }
  let tfjs = 'ok';
  try {
    const tf = await loadTf('cpu');
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 12, activation: 'relu', inputShape: [8] }));
    model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
    const xs = d.rowsX.slice(0, 64).map((r) => tf.tensor2d(r, [1, 8])); const ys = d.rowsY.slice(0, 64).map((r) => tf.tensor2d(r, [1, 1]));
    add('TF.js model.trainOnBatch (cpu backend)', await time((i) => model.trainOnBatch(xs[i % 64]!, ys[i % 64]!), seconds / 2, repeats), 'awaited per call, tensors made once');
  } catch (e) { tfjs = `skipped: ${e instanceof Error ? e.message : String(e)}`; }
  return { rows, tfjs };
}

/** A markdown table of the result, with each entry's ratio to the in-loop step. */
export function onlineTable(r: OnlineResult): string {
  const base = r.rows[0]?.usPerCall ?? NaN;
  const lines = ['| call (8-12-8-1, Adam, 1 row) | us per call | x the in-loop step | note |', '|---|---:|---:|---|'];
  for (const row of r.rows) lines.push(`| ${row.name} | ${row.usPerCall.toFixed(2)} | ${(row.usPerCall / base).toFixed(1)} | ${row.note} |`);
  if (r.tfjs !== 'ok') lines.push('', `TF.js: ${r.tfjs}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const quick = process.argv.includes('--quick');
  const r = await benchOnline(quick ? 0.1 : 0.3, quick ? 1 : 3);
  if (process.argv.includes('--json')) process.stdout.write(`${ONLINE_MARK}${JSON.stringify(r)}\n`);
  else process.stdout.write(`${onlineTable(r)}\n`);
}
