// Benchmark of distributed sweeps: study wall time and trials/s on 1, 2, 4 worker processes vs the local thread pool.
// Run alone: `npm run build && node dist/bench/distributed.js` (needs redis-server; starts its own on a free port).
import { availableParallelism, loadavg } from 'node:os';
import { blobs } from '../src/data/synthetic.js';
import { compare } from '../src/experiments/compare.js';
import { study, type StudyStage } from '../src/experiments/study.js';
import { mlp } from '../src/nn/models.js';
import { redisExecutor } from '../src/platform/node/queue/coordinator.js';
import { redisMissing, startRedis, startWorker, until, type WorkerProcess } from '../test/distributed/redis.js';

const log = (s: string): void => { process.stderr.write(`${s}\n`); };

const data = blobs({ rows: 2000, features: 8, classes: 3, seed: 5 });
const spec = mlp({ layers: [8, 32, 3], output: 'softmax', seed: 1 }).spec;
const studyOptions = { epochs: 4, seeds: 2, batchSizes: [8, 32, 128] as Array<number | 'full'>, noiseScale: false };

interface Row { where: string; seconds: number; trials: number; trialsPerSecond: number }

async function timedStudy(where: string, extra: Record<string, unknown>): Promise<Row> {
  const totals = new Map<StudyStage, number>();
  const t0 = performance.now();
  await study(spec, data, { ...studyOptions, ...extra, onProgress: (stage, _d, total) => { totals.set(stage, Math.max(totals.get(stage) ?? 0, total)); } });
  const seconds = (performance.now() - t0) / 1000;
  const trials = (totals.get('tune') ?? 0) + (totals.get('compare') ?? 0);
  return { where, seconds, trials, trialsPerSecond: trials / seconds };
}

async function main(): Promise<void> {
  const missing = redisMissing();
  if (missing) { log(`skipped: ${missing}`); return; }
  log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${availableParallelism()} cores (other work on the machine skews these figures)`);
  const rows: Row[] = [await timedStudy(`local thread pool (${availableParallelism()} threads)`, {})];
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    for (const n of [1, 2, 4]) {
      while (workers.length < n) workers.push(startWorker(redis.url, ['--lock-duration', '30000', '--stalled-interval', '30000']));
      await until(() => workers.every((w) => w.log().includes('waiting for trials')), 30_000, 'workers');
      const exec = redisExecutor({ url: redis.url });
      try { rows.push(await timedStudy(`${n} worker process${n > 1 ? 'es' : ''}`, { executor: exec })); } finally { await exec.close(); }
    }
    // Coordinator overhead: trials that train almost nothing (one epoch of 16 rows), one worker.
    const tiny = blobs({ rows: 20, features: 2, classes: 2, seed: 1 });
    const tinySpec = mlp({ layers: [2, 2], output: 'softmax', seed: 1 }).spec;
    const o = { batchSizes: [4] as Array<number | 'full'>, learningRate: 0.1, epochs: 1, seeds: 40 };
    const t0 = performance.now(); await compare(tinySpec, tiny, { ...o, workers: 1 }); const localMs = performance.now() - t0;
    await Promise.all(workers.slice(1).map((w) => w.stop())); workers.splice(1);
    const exec = redisExecutor({ url: redis.url });
    const t1 = performance.now();
    try { await compare(tinySpec, tiny, { ...o, executor: exec }); } finally { await exec.close(); }
    const overheadMs = (performance.now() - t1 - localMs) / o.seeds;
    log('\n| where | study wall s | trials | trials/s |\n| --- | --- | --- | --- |');
    for (const r of rows) log(`| ${r.where} | ${r.seconds.toFixed(1)} | ${r.trials} | ${r.trialsPerSecond.toFixed(2)} |`);
    log(`\nCoordinator + queue overhead per trial (1 worker, ${o.seeds} near-empty trials): ${overheadMs.toFixed(1)} ms`);
    process.stdout.write(JSON.stringify({ rows, overheadMsPerTrial: overheadMs, loadavg: loadavg() }) + '\n');
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await redis.dispose();
  }
}

await main();
