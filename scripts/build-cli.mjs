// Builds dist/cli/: the minibatch command and the scripts of its threads (trial, kernel and report workers) bundled by esbuild from dist/src, with their shared code in chunks beside them.
//
// Node resolves and compiles each ES module on its own: the command loads about 250 of
// dist/src's modules and each trial worker about 150, some 0.15 s of CPU per thread (bench/
// README.md, round eight). Here they are a few files. The packages stay imports of
// node_modules (they are the package's dependencies), and the files the code reads at run time
// (.wasm kernels, the playground, the chart libraries' build) stay in dist/src: modules find them
// through src/platform/node/entries.ts, which the `define` below tells it runs from this build.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
const { NODE_ENTRIES } = await import(new URL('../dist/src/platform/node/entries.js', import.meta.url).href);

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(NODE_ENTRIES).map(([name, path]) => [name, `${root}dist/src/${path}`])),
  outdir,
  // One directory: entries.ts finds the entry scripts beside whichever chunk it lands in.
  chunkNames: '[name]-[hash]',
  bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
  packages: 'external',
  define: { MINIBATCH_CLI_BUILD: 'true' },
  logLevel: 'warning',
});
