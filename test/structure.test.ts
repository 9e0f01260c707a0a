// Structure: no import circles in src/, no source file over 300 lines, no function over 60 (DESIGN.md's size rules).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { importsOf } from './helpers/imports.js';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

function tree(dir: string): Map<string, string> {
  const root = fileURLToPath(new URL(`../../${dir}/`, import.meta.url));
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) files.set(relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/**
 * Every import circle among `files` (path -> source), each as the list of its modules (Tarjan's
 * strongly connected components). Static and dynamic imports count; a worker's or child
 * process's entry URL does not (it starts a new module graph).
 */
export function importCircles(files: Map<string, string>): string[][] {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    graph.set(file, importsOf(source, false).filter((s) => s.startsWith('.'))
      .map((s) => posix.normalize(posix.join(posix.dirname(file), s)).replace(/\.js$/, '.ts')).filter((t) => files.has(t)));
  }
  let next = 0; const index = new Map<string, number>(); const low = new Map<string, number>();
  const stack: string[] = []; const onStack = new Set<string>(); const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = []; let w: string;
    do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || graph.get(v)!.includes(v)) circles.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

/** Functions (declarations, methods, arrows, constructors) whose body spans more than `max` lines, as 'file:line name (n lines)'. */
export function longFunctions(files: Map<string, string>, max: number): string[] {
  const out: string[] = [];
  for (const [file, source] of files) {
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) && 'body' in n && n.body) {
        const body = n.body as ts.Node;
        const a = sf.getLineAndCharacterOfPosition(body.getStart(sf)).line; const b = sf.getLineAndCharacterOfPosition(body.getEnd()).line;
        const name = n.name && ts.isIdentifier(n.name) ? n.name.text : '(anonymous)';
        if (b - a + 1 > max) out.push(`${file}:${a + 1} ${name} (${b - a + 1} lines)`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

describe('structure', () => {
  it('the circle finder finds planted circles and passes a line', () => {
    const planted = new Map([['a.ts', "import { b } from './b.js';"], ['b.ts', "import { c } from './sub/c.js';"], ['sub/c.ts', "import { a } from '../a.js';"], ['d.ts', "import { a } from './a.js';"]]);
    assert.deepEqual(importCircles(planted), [['a.ts', 'b.ts', 'sub/c.ts']]);
    assert.deepEqual(importCircles(new Map([['a.ts', "import { b } from './b.js';"], ['b.ts', 'export const b = 1;']])), []);
  });

  it('no import circle in src/', () => {
    const files = tree('src');
    assert.ok(files.size > 100, `scanned only ${files.size} files`);
    assert.deepEqual(importCircles(files), []);
  });

  it(`no file in src/ over ${MAX_FILE_LINES} lines`, () => {
    const over = [...tree('src')].map(([f, s]) => [f, s.split('\n').length - (s.endsWith('\n') ? 1 : 0)] as const).filter(([, n]) => n > MAX_FILE_LINES);
    assert.deepEqual(over, []);
  });

  it(`the function measure counts body lines, and no function in src/ is over ${MAX_FUNCTION_LINES}`, () => {
    const body = Array.from({ length: 70 }, (_, i) => `  x += ${i};`).join('\n');
    assert.deepEqual(longFunctions(new Map([['f.ts', `function f(): void {\n  let x = 0;\n${body}\n}\nconst g = () => 1;`]]), MAX_FUNCTION_LINES), ['f.ts:1 f (73 lines)']);
    assert.deepEqual(longFunctions(tree('src'), MAX_FUNCTION_LINES), []);
  });
});
