// Builds the playground into dist/src/cli/playground/: the page, its script bundled by esbuild from the
// core modules (JS kernels, no WASM), and a 300-digit MNIST subset taken from the mnist package.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}src/cli/playground/`;
const out = `${root}dist/src/cli/playground/`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${src}app.ts`], bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
  minify: true, outfile: `${out}app.js`, logLevel: 'warning', tsconfig: `${src}tsconfig.json`,
});
copyFileSync(`${src}index.html`, `${out}index.html`);

// 30 digits of each class, interleaved 0..9, as 784 pixel bytes each followed by the 300 labels.
const mnist = createRequire(import.meta.url)('mnist');
const per = 30; const n = per * 10; const px = 784;
const bytes = new Uint8Array(n * px + n);
for (let i = 0; i < n; i++) {
  const digit = i % 10; const pixels = mnist[digit].get(Math.floor(i / 10));
  for (let j = 0; j < px; j++) bytes[i * px + j] = Math.round(pixels[j] * 255);
  bytes[n * px + i] = digit;
}
writeFileSync(`${out}mnist-300.bin`, bytes);
