// The core bundles for a browser: esbuild --platform=browser over every core module and the training API gives no errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Compiled core modules: everything under dist/src except platform/, cli/, node/ folders and the entry points. */
function coreModules(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(SRC, p).split(sep).join('/');
      if (e.isDirectory()) { if (!['platform', 'cli', 'node'].includes(e.name)) walk(p); }
      else if (e.name.endsWith('.js') && rel.includes('/')) out.push(rel);
    }
  };
  walk(SRC);
  return out.sort();
}

/** Bundles `contents` (an ES module whose imports resolve from dist/src/) for the browser; returns esbuild's messages. */
async function bundle(contents: string): Promise<{ errors: string[]; bytes: number }> {
  try {
    const r = await build({
      stdin: { contents, resolveDir: SRC, sourcefile: 'browser-entry.js' },
      bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: false,
    });
    return { errors: r.errors.map((m) => m.text), bytes: r.outputFiles.reduce((n, f) => n + f.contents.length, 0) };
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors;
    if (!errors) throw e;
    return { errors: errors.map((m) => `${m.location?.file ?? ''}: ${m.text}`), bytes: 0 };
  }
}

describe('browser bundle of the core', () => {
  it('the training API (fit, Dataset, models, optimizers, compare, study, report) bundles with --platform=browser, zero errors', async () => {
    const entry = [
      "export { fit } from './train/fit.js';",
      "export { evaluate } from './train/evaluate.js';",
      "export { Dataset } from './data/dataset.js';",
      "export { parseCsv } from './data/csv.js';",
      "export { mlp, logisticRegression, softmaxRegression, linearRegression } from './nn/models.js';",
      "export { modelToJson, modelFromJson } from './nn/model-json.js';",
      "export { sgd } from './optim/sgd.js'; export { adam } from './optim/adam.js'; export { rmsprop } from './optim/rmsprop.js';",
      "export { compare } from './experiments/compare.js'; export { tune } from './experiments/tune.js';",
      "export { study } from './experiments/study.js'; export { lrRangeTest } from './experiments/probes/lr-range.js';",
      "export { renderReport } from './report/html.js';",
      "export { createBackend } from './kernels/select.js'; export { setKernelHost } from './kernels/host.js';",
    ].join('\n');
    const r = await bundle(entry);
    assert.deepEqual(r.errors, [], `esbuild --platform=browser errors:\n  ${r.errors.join('\n  ')}`);
    assert.ok(r.bytes > 10_000, `the bundle is only ${r.bytes} bytes: did the entry resolve?`);
  });

  it('every core module (outside platform/, cli/ and node/ folders) bundles for the browser', async () => {
    const mods = coreModules();
    assert.ok(mods.length > 50 && mods.includes('train/checkpoint.js') && mods.includes('kernels/wasm/wasm-module.js'), `found ${mods.length} core modules`);
    const r = await bundle(mods.map((m, i) => `export * as m${i} from './${m}';`).join('\n'));
    assert.deepEqual(r.errors, [], `esbuild --platform=browser errors:\n  ${r.errors.join('\n  ')}`);
  });

  it('the check has teeth: a module of the Node platform does not bundle for the browser', async () => {
    const r = await bundle("export * from './platform/node/text-files.js';");
    assert.ok(r.errors.some((e) => /node:fs/.test(e)), `expected an error about node:fs, got ${JSON.stringify(r.errors)}`);
  });
});
