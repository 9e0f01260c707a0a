// The platform seam: the core runs on whatever hosts are installed (fakes here, as a browser twin would), and without them.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MinibatchError } from '../../src/core/errors.js';
import { setTextFiles, type TextFiles } from '../../src/core/text-files.js';
import { parseCsv } from '../../src/data/csv.js';
import { compare } from '../../src/experiments/compare.js';
import { setTrialThreads, TrialPool, type ThreadListener, type TrialThreads, type WorkerInit } from '../../src/experiments/run/pool.js';
import { runJob, type TrialJob } from '../../src/experiments/run/trial.js';
import { Dataset } from '../../src/data/dataset.js';
import { kernelHost, setKernelHost, type KernelHost } from '../../src/kernels/host.js';
import { JsBackend } from '../../src/kernels/js/js-backend.js';
import { createBackend } from '../../src/kernels/select.js';
import { defaultThreads } from '../../src/kernels/wasm/kernel-threads.js';
import { loadKernels, wasmFailure } from '../../src/kernels/wasm/wasm-module.js';
import { mlp, softmaxRegression } from '../../src/nn/models.js';
import { sgd } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { loadCsv } from '../../src/platform/node/csv-file.js';
import { nodeKernelHost } from '../../src/platform/node/kernel-host.js';
import { nodeTextFiles } from '../../src/platform/node/text-files.js';
import { nodeTrialThreads } from '../../src/platform/node/trial-threads.js';
import { binaryProblem } from '../helpers/problems.js';
import { threeClasses, withoutTiming } from '../experiments/helpers.js';

// This file swaps hosts; it starts from the Node platform and puts it back after each test.
const restore = (): void => { setKernelHost(nodeKernelHost()); setTextFiles(nodeTextFiles); setTrialThreads(nodeTrialThreads); };
restore();
after(restore);

/** A kernel host like Node's, with the .wasm bytes read here and the settings given. */
function fakeHost(settings: KernelHost['settings'], isMainThread = true): KernelHost {
  const dir = fileURLToPath(new URL('../../src/kernels/wasm/', import.meta.url));
  return { wasmBytes: (f) => readFileSync(dir + f), enableRelaxedSimd: () => false, spawnHelper: () => null, isMainThread, cores: 8, settings };
}

describe('kernel host', () => {
  it('without a host the WASM kernels are off, the JS kernels run, and wasmFailure says why', () => {
    setKernelHost(undefined);
    try {
      assert.equal(loadKernels(), null);
      assert.match(wasmFailure(), /no kernel host/);
      assert.ok(createBackend('wasm') instanceof JsBackend);
      assert.equal(defaultThreads(), 1);
    } finally { restore(); }
  });

  it('the host supplies the kernel bytes, the thread count and MINIBATCH_THREADS (checked in the core)', () => {
    setKernelHost(fakeHost({ threads: '3' }));
    try {
      assert.equal(defaultThreads(), 3);
      setKernelHost(fakeHost({}, false)); assert.equal(defaultThreads(), 1, 'off the main thread');
      setKernelHost(fakeHost({})); assert.equal(defaultThreads(), 4, 'on the main thread: the cores, at most 4');
      setKernelHost(fakeHost({ threads: 'two' }));
      assert.throws(() => defaultThreads(), (e: unknown) => e instanceof MinibatchError && /MINIBATCH_THREADS must be an integer from 1 to 64, got 'two'/.test(e.message));
    } finally { restore(); }
  });

  it("a host without threads trains the same bits as Node's (the split kernels run on the caller)", async () => {
    if (loadKernels() === null) return; // WASM kernels not built
    const train = async (): Promise<Float32Array> => {
      // 256 x 256 x 256 products: large enough to be split over threads where there are some
      const model = mlp({ layers: [2, 256, 256, 3], output: 'softmax', seed: 2, backend: createBackend('wasm', { threads: 2 }) });
      await fit(model, threeClasses(256), { batchSize: 256, epochs: 2, optimizer: sgd({ learningRate: 0.1 }), seed: 3 });
      return model.params.slice();
    };
    setKernelHost(fakeHost({})); // first, so the process's KernelThreads start with no helper
    let threadless: Float32Array;
    try { threadless = await train(); } finally { restore(); }
    assert.deepEqual(await train(), threadless);
    assert.ok(kernelHost());
  });
});

describe('text files', () => {
  it("fit's checkpoint option writes through the installed TextFiles (here in memory) and resumes from it", async () => {
    const store = new Map<string, string>();
    const memory: TextFiles = {
      read: async (path, spec) => {
        const t = store.get(path);
        if (t === undefined) throw new MinibatchError('NOT_FOUND', `cannot read ${spec.what} ${path}: no such file${spec.missingHint}`);
        return t;
      },
      writeAtomic: async (path, content) => { store.set(path, content); },
    };
    setTextFiles(memory);
    try {
      const data = binaryProblem(60, 3, 4);
      const o = { batchSize: 8, seed: 2, clock: () => 0, optimizer: sgd({ learningRate: 0.1 }) };
      const net = () => mlp({ layers: [3, 4, 1], output: 'sigmoid', seed: 1 });
      const whole = net(); await fit(whole, data, { ...o, epochs: 4 });
      await fit(net(), data, { ...o, epochs: 2, checkpoint: { path: 'mem:run' } });
      assert.ok(store.has('mem:run'));
      assert.equal((await loadCheckpoint('mem:run')).format, 'minibatch-checkpoint');
      const resumed = net(); await fit(resumed, data, { ...o, epochs: 4, resumeFrom: 'mem:run' });
      assert.deepEqual(resumed.params, whole.params);
      await assert.rejects(loadCheckpoint('mem:other'), (e: unknown) => e instanceof MinibatchError && e.code === 'NOT_FOUND' && /drop --resume/.test(e.message));
    } finally { restore(); }
  });

  it('without TextFiles a checkpoint path is a MinibatchError saying a file system is needed', async () => {
    setTextFiles(undefined);
    try {
      await assert.rejects(loadCheckpoint('x.json'), (e: unknown) => e instanceof MinibatchError && e.code === 'IO' && /needs a file system/.test(e.message));
    } finally { restore(); }
  });
});

describe('trial threads', () => {
  /** TrialThreads that run each job in this thread, on a later tick, as a worker would. */
  const inline: TrialThreads = {
    cores: 3,
    spawn(init: WorkerInit) {
      const train = new Dataset(init.train.x, init.train.y, init.train.length);
      const val = new Dataset(init.val.x, init.val.y, init.val.length);
      let l: ThreadListener | null = null;
      return {
        postMessage: (job: TrialJob) => { setTimeout(() => l?.message({ run: runJob(job, train, val) }), 0); },
        listen: (x) => { l = x; },
        terminate: async () => undefined,
        keepAlive: () => undefined,
      };
    },
  };

  it('a compare on the installed TrialThreads (here a fake) equals the in-thread compare', async () => {
    const spec = softmaxRegression({ inputs: 2, classes: 3 }).spec;
    const o = { batchSizes: [4, 'full'] as Array<number | 'full'>, learningRate: [0.1, 1], epochs: 2, seeds: 1, optimizer: sgd({ learningRate: 0.1 }) };
    const data = threeClasses(90);
    const seq = await compare(spec, data, { ...o, workers: 1 });
    setTrialThreads(inline);
    try {
      const par = await compare(spec, data, { ...o, workers: 2 });
      assert.equal(par.workers, 2);
      assert.deepEqual(withoutTiming(par), withoutTiming(seq));
    } finally { restore(); }
  });

  it('without TrialThreads a sweep runs in this thread, and a TrialPool says to use workers: 1', async () => {
    setTrialThreads(undefined);
    try {
      const spec = softmaxRegression({ inputs: 2, classes: 3 }).spec;
      const r = await compare(spec, threeClasses(60), { batchSizes: [8], learningRate: [0.1], epochs: 1, seeds: 1, workers: 2 });
      assert.equal(r.workers, 1);
      const d = threeClasses(30);
      assert.throws(() => new TrialPool(d, d, 2), (e: unknown) => e instanceof MinibatchError && /workers: 1/.test(e.message));
    } finally { restore(); }
  });
});

describe('CSV from memory', () => {
  it('parseCsv(text) gives the same Dataset, or the same error, as loadCsv(file) on every fixture (one set of parsing rules)', async () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/csv/', import.meta.url));
    const outcome = async (p: Promise<Dataset>): Promise<unknown> => p.then((d) => d, (e: unknown) => (e instanceof MinibatchError ? `${e.code}: ${e.message}` : e));
    let datasets = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.csv') && statSync(dir + f).size > 0)) {
      for (const o of [{}, { missing: 'mean' as const }]) {
        const a = await outcome(loadCsv(dir + name, o));
        const b = await outcome(parseCsv(readFileSync(dir + name, 'utf8'), { ...o, name: dir + name }));
        assert.deepEqual(b, a, name);
        if (a instanceof Dataset) datasets++;
      }
    }
    assert.ok(datasets >= 6, `only ${datasets} fixtures loaded`);
  });

  it('parse errors from memory name the label, the line and the fix', async () => {
    await assert.rejects(parseCsv('a,b\n1,2\n3\n', { name: 'pasted.csv' }), (e: unknown) => e instanceof MinibatchError && e.code === 'BAD_CSV' && /pasted\.csv, line 3/.test(e.message));
  });
});

describe('the core without any platform installed', () => {
  it('a fit imported from the core alone runs to its end: a pending yield keeps Node alive, an idle one does not', async () => {
    const { spawnSync } = await import('node:child_process');
    const fitUrl = new URL('../../src/train/fit.js', import.meta.url).href;
    const modelsUrl = new URL('../../src/nn/models.js', import.meta.url).href;
    const dataUrl = new URL('../../src/data/dataset.js', import.meta.url).href;
    const script = `
      const { fit } = await import(${JSON.stringify(fitUrl)});
      const { logisticRegression } = await import(${JSON.stringify(modelsUrl)});
      const { Dataset } = await import(${JSON.stringify(dataUrl)});
      const x = new Float32Array(64 * 2).map((_, i) => ((i * 7919) % 13) / 13 - 0.5);
      const y = new Float32Array(64).map((_, i) => (x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0));
      const h = await fit(logisticRegression({ inputs: 2, seed: 1 }), Dataset.fromArrays(x, y), { batchSize: 8, epochs: 3, seed: 1 });
      console.log('epochs ' + h.records.length);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'epochs 3', `the process left before fit finished: stdout ${JSON.stringify(r.stdout)}`);
  });
});
