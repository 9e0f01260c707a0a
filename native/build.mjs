// The package's install step: builds the native kernels with node-gyp when a compiler is there; otherwise prints one line and exits 0 (the WASM kernels are used).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'build', 'native-build.log');

/** node-gyp: the one npm runs scripts with (npm_config_node_gyp), else npm's bundled copy next to this node, else `node-gyp` on PATH. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

/**
 * Node's own headers, so nothing is downloaded: npm's `nodedir` setting when given, else the
 * include/node next to this node binary (Debian's nodejs and the official tarballs ship them).
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function main() {
  if (process.env.MINIBATCH_SKIP_NATIVE === '1') {
    console.log('minibatch: MINIBATCH_SKIP_NATIVE=1, native kernels not built; the WASM kernels will be used.');
    return;
  }
  const [cmd, ...pre] = nodeGyp();
  const r = spawnSync(cmd, [...pre, 'rebuild', ...nodedirArgs()], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, output);
  if (r.status === 0 && existsSync(join(root, 'build', 'Release', 'minibatch_native.node'))) return;
  const why = r.error ? `node-gyp could not run (${r.error.message})` : `node-gyp exited with ${r.status}`;
  console.log(`minibatch: native kernels not built (${why}; see build/native-build.log); the WASM kernels will be used.`);
}

main();
