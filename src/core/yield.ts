// yieldToEventLoop: lets timers, I/O and abort signals run between epochs; the platform may install a cheaper one (Node: setImmediate), the default is a MessageChannel task (no 4 ms timer clamp).

let installed: (() => Promise<void>) | undefined;

/** Installs the platform's yield (src/platform/node/install.ts installs setImmediate's). */
export function setYieldToEventLoop(f: (() => Promise<void>) | undefined): void { installed = f; }

let channel: InstanceType<typeof MessageChannel> | undefined;
const waiting: Array<() => void> = [];

/** One reused MessageChannel: each posted message resolves the oldest waiting yield. */
function messageYield(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    // onmessage (typed here as in the DOM: Node's typings lack it) starts the port.
    const port = channel.port1 as unknown as { onmessage: () => void; ref?: () => void; unref?: () => void };
    port.onmessage = () => { waiting.shift()?.(); if (waiting.length === 0) port.unref?.(); };
  }
  // Where ports can be ref'd (Node without its platform installed), the channel keeps the process alive while a yield waits, and only then.
  const c = channel; (c.port1 as unknown as { ref?: () => void }).ref?.();
  return new Promise((resolve) => { waiting.push(resolve); c.port2.postMessage(null); });
}

/**
 * Resolves after one macrotask: pending timers, messages and abort events get their turn. The
 * platform's yield when one is installed, else a task on a MessageChannel kept for the page's
 * lifetime (browsers; in Node the platform installs setImmediate, which keeps nothing alive).
 */
export function yieldToEventLoop(): Promise<void> {
  return installed ? installed() : messageYield();
}
