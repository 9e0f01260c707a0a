// The wire format between a caller and a kernel worker: control words, argument slots and the op table both sides share.
import type { KernelExports, WasmKernels } from './wasm-module.js';

/** Indices into the Int32Array control block. */
export const CTL = { request: 0, done: 1, failed: 2, spare: 3, ready: 4 } as const;
/** Int32 words in the control block. */
export const CTL_WORDS = 8;
/** Argument slots (float64): [0] arena id, [1] op code, [2..] the kernel's arguments. */
export const ARG_SLOTS = 18;
/**
 * How long either side spins on the control word before it blocks in Atomics.wait, in ms
 * (0.3 ms): longer than the gaps between split calls within a training step and between steps
 * (the end-of-epoch yield included), since a wake-up from Atomics.wait costs tens of µs.
 */
export const SPIN_MS = 0.3;

/** Spins while ctl[at] === value for up to SPIN_MS; true when it changed. */
export function spinWhile(ctl: Int32Array, at: number, value: number): boolean {
  const until = performance.now() + SPIN_MS;
  for (;;) {
    for (let i = 0; i < 256; i++) if (Atomics.load(ctl, at) !== value) return true;
    if (performance.now() > until) return false;
  }
}

/** The kernels a worker can run, by op code. */
export const OP = { gemm: 1, gemmNT: 2, actBackward: 3, sgdUpdate: 4, adamUpdate: 5, rmspropUpdate: 6 } as const;

/** What a caller shares with one worker. */
export interface ThreadChannel { ctl: Int32Array; args: Float64Array }

/** Posted to a worker before the first request on an arena it has not seen. */
export interface AttachMessage { id: number; memory: WebAssembly.Memory; module: WasmKernels['module']; relaxed: boolean }

/** Runs the call described by `a` ([1] op, [2..] arguments) on `k`. */
export function runOp(k: KernelExports, a: Float64Array): void {
  switch (a[1]) {
    case OP.gemm: k.gemm(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!); return;
    case OP.gemmNT: k.gemmNT(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!); return;
    case OP.actBackward: k.actBackward(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!); return;
    case OP.sgdUpdate: k.sgdUpdate(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!); return;
    case OP.adamUpdate: k.adamUpdate(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!); return;
    case OP.rmspropUpdate: k.rmspropUpdate(a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!); return;
    default: throw new Error(`unknown kernel op ${a[1]}`);
  }
}
