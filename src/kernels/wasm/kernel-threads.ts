// KernelThreads: the process's kernel worker threads and the handshake that hands each one part of a kernel call.
import { MinibatchError } from '../../core/errors.js';
import { kernelHost, type KernelHelper } from '../host.js';
import { ARG_SLOTS, CTL, CTL_WORDS, spinWhile, type AttachMessage } from './kernel-ops.js';
import type { WasmKernels } from './wasm-module.js';

/** False once Atomics.wait has refused to block on this thread (a browser page's main thread). */
let canBlock = true;

interface Helper {
  link: KernelHelper;
  ctl: Int32Array;
  args: Float64Array;
  seq: number;
  /** The arena id whose memory this helper has instantiated over (-1: none). */
  arena: number;
}

/** What a helper needs to run kernels over an arena's memory. */
export interface ArenaHandle { readonly id: number; readonly memory: WebAssembly.Memory; readonly module: WasmKernels }

/**
 * Worker threads that each run one part of a split kernel call (see SplitKernels) over the
 * caller's shared memory. A call: the caller writes the part's arguments into the helper's
 * float64 slots, bumps its request word and wakes it, runs its own part, then waits on the done
 * word. Both sides spin for 0.3 ms before blocking in Atomics.wait, so
 * back-to-back calls within a training step hand over in well under a microsecond. Helpers
 * start in the background; until one reports ready the caller runs every part itself (the
 * result is the same bits either way). They never keep the process alive. The threads come
 * from the kernel host (none without one, or on a platform without threads).
 */
export class KernelThreads {
  private readonly helpers: Helper[] = [];
  /** Parts handed to helpers so far (for tests and the benchmark). */
  started = 0;

  private constructor(count: number) {
    const host = kernelHost();
    // No shared memory (a browser page that is not cross-origin isolated): no helpers, one thread.
    const canShare = typeof SharedArrayBuffer === 'function';
    for (let h = 0; h < count && host && canShare; h++) {
      const ctl = new Int32Array(new SharedArrayBuffer(4 * CTL_WORDS));
      const args = new Float64Array(new SharedArrayBuffer(8 * ARG_SLOTS));
      const link = host.spawnHelper({ ctl, args }, () => { Atomics.store(ctl, CTL.ready, 0); });
      if (!link) break;
      this.helpers.push({ link, ctl, args, seq: 0, arena: -1 });
    }
  }

  /** Number of helper threads (threads - 1). */
  get count(): number { return this.helpers.length; }

  /** The argument slots of helper h: [2..] are the kernel's arguments. */
  args(h: number): Float64Array { return this.helpers[h]!.args; }

  /** Whether helper h is up (else the caller runs that part itself). */
  ready(h: number): boolean { return Atomics.load(this.helpers[h]!.ctl, CTL.ready) === 1; }

  /** Starts op `op` with the arguments already written to `args(h)`, over `arena`'s memory. */
  start(h: number, arena: ArenaHandle, op: number): void {
    const s = this.helpers[h]!;
    if (s.arena !== arena.id) {
      const msg: AttachMessage = { id: arena.id, memory: arena.memory, module: arena.module.module, relaxed: arena.module.relaxed };
      s.link.attach(msg); s.arena = arena.id;
    }
    s.args[0] = arena.id; s.args[1] = op;
    s.seq = (s.seq + 1) & 0x3fffffff; this.started++;
    Atomics.store(s.ctl, CTL.request, s.seq);
    Atomics.notify(s.ctl, CTL.request, 1);
  }

  /** Waits for helper h's part to finish. */
  finish(h: number): void {
    const s = this.helpers[h]!; const ctl = s.ctl;
    for (;;) {
      const done = Atomics.load(ctl, CTL.done);
      if (done === s.seq) break;
      if (!spinWhile(ctl, CTL.done, done) && canBlock) {
        // A browser page's main thread may not block: it keeps spinning instead.
        try { Atomics.wait(ctl, CTL.done, done, 1000); } catch { canBlock = false; }
      }
    }
    if (Atomics.load(ctl, CTL.failed) === 1) throw new MinibatchError('KERNEL_THREAD', 'a kernel worker thread failed; run with MINIBATCH_THREADS=1 to train on one thread');
  }

  /** Resolves true once every helper is up (false after `timeoutMs`): for tests and the benchmark. */
  async whenReady(timeoutMs = 10000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.helpers.every((_, h) => this.ready(h))) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  private static instance: KernelThreads | undefined;

  /** The process's helpers, started on first use: `threads - 1` of them. */
  static shared(threads: number): KernelThreads {
    const want = Math.max(0, threads - 1);
    if (!KernelThreads.instance || (KernelThreads.instance.count < want && kernelHost())) KernelThreads.instance = new KernelThreads(want);
    return KernelThreads.instance;
  }
}

/**
 * How many threads a model's kernels use by default: MINIBATCH_THREADS when set (1 turns
 * splitting off), else 1 off the main thread (the sweeps already run one trial per core in
 * worker threads) and up to 4 on it, as many as the machine has cores; 1 without a kernel host.
 */
export function defaultThreads(): number {
  const host = kernelHost();
  if (!host) return 1;
  const env = host.settings.threads;
  if (env !== undefined && env !== '') {
    const t = Number(env);
    if (!Number.isInteger(t) || t < 1 || t > 64) throw new MinibatchError('BAD_ARGUMENT', `MINIBATCH_THREADS must be an integer from 1 to 64, got '${env}'; unset it to use the default`);
    return t;
  }
  return host.isMainThread ? Math.min(4, host.cores) : 1;
}
