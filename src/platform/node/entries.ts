// Where the Node side's files are at run time: the compiled tree (dist/src), and the entry scripts of threads and processes, taken from dist/cli's one-directory build (scripts/build-cli.mjs) when this code runs from it.

/** Defined as true by scripts/build-cli.mjs in the build it writes (dist/cli); undeclared elsewhere. */
declare const MINIBATCH_CLI_BUILD: boolean | undefined;

/** This code runs from dist/cli's build (one directory of entries and chunks), not from dist/src. */
export const FROM_CLI_BUILD = typeof MINIBATCH_CLI_BUILD !== 'undefined' && MINIBATCH_CLI_BUILD === true;

/** dist/src/: from dist/src/platform/node/ two levels up, from dist/cli/ its sibling. */
const SRC = new URL(FROM_CLI_BUILD ? '../src/' : '../../', import.meta.url);

/** The Node entry scripts that start a thread or a process, by name, with their paths under dist/src. */
export const NODE_ENTRIES = {
  main: 'cli/main.js',
  'trial-worker': 'experiments/run/node/trial-worker.js',
  'kernel-worker': 'kernels/wasm/node/kernel-worker.js',
  'report-worker': 'cli/report-worker.js',
} as const;

/** The name of a {@link NODE_ENTRIES} script. */
export type NodeEntry = keyof typeof NODE_ENTRIES;

/**
 * A file of the compiled tree by its path under dist/src (e.g. 'kernels/wasm/'): the .wasm
 * kernels, the playground, the chart libraries' build. Modules find their files through this
 * rather than their own import.meta.url, which in dist/cli's build is that of a chunk.
 */
export function srcUrl(path: string): URL {
  return new URL(path, SRC);
}

/**
 * The script a thread or process of `entry` runs: dist/cli/<entry>.js in dist/cli's build
 * (so a worker started from the build is built too), else its module under dist/src.
 */
export function entryUrl(entry: NodeEntry): URL {
  return FROM_CLI_BUILD ? new URL(`./${entry}.js`, import.meta.url) : srcUrl(NODE_ENTRIES[entry]);
}
