// Builds dist/browser/: minibatch.js (the browser ES module, minified, no bare imports), kernel-worker.js, lazy chunks (vega) and the .wasm kernels beside them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../', import.meta.url);
const out = new URL('dist/browser/', root);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/**
 * zod's classic API re-exports all of its ~40 message locales (260 KB minified) as `z.locales`;
 * minibatch uses English only (zod installs it itself), so the browser bundle gets just `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (
      /[\\/]zod[\\/]/.test(args.importer) ? { path: new URL('../locales/en.js', `file://${args.importer}`).pathname, namespace: 'zod-locales' } : undefined
    ));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: '/' }));
  },
};

const result = await build({
  entryPoints: {
    minibatch: new URL('dist/src/browser.js', root).pathname,
    'kernel-worker': new URL('dist/src/platform/browser/kernel-worker.js', root).pathname,
  },
  outdir: out.pathname,
  bundle: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022',
  minify: true, legalComments: 'none', chunkNames: 'chunks/[name]-[hash]',
  // csv-parse's Node build uses Buffer; its browser build is the same parser with a shim.
  alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' },
  plugins: [zodEnglishOnly],
  metafile: true, logLevel: 'warning',
});

for (const f of ['kernels-simd.wasm', 'kernels-relaxed.wasm']) {
  copyFileSync(new URL(`dist/src/kernels/wasm/${f}`, root), new URL(f, out));
}

const main = readFileSync(new URL('minibatch.js', out));
const staticImports = result.metafile.outputs[`${out.pathname.replace(process.cwd() + '/', '')}minibatch.js`]?.imports ?? [];
let eager = main.length; let eagerGz = gzipSync(main).length;
for (const i of staticImports.filter((i) => i.kind === 'import-statement')) {
  const b = readFileSync(i.path); eager += b.length; eagerGz += gzipSync(b).length;
}
console.log(`dist/browser/minibatch.js and its static chunks: ${(eager / 1024).toFixed(1)} KiB, ${(eagerGz / 1024).toFixed(1)} KiB gzipped (without .wasm and lazy chunks)`);
