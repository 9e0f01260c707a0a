// Installs the browser platform: fetches the kernel .wasm files (by URL beside this module), then sets the kernel host; no files, no trial threads.
import { MinibatchError } from '../../core/errors.js';
import { setKernelHost, type KernelFile } from '../../kernels/host.js';
import { browserKernelHost, type BrowserOptions } from './kernel-host.js';

export type { BrowserOptions } from './kernel-host.js';

const FILES: readonly KernelFile[] = ['kernels-simd.wasm', 'kernels-relaxed.wasm'];

let installing: Promise<void> | undefined;

/**
 * Makes the WASM kernels available: fetches kernels-simd.wasm and kernels-relaxed.wasm from
 * `options.baseUrl` (default: the folder of this module), then installs the browser kernel host.
 * Until it resolves (or when it was never called) training uses the JS kernels; the bits are the
 * same either way for a given backend. Calling it again returns the same promise.
 */
export function ready(options: BrowserOptions = {}): Promise<void> {
  installing ??= install(options).catch((e: unknown) => { installing = undefined; throw e; });
  return installing;
}

async function install(options: BrowserOptions): Promise<void> {
  const base = new URL(options.baseUrl ?? './', import.meta.url);
  const bytes = new Map<KernelFile, Uint8Array>();
  await Promise.all(FILES.map(async (file) => {
    const url = new URL(file, base);
    let res: Response;
    try { res = await fetch(url); } catch (e) {
      throw new MinibatchError('NOT_FOUND', `could not fetch ${url.href} (${(e as Error).message}); serve the .wasm files beside minibatch.js or pass ready({ baseUrl })`, { cause: e });
    }
    if (!res.ok) throw new MinibatchError('NOT_FOUND', `fetching ${url.href} gave HTTP ${res.status}; serve the .wasm files beside minibatch.js or pass ready({ baseUrl })`);
    bytes.set(file, new Uint8Array(await res.arrayBuffer()));
  }));
  setKernelHost(browserKernelHost(bytes, new URL('kernel-worker.js', base), options));
}
