// Preloaded into a measured child process (node --import): prints its peak resident set size at exit, marked for bench/memory.ts.

/** The line prefix bench/memory.ts looks for on stderr. */
export const MEMORY_MARK = 'MINIBATCH_MAX_RSS_KB=';

/** Set in the measured child's environment (bench/memory.ts imports this module for the mark only). */
export const MEMORY_ENV = 'MINIBATCH_MEMORY_PROBE';

// maxRSS covers the whole process (every worker thread's heap and WASM memory), in kilobytes.
if (process.env[MEMORY_ENV] === '1') process.on('exit', () => { process.stderr.write(`\n${MEMORY_MARK}${process.resourceUsage().maxRSS}\n`); });
