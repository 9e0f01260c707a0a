// Denormal benchmark: optimizer updates on normal vs subnormal state, and a run whose ReLUs die mid-training, with and without the guard.
import { BatchBuffer } from '../src/data/batch.js';
import { loadBuiltin } from '../src/platform/node/builtin.js';
import { createBackend, type BackendKind } from '../src/kernels/select.js';
import { STAT_SIZE } from '../src/nn/losses.js';
import { mlp } from '../src/nn/models.js';
import { Adam } from '../src/optim/adam.js';
import { Sgd } from '../src/optim/sgd.js';
import type { Optimizer } from '../src/optim/optimizer.js';

/** Optimizers with the denormal guard switched off, to show what it prevents. */
class UnguardedAdam extends Adam { protected override flushState(): void {} }
class UnguardedSgd extends Sgd { protected override flushState(): void {} }

export interface DenormalRow {
  backend: BackendKind;
  optimizer: string;
  guard: boolean;
  /** µs per training step while the ReLUs live (steps 0-300) and in each later window after they die. */
  liveUs: number;
  deadUs: number[];
  /** The slowest dead window over the live one. */
  slowdown: number;
  /** Subnormal values left in the optimizer state at the end. */
  subnormals: number;
}

const SMALLEST_NORMAL = 1.1754943508222875e-38;

function countSubnormal(o: Optimizer): number {
  let c = 0;
  for (const b of o.buffers()) for (let i = 0; i < b.length; i++) { const v = Math.abs(b[i]!); if (v !== 0 && v < SMALLEST_NORMAL) c++; }
  return c;
}

/**
 * MNIST 784-128-10 at batch 32: 300 steps of ordinary training, then every hidden unit is
 * killed (biases set to -1e4, so the ReLUs output 0 and pass no gradient) and the run goes on
 * for `after` steps, timed in windows. The first layer's optimizer state then decays towards
 * zero through the subnormal range (Adam's second moment takes ~10^4-10^5 steps to get there,
 * momentum ~10^3), which costs 10-100x per operation on CPUs that trap subnormals.
 */
async function deadRelu(backend: BackendKind, optimizer: 'adam' | 'momentum', guard: boolean, after: number): Promise<DenormalRow> {
  const data = await loadBuiltin('mnist');
  const model = mlp({ layers: [784, 128, 10], output: 'softmax', seed: 1, backend: createBackend(backend) });
  const o: Optimizer = optimizer === 'adam'
    ? (guard ? new Adam({ learningRate: 1e-3 }, false) : new UnguardedAdam({ learningRate: 1e-3 }, false))
    : (guard ? new Sgd({ learningRate: 0.01, momentum: 0.9 }) : new UnguardedSgd({ learningRate: 0.01, momentum: 0.9 }));
  const bs = 32; const buffer = new BatchBuffer(data, bs, model.rowGatherer(data, bs));
  const order = Uint32Array.from({ length: data.length }, (_, i) => (i * 7919) % data.length);
  const grad = model.gradientBuffer(); const stats = new Float64Array(STAT_SIZE);
  let at = 0;
  const steps = (n: number): number => {
    const t0 = performance.now();
    for (let s = 0; s < n; s++) {
      if (at + bs > data.length) at = 0;
      model.accumulateGrad(model.params, buffer.gather(order, at, bs), grad, false, stats); at += bs;
      o.step(model.params, grad);
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  steps(50);
  const liveUs = steps(250);
  model.params.fill(-1e4, model.bOff[0]!, model.bOff[0]! + 128);
  const windows = 8; const deadUs: number[] = [];
  for (let w = 0; w < windows; w++) deadUs.push(steps(Math.round(after / windows)));
  return { backend, optimizer, guard, liveUs, deadUs, slowdown: Math.max(...deadUs) / liveUs, subnormals: countSubnormal(o) };
}

/** Every combination at `after` steps past the units' death. */
export async function benchDenormal(after = 4000): Promise<DenormalRow[]> {
  const rows: DenormalRow[] = [];
  for (const backend of ['js', 'auto'] as const) {
    for (const opt of ['momentum', 'adam'] as const) {
      for (const guard of [true, false]) rows.push(await deadRelu(backend, opt, guard, after));
    }
  }
  return rows;
}

/** The markdown table of benchDenormal's rows. */
export function denormalTable(rows: DenormalRow[]): string {
  const out = ['| backend | optimizer | guard | µs/step live | µs/step after the ReLUs die (8 windows) | slowest / live | subnormal state values at the end |', '| --- | --- | --- | ---: | --- | ---: | ---: |'];
  for (const r of rows) {
    out.push(`| ${r.backend} | ${r.optimizer} | ${r.guard ? 'on' : 'off'} | ${r.liveUs.toFixed(0)} | ${r.deadUs.map((u) => u.toFixed(0)).join(' ')} | ${r.slowdown.toFixed(2)} | ${r.subnormals} |`);
  }
  return out.join('\n');
}
