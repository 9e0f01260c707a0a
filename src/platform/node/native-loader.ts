// The Node native loader: finds the compiled addon (build/Release/minibatch_native.node under the package root) and loads it, honouring MINIBATCH_BACKEND and MINIBATCH_NATIVE_ISA.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MinibatchError } from '../../core/errors.js';
import type { NativeStatus } from '../../kernels/host.js';
import type { NativeAddon, NativeIsa } from '../../kernels/native/native-addon.js';
import { NativeKernels } from '../../kernels/native/native-kernels.js';
import { defaultThreads } from '../../kernels/wasm/kernel-threads.js';
import { srcUrl } from './entries.js';

/** Where node-gyp puts the addon, relative to the package root. */
export const ADDON_PATH = join('build', 'Release', 'minibatch_native.node');

export interface LoadNativeOptions {
  /** The environment to read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The .node file (default: {@link ADDON_PATH} under the package root found from this file). */
  path?: string;
}

const ISAS: readonly string[] = ['auto', 'avx512', 'avx2', 'portable'];

/** The package root: the nearest directory above this module's place in dist/src (also when it runs from dist/cli's build) with a package.json and a binding.gyp. */
function packageRoot(): string | null {
  let dir = fileURLToPath(srcUrl('platform/node/'));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Loads the addon afresh (no caching: the kernel host's `loadNative` hook calls this and
 * src/kernels/native/native-status.ts caches it per thread). Not loaded, with the reason:
 * when MINIBATCH_BACKEND is set to anything but 'native' or 'auto' (e.g. 'wasm', which keeps
 * runs bit-identical with browsers), when the file is missing (no compiler at install) or when
 * it fails to load. Then MINIBATCH_NATIVE_ISA ('auto', 'avx512', 'avx2', 'portable') forces a
 * path and MINIBATCH_THREADS (else up to 4 on the main thread, 1 in a worker) sets the threads.
 */
export function loadNative(options: LoadNativeOptions = {}): NativeStatus {
  const env = options.env ?? process.env;
  const backend = env['MINIBATCH_BACKEND'];
  if (backend !== undefined && backend !== '' && backend !== 'native' && backend !== 'auto') {
    return { ok: false, reason: `MINIBATCH_BACKEND=${backend}: the native kernels are not used`, chosen: true };
  }
  const root = options.path === undefined ? packageRoot() : null;
  const path = options.path ?? (root === null ? null : join(root, ADDON_PATH));
  if (path === null) return { ok: false, chosen: false, reason: 'native kernels not found: no package root (package.json with binding.gyp) above this module' };
  if (!existsSync(path)) {
    return { ok: false, chosen: false, reason: `native kernels not built (${path} is missing: the install step found no C++ compiler or node-gyp failed; see build/native-build.log, or run npm run build:native)` };
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(srcUrl('platform/node/native-loader.js'))(path) as NativeAddon;
  } catch (e) {
    return { ok: false, chosen: false, reason: `native kernels failed to load from ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const isa = env['MINIBATCH_NATIVE_ISA'];
  if (isa !== undefined && isa !== '') {
    if (!ISAS.includes(isa)) throw new MinibatchError('BAD_ARGUMENT', `MINIBATCH_NATIVE_ISA must be one of ${ISAS.join(', ')}, got '${isa}'; unset it to use the best this CPU supports`);
    const supported = addon.info().supported;
    if (isa !== 'auto' && !supported.includes(isa as NativeIsa)) {
      throw new MinibatchError('BAD_ARGUMENT', `MINIBATCH_NATIVE_ISA=${isa} is not supported by this CPU (it supports ${supported.join(', ')}); unset it or pick one of those`);
    }
    addon.setIsa(isa as NativeIsa | 'auto');
  }
  addon.setThreads(defaultThreads());
  return { ok: true, kernels: new NativeKernels(addon), path };
}
