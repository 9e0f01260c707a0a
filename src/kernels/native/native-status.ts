// The native kernels of this thread: loaded once through the kernel host's loadNative hook, or the reason they are not used.
import { kernelHost, type NativeStatus } from '../host.js';
import type { NativeInfo } from './native-addon.js';
import { NativeBackend } from './native-backend.js';
import type { NativeKernels } from './native-kernels.js';

let status: NativeStatus | undefined;

/**
 * The native addon as this thread loaded it, tried once on first use through the installed
 * kernel host (src/platform/node/ on Node). Without a host, or on a platform without a
 * loader (a browser), not loaded and nothing to tell (`chosen`).
 */
export function nativeStatus(): NativeStatus {
  if (status) return status;
  const host = kernelHost();
  if (!host) return { ok: false, reason: 'no platform installed', chosen: true }; // tried again once one is
  return (status = host.loadNative ? host.loadNative() : { ok: false, reason: 'this platform has no native kernels', chosen: true });
}

/** The native kernels, or null when they are not built, fail to load or are switched off ({@link nativeStatus} says why). */
export function nativeKernels(): NativeKernels | null {
  const s = nativeStatus();
  return s.ok ? s.kernels : null;
}

/** Which CPU path and how many threads the native kernels use, or null without them. */
export function nativeInfo(): NativeInfo | null {
  return nativeKernels()?.info() ?? null;
}

/** A Backend on the native kernels alone (every layer), or null without them. */
export function createNativeBackend(): NativeBackend | null {
  const k = nativeKernels();
  return k === null ? null : new NativeBackend(k);
}

/**
 * The line to tell a user once when the native kernels were expected but are not there (not
 * built, failed to load), or null: when they loaded, or when the user switched them off.
 */
export function nativeNotice(): string | null {
  const s = nativeStatus();
  return s.ok || s.chosen ? null : `minibatch: ${s.reason}; the WASM kernels are used instead.`;
}
