// The kernel worker (browser): a module Web Worker that runs the parts of kernel calls KernelThreads hands it, on its own instance over the page's shared memory.
import { runOp, spinWhile, CTL, type AttachMessage } from '../../kernels/wasm/kernel-ops.js';
import { instantiate, type KernelExports } from '../../kernels/wasm/wasm-module.js';

/** The worker global scope, as far as this file uses it (no DOM/WebWorker lib in the project). */
const scope = globalThis as unknown as { onmessage: ((e: { data: unknown }) => void) | null };
type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };

let ctl: Int32Array | null = null;
let args: Float64Array | null = null;
/** Attach messages by arena id (they arrive as messages, so the loop below must yield to take them). */
const arenas = new Map<number, KernelExports>();

scope.onmessage = (e) => {
  const m = e.data as ({ kind: 'channel'; ctl: Int32Array; args: Float64Array } | ({ kind: 'attach' } & AttachMessage));
  if (m.kind === 'channel') { ctl = m.ctl; args = m.args; void serve(); return; }
  arenas.set(m.id, instantiate({ module: m.module, relaxed: m.relaxed }, 0, m.memory).exports);
};

/** Resolves when ctl[at] is no longer `value` (spins first, then Atomics.waitAsync so messages keep flowing). */
async function waitChange(c: Int32Array, at: number, value: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  while (Atomics.load(c, at) === value) {
    if (spinWhile(c, at, value)) return;
    if (waitAsync) { const r = waitAsync(c, at, value, 50); if (r.async) await r.value; }
    else await new Promise((r) => setTimeout(r, 0));
  }
}

/** The request loop: one kernel part per bumped request word, done word bumped after. */
async function serve(): Promise<void> {
  const c = ctl!; const a = args!;
  let seen = 0;
  Atomics.store(c, CTL.ready, 1);
  for (;;) {
    await waitChange(c, CTL.request, seen);
    seen = Atomics.load(c, CTL.request);
    const id = a[0]!;
    while (!arenas.has(id)) await new Promise((r) => setTimeout(r, 0));
    try {
      runOp(arenas.get(id)!, a);
      Atomics.store(c, CTL.failed, 0);
    } catch {
      Atomics.store(c, CTL.failed, 1);
    }
    Atomics.store(c, CTL.done, seen);
    Atomics.notify(c, CTL.done);
  }
}
