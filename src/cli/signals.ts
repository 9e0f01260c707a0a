// Ctrl-C and SIGTERM cancel a sweep cleanly: what finished is kept and reported.
/** An AbortSignal raised by the first SIGINT or SIGTERM; a second one exits at once. */
export function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(`\nminibatch: ${sig} received; finishing with the trials done so far (press Ctrl-C again to quit at once)\n`);
    ctl.abort();
  };
  process.on('SIGINT', handler); process.on('SIGTERM', handler);
  return { signal: ctl.signal, dispose() { process.off('SIGINT', handler); process.off('SIGTERM', handler); } };
}
