// Loads the report's chart libraries in Node: the single-file build of vega and vega-lite that `npm run build` writes beside this module, else their packages.
import { existsSync } from 'node:fs';
import { MinibatchError } from '../../core/errors.js';
import { srcUrl } from './entries.js';
import { loadVegaPackages, setVegaLoader, type VegaLibrary } from '../../report/render-svg.js';

/** The single-file build (ESM) written by scripts/build-chart-library.mjs; not in the sources, so imported by URL. */
export const CHART_LIBRARY_BUNDLE = srcUrl('platform/node/chart-library-bundle.js');

/** Where {@link loadChartLibrary} takes the libraries from. */
export type ChartLibrarySource = 'bundle' | 'packages';

/** 'bundle' when the single-file build is present (as after `npm ci`), else 'packages'. */
export function chartLibrarySource(): ChartLibrarySource {
  return existsSync(CHART_LIBRARY_BUNDLE) ? 'bundle' : 'packages';
}

/**
 * vega and vega-lite for the report. The packages are about 200 ES modules, which Node takes
 * about 0.25 s of CPU to resolve and compile; the same code built into one file by esbuild
 * loads in about 0.1 s (bench/README.md, round eight). The build draws the same SVG bytes (a
 * test renders the report's charts both ways); it never uses the optional node-canvas package
 * for text widths, which the report estimates anyway. Without the file (e.g. a build that
 * skipped it), the packages are imported.
 */
export async function loadChartLibrary(from: ChartLibrarySource = chartLibrarySource()): Promise<VegaLibrary> {
  if (from === 'packages') return loadVegaPackages();
  const lib = (await import(CHART_LIBRARY_BUNDLE.href)) as Partial<VegaLibrary>;
  if (!lib.vega || typeof lib.compile !== 'function') throw new MinibatchError('NOT_FOUND', `${CHART_LIBRARY_BUNDLE.pathname} does not export vega and compile, as the chart libraries' build does; rebuild it with 'npm run build:chart-library'`);
  return { vega: lib.vega, compile: lib.compile };
}

/** Makes the report load its chart libraries with {@link loadChartLibrary} (the Node platform's install, and the report worker, which installs nothing else). */
export function installChartLibrary(): void {
  setVegaLoader(() => loadChartLibrary());
}
