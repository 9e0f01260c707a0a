// yieldToEventLoop: lets timers, I/O and abort signals run between epochs, in Node and in browsers (a MessageChannel task, no 4 ms timer clamp).

/**
 * Resolves after one macrotask: pending timers, messages and abort events get their turn. A fresh
 * MessageChannel per call (closed once used), so nothing keeps a Node process alive afterwards.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    // onmessage (typed here as in the DOM: Node's typings lack it) starts the port in both runtimes.
    (port1 as unknown as { onmessage: () => void }).onmessage = () => { port1.close(); resolve(); };
    port2.postMessage(null);
    port2.close();
  });
}
