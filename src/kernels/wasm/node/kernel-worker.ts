// The kernel worker thread (Node): runs the parts of kernel calls that KernelThreads hands it, on its own instance over the caller's shared memory.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { runOp, spinWhile, CTL, type AttachMessage, type ThreadChannel } from '../kernel-ops.js';
import { instantiate, type KernelExports } from '../wasm-module.js';

const { ctl, args, port } = workerData as ThreadChannel & { port: MessagePort };
let kernels: KernelExports | null = null;
let attached = -1;

/** Takes the memory and module of arena `id` from the port (posted before the request that needs them). */
function attach(id: number): KernelExports {
  for (;;) {
    const msg = receiveMessageOnPort(port);
    if (!msg) { Atomics.wait(ctl, CTL.spare, 0, 1); continue; }
    const m = msg.message as AttachMessage;
    if (m.id !== id) continue;
    attached = id;
    return (kernels = instantiate({ module: m.module, relaxed: m.relaxed }, 0, m.memory).exports);
  }
}

let seen = 0;
Atomics.store(ctl, CTL.ready, 1);
for (;;) {
  while (!spinWhile(ctl, CTL.request, seen)) Atomics.wait(ctl, CTL.request, seen);
  seen = Atomics.load(ctl, CTL.request);
  try {
    const id = args[0]!;
    runOp(id === attached && kernels ? kernels : attach(id), args);
    Atomics.store(ctl, CTL.failed, 0);
  } catch {
    Atomics.store(ctl, CTL.failed, 1);
  }
  Atomics.store(ctl, CTL.done, seen);
  Atomics.notify(ctl, CTL.done);
}
