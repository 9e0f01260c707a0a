// Layering: no import in src/ goes up the DESIGN.md layer list, and nothing outside cli/ imports cli/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, posix, relative, sep } from 'node:path';

/** Lowest first: a file may import its own layer and anything below it. */
const LAYERS = ['core', 'kernels', 'data', 'optim', 'nn', 'train', 'experiments', 'report', 'platform', 'cli', 'index'];

/** The layer of a path relative to src/ ('cli/main.ts' -> 'cli', 'index.ts' -> 'index'). */
function layerOf(path: string): string {
  const first = path.split('/')[0]!;
  return path.includes('/') ? first : first.replace(/\.[cm]?[jt]s$/, '');
}

/** Relative module specifiers of a source file: static, side-effect, re-export, dynamic and worker URLs. */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bnew\s+URL\s*\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1]!.startsWith('.')) out.push(m[1]!);
  return out;
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
