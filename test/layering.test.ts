// Layering: imports flow down the DESIGN.md layer list, only cli/ imports cli/, only the platform seam touches Node built-ins, nothing passes the kernel seam.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, posix, relative, sep } from 'node:path';
import { importsOf } from './helpers/imports.js';

/** Lowest first: a file may import its own layer and anything below it. */
const LAYERS = ['core', 'kernels', 'data', 'optim', 'nn', 'interop', 'train', 'experiments', 'report', 'platform', 'cli', 'index', 'browser'];

/**
 * The layer of a path relative to src/ ('cli/main.ts' -> 'cli', 'index.ts' -> 'index'). A file
 * in a `node/` folder inside a core layer (a worker-thread entry such as
 * kernels/wasm/node/kernel-worker.ts) belongs to the platform: it may install the platform and
 * touch Node built-ins, and its layer may not import it.
 */
function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts.length > 2 && parts.slice(1, -1).includes('node')) return 'platform';
  const first = parts[0]!;
  return path.includes('/') ? first : first.replace(/\.[cm]?[jt]s$/, '');
}

/**
 * Where Node built-ins (`node:*`, `require(`, `process`, `Buffer`, `setImmediate`, `global.`) are
 * allowed: the Node platform seam, the CLI and the Node entry point; not the browser entry point
 * or src/platform/browser/.
 */
function mayTouchNode(path: string): boolean {
  if (path.startsWith('platform/browser/')) return false;
  return ['platform', 'cli', 'index'].includes(layerOf(path));
}

/** Node built-ins a core file touches: `node:` and bare built-in imports, `require(`, `process`. */
export function builtinsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const builtin = /^(node:|(fs|path|os|v8|url|stream|module|worker_threads|async_hooks|child_process|crypto|util|events|buffer|http|https|net|zlib|readline|perf_hooks)(\/|$))/;
  for (const m of code.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1] ?? m[2]!;
    if (builtin.test(spec)) out.push(`imports '${spec}'`);
  }
  if (/\brequire\s*\(/.test(code)) out.push('calls require(');
  if (/(?<![.\w$])process\b/.test(code)) out.push("references 'process'");
  if (/(?<![.\w$])Buffer\b/.test(code)) out.push("uses Node's Buffer (core/base64.ts has the portable helpers)");
  if (/(?<![.\w$])setImmediate\b/.test(code)) out.push("uses setImmediate (core/yield.ts has yieldToEventLoop)");
  if (/(?<![.\w$])global\./.test(code)) out.push("uses Node's global. (use globalThis)");
  return out;
}

/** Every core file (outside platform/, cli/, the entry points and node/ folders) that touches a Node built-in. */
export function findBuiltinUses(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, source] of files) {
    if (mayTouchNode(file)) continue;
    for (const use of builtinsOf(source)) bad.push(`${file} ${use}: only platform/ (or a node/ folder), cli/ and the entry points may; take it through a host interface`);
  }
  return bad;
}

/** Every import that goes up the list or into cli/ from outside it, as readable lines. */
export function findViolations(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    const rank = LAYERS.indexOf(from);
    if (rank < 0) { bad.push(`${file}: folder '${from}' is not in the layer list ${LAYERS.join(' < ')}`); continue; }
    for (const spec of importsOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (target.startsWith('..')) continue; // outside src/ (package.json read by URL)
      const to = layerOf(target);
      const toRank = LAYERS.indexOf(to);
      if (to === 'cli' && from !== 'cli') bad.push(`${file} imports '${spec}': nothing outside cli/ may import cli/`);
      else if (toRank > rank) bad.push(`${file} (${from}) imports '${spec}' from the higher layer ${to}`);
      else if (toRank < 0) bad.push(`${file} imports '${spec}' from '${to}', which is not in the layer list`);
    }
  }
  return bad;
}

/**
 * The kernel seam: the modules of kernels/ that code outside it may import (the interface, its
 * shared maths, and select.ts for the default backend). The implementations (js/, wasm/, a
 * future native/) plug in behind them; only the public entry points name them.
 */
export const KERNEL_INTERFACE = ['kernels/backend', 'kernels/math', 'kernels/select', 'kernels/host'];
/** Modules outside kernels/ that may import an implementation: the public entry points and the platform, which wires them in. */
const KERNEL_EXEMPT = ['index.ts', 'browser.ts'];
const exemptFromKernelSeam = (file: string): boolean => KERNEL_EXEMPT.includes(file) || file.startsWith('platform/');
/** The interface files: they import no implementation. */
const KERNEL_LEAVES = ['kernels/backend', 'kernels/math'];

/** Every import that reaches past the kernel seam, as readable lines. */
export function findKernelViolations(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, source] of files) {
    const inKernels = file.startsWith('kernels/'); const self = file.replace(/\.[cm]?[jt]s$/, '');
    for (const spec of importsOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.[cm]?[jt]s$/, '');
      if (!target.startsWith('kernels/')) continue;
      const impl = !KERNEL_INTERFACE.includes(target);
      if (!inKernels && impl && !exemptFromKernelSeam(file)) {
        bad.push(`${file} imports '${spec}': outside kernels/ only ${KERNEL_INTERFACE.map((k) => `${k}.ts`).join(', ')} may be imported (reach the implementations through the Backend interface)`);
      } else if (KERNEL_LEAVES.includes(self) && target !== self && !KERNEL_LEAVES.includes(target)) {
        bad.push(`${file} imports '${spec}': the kernel interface files import no implementation`);
      } else if (file.startsWith('kernels/js/') && !target.startsWith('kernels/js/') && !KERNEL_LEAVES.includes(target)) {
        bad.push(`${file} imports '${spec}': the JS reference backend depends on the interface only`);
      }
    }
  }
  return bad;
}

function sourceTree(): Map<string, string> {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m|c)?ts$/.test(e.name) && !e.name.endsWith('.d.ts')) files.set(relative(src, p).split(sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(src);
  return files;
}

describe('layering', () => {
  it('no import in src/ goes up the layer list, and only cli/ imports cli/', () => {
    const files = sourceTree();
    assert.ok(files.has('index.ts') && files.has('train/fit.ts'), `scanned ${[...files.keys()].join(', ')}`);
    const total = [...files.values()].reduce((s, f) => s + importsOf(f).length, 0);
    assert.ok(total > 30, `found only ${total} imports: the scanner is broken`);
    const bad = findViolations(files);
    assert.deepEqual(bad, [], `imports that break the layering:\n  ${bad.join('\n  ')}`);
  });

  it('no core module touches a Node built-in: node: imports, require( and process live in platform/', () => {
    const files = sourceTree();
    assert.ok(files.has('platform/node/install.ts'), 'src/platform/node/install.ts is missing');
    const uses = [...files].filter(([f]) => mayTouchNode(f)).reduce((n, [, s]) => n + builtinsOf(s).length, 0);
    assert.ok(uses > 5, `found only ${uses} built-in uses in platform/, cli/ and the entry points: the scanner is broken`);
    const bad = findBuiltinUses(files);
    assert.deepEqual(bad, [], `core modules that touch Node built-ins:\n  ${bad.join('\n  ')}`);
  });

  it('the built-in checker flags node: imports, bare built-ins, require(, process, Buffer, setImmediate and global. in core and browser files only', () => {
    const files = new Map([
      ['core/a.ts', "import { readFileSync } from 'node:fs';"],
      ['data/b.ts', "import { join } from 'path';\nexport const n = 1;"],
      ['kernels/c.ts', "const env = process.env['X'];"],
      ['train/d.ts', "const fs = require('fs');"],
      ['experiments/e.ts', "const w = await import('node:worker_threads');"],
      ['nn/ok.ts', "// process.env in a comment\nconst s = 'http://x'; import { z } from 'zod';\nconst processed = 1; this.process = 2;"],
      ['platform/node/f.ts', "import { readFileSync } from 'node:fs';\nprocess.exitCode = 0;"],
      ['kernels/wasm/node/w.ts', "import { workerData } from 'node:worker_threads';"],
      ['cli/g.ts', "process.exit(1);"],
      ['index.ts', "import './platform/node/install.js';"],
      ['nn/h.ts', "const b64 = Buffer.from(w.buffer).toString('base64');"],
      ['train/i.ts', "await new Promise((r) => setImmediate(r));"],
      ['optim/j.ts', "global.gc?.();"],
      ['platform/browser/k.ts', "import { readFileSync } from 'node:fs';"],
      ['browser.ts', "const n = process.env['X'];"],
      ['data/ok2.ts', "const a = new ArrayBuffer(8); const s = new SharedArrayBuffer(8); const b = new BatchBuffer(); globalThis.x = 1;"],
    ]);
    const bad = findBuiltinUses(files);
    assert.equal(bad.length, 10, bad.join('\n'));
    for (const file of ['core/a.ts', 'data/b.ts', 'kernels/c.ts', 'train/d.ts', 'experiments/e.ts', 'nn/h.ts', 'train/i.ts', 'optim/j.ts', 'platform/browser/k.ts', 'browser.ts']) {
      assert.ok(bad.some((line) => line.startsWith(file)), `${file} not flagged`);
    }
  });

  it('nothing outside kernels/ reaches past the Backend interface', () => {
    const files = sourceTree();
    assert.ok([...files.keys()].some((f) => f.startsWith('kernels/wasm/')), 'no kernels/wasm/ files scanned');
    const bad = findKernelViolations(files);
    assert.deepEqual(bad, [], `imports that break the kernel seam:\n  ${bad.join('\n  ')}`);
  });

  it('the kernel checker flags imports of implementations from outside kernels/ and from the interface', () => {
    const files = new Map([
      ['nn/model.ts', "import { DenseRunner } from '../kernels/wasm/dense-runner.js';\nimport { ACT } from '../kernels/backend.js';"],
      ['optim/optimizer.ts', "import type { WasmArena } from '../kernels/wasm/wasm-arena.js';"],
      ['nn/losses.ts', "import { sigmoid } from '../kernels/js/js-backend.js';\nimport { sigmoid as s } from '../kernels/math.js';"],
      ['data/batch.ts', "import type { RowGatherer } from '../kernels/backend.js';"],
      ['train/fit.ts', "import { defaultBackend } from '../kernels/select.js';\nconst k = await import('../kernels/native/addon.js');"],
      ['kernels/backend.ts', "import { JsBackend } from './js/js-backend.js';\nimport { sigmoid } from './math.js';"],
      ['kernels/js/js-backend.ts', "import { WasmArena } from '../wasm/wasm-arena.js';\nimport type { Backend } from '../backend.js';"],
      ['kernels/wasm/wasm-backend.ts', "import { JsBackend } from '../js/js-backend.js';"],
      ['index.ts', "export { WasmBackend } from './kernels/wasm/wasm-backend.js';"],
    ]);
    const bad = findKernelViolations(files);
    assert.equal(bad.length, 6, bad.join('\n'));
    for (const file of ['nn/model.ts', 'optim/optimizer.ts', 'nn/losses.ts', 'train/fit.ts', 'kernels/backend.ts', 'kernels/js/js-backend.ts']) {
      assert.ok(bad.some((line) => line.startsWith(file)), `${file} not flagged`);
    }
  });

  it('a node/ folder belongs to the platform: its own layer may not import it, and it may import the platform', () => {
    const files = new Map([
      ['kernels/wasm/kernel-threads.ts', "const u = new URL('./node/kernel-worker.js', import.meta.url);"],
      ['experiments/node/trial-worker.ts', "import '../../platform/node/install.js';\nimport { runJob } from '../trial.js';"],
      ['platform/node/install.ts', "import { setKernelHost } from '../../kernels/host.js';"],
      ['core/x.ts', "import { y } from '../platform/node/y.js';"],
    ]);
    const bad = findViolations(files);
    assert.equal(bad.length, 2, bad.join('\n'));
    assert.ok(bad.some((l) => l.startsWith('kernels/wasm/kernel-threads.ts')));
    assert.ok(bad.some((l) => l.startsWith('core/x.ts')));
  });

  it('the checker itself flags upward imports, imports of cli/ and unknown folders', () => {
    const files = new Map([
      ['core/a.ts', "import { x } from '../nn/model.js';"],
      ['nn/b.ts', "import type { Y } from '../train/fit.js';\nexport { z } from './c.js';"],
      ['index.ts', "export { main } from './cli/main.js';"],
      ['report/r.ts', "const w = new URL('../cli/worker.js', import.meta.url);\n// import { q } from '../cli/q.js';"],
      ['train/t.ts', "const m = await import('../experiments/e.js');\n/* from '../cli/x.js' */"],
      ['misc/m.ts', "import '../core/a.js';"],
      ['data/ok.ts', "import { Rng } from '../core/rng.js';\nimport './local.js';"],
    ]);
    const bad = findViolations(files);
    assert.equal(bad.length, 6, bad.join('\n'));
    for (const file of ['core/a.ts', 'nn/b.ts', 'index.ts', 'report/r.ts', 'train/t.ts', 'misc/m.ts']) {
      assert.ok(bad.some((line) => line.startsWith(file)), `${file} not flagged`);
    }
  });
});
