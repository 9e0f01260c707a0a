// Tests of where the Node side finds its files and entry scripts, and of dist/cli's one-directory build of the command (scripts/build-cli.mjs).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryUrl, FROM_CLI_BUILD, NODE_ENTRIES, srcUrl, type NodeEntry } from '../../../src/platform/node/entries.js';
import { CLI, CLI_MODULES, parseJson, REPO, runCli } from '../../cli/helpers.js';

const DIST = join(REPO, 'dist');
const tmp = mkdtempSync(join(tmpdir(), 'minibatch-entries-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The TypeScript files under src/, relative to it. */
function sources(dir = join(REPO, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(join(REPO, 'src'), join(e.parentPath, e.name)).split('\\').join('/'));
}

describe('srcUrl and entryUrl, from dist/src', () => {
  it('find the compiled tree and each entry script under it', () => {
    assert.equal(FROM_CLI_BUILD, false);
    assert.equal(fileURLToPath(srcUrl('')), join(DIST, 'src') + '/');
    assert.ok(readdirSync(srcUrl('kernels/wasm/')).some((f) => f.endsWith('.wasm')), 'the .wasm kernels');
    assert.ok(existsSync(srcUrl('cli/playground/index.html')), 'the playground');
    for (const [name, path] of Object.entries(NODE_ENTRIES)) {
      assert.equal(fileURLToPath(entryUrl(name as NodeEntry)), join(DIST, 'src', path));
      assert.ok(existsSync(entryUrl(name as NodeEntry)), name);
    }
  });

  it('are the only way a Node module finds its files (import.meta.url is read in entries.ts alone)', () => {
    const readers = sources().filter((f) => !f.startsWith('platform/browser/') && f !== 'browser.ts'
      && readFileSync(join(REPO, 'src', f), 'utf8').includes('import.meta.url'));
    assert.deepEqual(readers, ['platform/node/entries.ts']);
  });
});

describe('dist/cli, the built command', () => {
  it('holds every entry script, the command with its #! line, and no path into dist/src but through entries.ts', () => {
    for (const name of Object.keys(NODE_ENTRIES)) assert.ok(existsSync(join(DIST, 'cli', `${name}.js`)), name);
    assert.equal(CLI, join(DIST, 'cli', 'main.js'));
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(join(REPO, pkg.bin['minibatch']!), CLI);
    for (const f of readdirSync(join(DIST, 'cli'))) {
      assert.doesNotMatch(readFileSync(join(DIST, 'cli', f), 'utf8'), /from\s*["'][^"']*\/src\//, `${f} imports nothing from dist/src`);
    }
  });

  it('loads no module of dist/src in a sweep on worker threads, but the chart libraries\' build', async () => {
    // A module hook that lists every file module loaded, in the command and in its workers.
    const hooks = join(tmp, 'hooks.mjs'); const register = join(tmp, 'register.mjs'); const log = join(tmp, 'loaded.txt');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const r = await runCli(['compare', '--data', 'mnist', '--model', 'softmax', '--batch-sizes', '8,32', '--lr', '0.1', '--epochs', '1', '--seeds', '2', '--workers', '2', '--out', join(tmp, 'hooked'), '--quiet'], { nodeArgs: ['--import', register] });
    assert.equal(r.status, 0, r.stderr);
    const loaded = readFileSync(log, 'utf8').trim().split('\n').map((u) => fileURLToPath(u)).filter((p) => p.startsWith(DIST));
    const fromCli = loaded.filter((p) => p.startsWith(join(DIST, 'cli')));
    assert.ok(fromCli.includes(join(DIST, 'cli', 'trial-worker.js')), 'the trial workers run from dist/cli');
    assert.ok(fromCli.includes(join(DIST, 'cli', 'report-worker.js')), 'the report worker runs from dist/cli');
    assert.deepEqual([...new Set(loaded.filter((p) => !p.startsWith(join(DIST, 'cli'))))], [join(DIST, 'src', 'platform', 'node', 'chart-library-bundle.js')]);
  });

  it('gives the same results, bit for bit, as the command run from dist/src', async () => {
    const args = (out: string): string[] => ['compare', '--data', 'mnist', '--model', 'softmax', '--batch-sizes', '1,32', '--lr', '0.1', '--epochs', '1', '--seeds', '2', '--workers', '2', '--out', join(tmp, out), '--quiet', '--no-report', '--json'];
    const built = await runCli(args('built'));
    const modules = await runCli(args('modules'), { cli: CLI_MODULES });
    assert.equal(built.status, 0, built.stderr);
    assert.equal(modules.status, 0, modules.stderr);
    parseJson(built);
    // Everything but what timing measures: seconds, the throughput profile, what is priced by it
    // (times, their agreement with the wall clock, the recommendation's ranking by time).
    const read = (out: string): unknown => JSON.parse(readFileSync(join(tmp, out, 'results.json'), 'utf8'));
    const timed = /seconds|Seconds|throughput|createdBy|[pP]riced|perUpdate|timesDisagree|^\.recommendation/;
    const differing = leafDifferences(read('built'), read('modules'), (path) => timed.test(path));
    assert.deepEqual(differing, []);
    assert.ok(JSON.stringify(read('built')).includes('"valLoss"'), 'the runs\' points were compared');
  });
});

/** Paths of the leaves where `a` and `b` differ (at most 10), skipping those `ignore` accepts. */
function leafDifferences(a: unknown, b: unknown, ignore: (path: string) => boolean, path = '', out: string[] = []): string[] {
  if (out.length >= 10 || ignore(path)) return out;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) leafDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], ignore, `${path}.${k}`, out);
  } else if (!Object.is(a, b)) {
    out.push(`${path}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`);
  }
  return out;
}
