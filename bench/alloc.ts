// Allocation per step of this project's loop: GC events per 100k steps and where the bytes come from.
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fit } from '../src/train/fit.js';
import { engineSetup } from './engine.js';
import { stepsPerEpoch, type Workload } from './workloads.js';

/** One allocating function, with its bytes split into a per-step and a per-epoch part. */
export interface AllocSite {
  /** `function (file)`: the innermost frame in this project's code (src/ or bench/) that allocated. */
  site: string;
  bytesPerStep: number;
  bytesPerEpoch: number;
}

/** GC events during a long fit run at batch 32. */
export interface GcCount {
  batchSize: number; steps: number; epochs: number; seconds: number; scavenges: number; markSweeps: number;
  scavengesPer100kSteps: number; markSweepsPer100kSteps: number; heapGrowthBytes: number;
}

/** Bytes allocated during a fit run (freed objects included), by allocating function. */
export interface Sampled { batchSize: number; steps: number; epochs: number; total: number; sites: [string, number][] }

export interface AllocResult {
  /** The workload id, or 'id (backend)' when the run names its backend. */
  workload: string;
  gc: GcCount;
  /** Solved from the batch-1 and batch-32 samples: bytes = perStep x steps + perEpoch x epochs. */
  bytesPerStep: number;
  bytesPerEpoch: number;
  sites: AllocSite[];
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(w: Workload): (bs: number, epochs: number) => Promise<unknown> {
  const { data, model, optimizer } = engineSetup(w);
  return (bs, epochs) => fit(model, data, { batchSize: bs, epochs, optimizer, shuffle: true });
}

/**
 * Trains at batch size `bs` for about `seconds` (after a warm-up) under a PerformanceObserver
 * on 'gc' entries: scavenges and mark-sweeps per 100k steps, and the heap growth over the run.
 */
export async function countGcs(w: Workload, bs = 32, seconds = 1): Promise<GcCount> {
  const run = setup(w); const spe = stepsPerEpoch(w, bs);
  const warm = Math.ceil(30000 / spe);
  const t0 = performance.now(); await run(bs, warm);
  const usPerStep = ((performance.now() - t0) * 1000) / (warm * spe);
  let scavenges = 0; let markSweeps = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR || kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) markSweeps++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  await tick(); scavenges = 0; markSweeps = 0;
  const epochs = Math.max(1, Math.round((seconds * 1e6) / usPerStep / spe));
  const h0 = process.memoryUsage().heapUsed; const t1 = performance.now();
  await run(bs, epochs);
  const took = (performance.now() - t1) / 1000; const heapGrowthBytes = process.memoryUsage().heapUsed - h0;
  await tick(); await tick();
  obs.disconnect();
  const steps = epochs * spe;
  return {
    batchSize: bs, steps, epochs, seconds: took, scavenges, markSweeps, heapGrowthBytes,
    scavengesPer100kSteps: (scavenges * 1e5) / steps, markSweepsPer100kSteps: (markSweeps * 1e5) / steps,
  };
}

/**
 * Bytes allocated during a fit run of about `targetSteps` at batch size `bs` (after a warm-up
 * at the same size), by the innermost project function on the allocating stack, from V8's
 * sampling heap profiler with objects the GC already freed counted too.
 */
export async function sampleAllocation(w: Workload, bs: number, targetSteps = bs === 1 ? 100000 : 40000): Promise<Sampled> {
  const run = setup(w); const spe = stepsPerEpoch(w, bs); const epochs = Math.ceil(targetSteps / spe);
  await run(bs, epochs);
  const session = new Session(); session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  } as unknown as { samplingInterval: number });
  await run(bs, epochs);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const bySite = new Map<string, number>(); let total = 0;
  type Node = { callFrame: { functionName: string; url: string }; selfSize: number; children: Node[] };
  const walk = (n: Node, site: string): void => {
    const here = projectFrame(n.callFrame.functionName, n.callFrame.url) ?? site;
    if (n.selfSize > 0) { bySite.set(here, (bySite.get(here) ?? 0) + n.selfSize); total += n.selfSize; }
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head as unknown as Node, '(outside fit: Node and V8 internals)');
  return { batchSize: bs, steps: epochs * spe, epochs, total, sites: [...bySite] };
}

/**
 * Splits two samples at different batch sizes into per-step and per-epoch bytes, in total
 * and per site: with a = batch-1 run and b = batch-32 run, bytes = s x steps + e x epochs.
 */
export function solveAllocation(w: Workload, gc: GcCount, a: Sampled, b: Sampled): AllocResult {
  const det = a.steps * b.epochs - b.steps * a.epochs;
  const solve = (ta: number, tb: number): [number, number] =>
    [(ta * b.epochs - tb * a.epochs) / det, (a.steps * tb - b.steps * ta) / det];
  const [bytesPerStep, bytesPerEpoch] = solve(a.total, b.total);
  const ma = new Map(a.sites); const mb = new Map(b.sites);
  const sites = [...new Set([...ma.keys(), ...mb.keys()])].map((site) => {
    const [s, e] = solve(ma.get(site) ?? 0, mb.get(site) ?? 0);
    return { site, bytesPerStep: s, bytesPerEpoch: e };
  }).filter((x) => Math.abs(x.bytesPerStep) >= 1 || Math.abs(x.bytesPerEpoch) >= 16)
    .sort((x, y) => y.bytesPerStep - x.bytesPerStep || y.bytesPerEpoch - x.bytesPerEpoch);
  return { workload: w.id, gc, bytesPerStep, bytesPerEpoch, sites };
}

/** `fn (src/train/fit.ts)` for frames in this project's compiled files, otherwise undefined. */
function projectFrame(fn: string, url: string): string | undefined {
  const m = /\/dist\/((?:src|bench)\/.*)\.js$/.exec(url);
  return m ? `${fn || '(anonymous)'} (${m[1]}.ts)` : undefined;
}
