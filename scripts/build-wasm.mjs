// Builds the WASM kernels (dist/src/kernels/wasm/kernels-{simd,relaxed}.wasm) from assembly/ with AssemblyScript's compiler; an output newer than every source is kept (`--force` rebuilds).
import { existsSync, readdirSync, statSync } from 'node:fs';
import asc from 'assemblyscript/asc';

const root = new URL('../', import.meta.url);
const sources = readdirSync(new URL('assembly/', root)).map((f) => new URL(`assembly/${f}`, root));
const newestSource = Math.max(...sources.map((u) => statSync(u).mtimeMs), statSync(new URL('scripts/build-wasm.mjs', root)).mtimeMs);
const common = ['assembly/kernels.ts', '-O3', '--runtime', 'stub', '--noAssert', '--importMemory', '--sharedMemory',
  '--initialMemory', '1', '--maximumMemory', '65536', '--enable', 'simd', '--enable', 'threads'];
const targets = [
  { out: 'dist/src/kernels/wasm/kernels-simd.wasm', extra: [] },
  { out: 'dist/src/kernels/wasm/kernels-relaxed.wasm', extra: ['--enable', 'relaxed-simd'] },
];
const force = process.argv.includes('--force');
process.chdir(new URL('.', root).pathname);
for (const { out, extra } of targets) {
  if (!force && existsSync(out) && statSync(out).mtimeMs > newestSource) continue;
  const { error, stderr } = await asc.main([...common, ...extra, '-o', out]);
  if (error) {
    process.stderr.write(stderr.toString());
    process.stderr.write(`build:wasm: ${out} failed: ${error.message}\n`);
    process.exit(1);
  }
}
