// Builds dist/src/platform/node/chart-library-bundle.js: vega and vega-lite in one ES module for Node (one file loads in half the time of the packages' modules).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/src/platform/node/chart-library-bundle.js`;

let canvasBrowserBuild;
try {
  import.meta.resolve('vega');
  import.meta.resolve('vega-lite');
  canvasBrowserBuild = join(dirname(fileURLToPath(import.meta.resolve('vega-canvas'))), 'vega-canvas.browser.js');
} catch {
  // vega and vega-lite are optional peers: without them there is nothing to build, and reports
  // say how to install them (src/report/render-svg.ts).
  rmSync(outfile, { force: true });
  console.warn('build-chart-library: vega or vega-lite is not installed; reports will import the packages (or say how to install them)');
  process.exit(0);
}

const result = await build({
  stdin: { contents: "export * as vega from 'vega';\nexport { compile } from 'vega-lite';\n", resolveDir: root, sourcefile: 'chart-library-entry.js' },
  outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20',
  // vega-canvas's Node build awaits import('canvas') at its top level (node-canvas, optional,
  // for text widths): the report estimates text widths (renderer 'none'), so the bundle takes
  // the browser build, which finds no canvas in Node.
  alias: { 'vega-canvas': canvasBrowserBuild },
  // Minified, as the browser build's vega chunk is: 0.9 MB in the package instead of 1.7 MB, and
  // it loads no slower; function names kept, so a stack trace through it still reads.
  minify: true, keepNames: true,
  legalComments: 'eof', logLevel: 'warning', metafile: true,
  banner: { js: `// vega, vega-lite and their dependencies in one file, built by scripts/build-chart-library.mjs; their licences: ${basename(outfile, '.js')}.licenses.txt` },
});

// The bundled packages' licences (vega's are BSD-3-Clause, d3's ISC), beside the bundle.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m && !packages.has(m[1])) packages.set(m[1], join(root, m[1]));
}
const notices = [...packages.values()].sort().map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`;
  return `${pkg.name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
writeFileSync(outfile.replace(/\.js$/, '.licenses.txt'), `Packages built into ${basename(outfile)}:\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`);
