// Vega-Lite spec -> Vega -> SVG string in Node, headless, offline, checked to hold no URL or script.
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { MinibatchError } from '../core/errors.js';

/** The two chart libraries the report draws with: Vega (the runtime and its SVG writer) and Vega-Lite's compiler. */
export interface VegaLibrary {
  vega: typeof Vega;
  compile: typeof import('vega-lite').compile;
}

/**
 * vega and vega-lite from their packages, imported on first use: they are optional peer
 * dependencies (only reports need them). Used where the platform gives no other loader (see
 * {@link setVegaLoader}).
 */
export async function loadVegaPackages(): Promise<VegaLibrary> {
  try {
    const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, compile: vl.compile };
  } catch (e) {
    throw new MinibatchError('NOT_FOUND', `rendering report charts needs the packages vega and vega-lite, which are not installed (${(e as Error).message}); run 'npm install vega@6.4.0 vega-lite@6.4.3'`, { cause: e });
  }
}

let loader: () => Promise<VegaLibrary> = loadVegaPackages;
let loaded: Promise<VegaLibrary> | undefined;

/**
 * Sets how the chart libraries are loaded (the Node platform installs a loader of its
 * single-file build of them, which loads in half the time of the packages' modules); the
 * libraries are loaded once, on the first chart after this call.
 */
export function setVegaLoader(load: () => Promise<VegaLibrary>): void {
  loader = load;
  loaded = undefined;
}

function loadVega(): Promise<VegaLibrary> {
  if (!loaded) {
    const attempt = loader();
    loaded = attempt;
    attempt.catch(() => { if (loaded === attempt) loaded = undefined; });
  }
  return loaded;
}

/**
 * Compiles a Vega-Lite spec to Vega and renders it to an SVG string with the headless
 * `renderer: 'none'` view (text widths are estimated, so no canvas or font files are needed).
 * The view's loader refuses every load (and renderSvg then throws), so a spec can never fetch
 * data or images. The root's xmlns declarations are dropped (inline SVG in HTML needs none,
 * and they are the only URLs Vega writes); element ids (clip paths, gradients, which Vega numbers with a process-wide
 * counter) are renamed `${idPrefix}-0`, `${idPrefix}-1`, ... in order of appearance, so several
 * SVGs can share one page and the same spec always gives the same bytes. The result is checked
 * by {@link assertInertSvg}.
 */
export async function renderSvg(spec: TopLevelSpec, options: RenderSvgOptions = {}): Promise<string> {
  const { vega, compile } = await loadVega();
  const logger = quietLogger(options.onWarning ?? (() => undefined));
  const vgSpec = compile(spec, { logger }).spec;
  const asked: string[] = [];
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', loader: offlineLoader(vega, asked), logger });
  try {
    const svg = await view.toSVG();
    if (asked.length > 0) throw new MinibatchError('BAD_ARGUMENT', `report charts load nothing from outside, but a chart asked for ${asked.join(', ')}; put the data in the spec's values`);
    return assertInertSvg(renameIds(stripNamespaces(svg), options.idPrefix ?? 'chart'));
  } finally {
    view.finalize();
  }
}

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Prefix of the element ids in the SVG (unique per page), default 'chart'. */
  idPrefix?: string;
  /** Receives Vega-Lite's and Vega's warnings (default: dropped; nothing is printed). */
  onWarning?: (message: string) => void;
}

type Logger = NonNullable<NonNullable<Parameters<typeof import('vega-lite').compile>[1]>['logger']>;

/** A logger that prints nothing: warnings go to `onWarning`, info and debug are dropped. */
function quietLogger(onWarning: (message: string) => void): Logger {
  let level = 2;
  const logger: Logger = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error(...args: unknown[]) { onWarning(`error: ${args.map(String).join(' ')}`); return this; },
    warn(...args: unknown[]) { onWarning(args.map(String).join(' ')); return this; },
    info() { return this; },
    debug() { return this; },
  };
  return logger;
}

/** A Vega loader whose every load and sanitize call fails (noting the URI in `asked`): offline. */
function offlineLoader(vega: typeof Vega, asked: string[]): Vega.Loader {
  const refuse = (what: string): Promise<never> => {
    asked.push(what);
    return Promise.reject(new MinibatchError('BAD_ARGUMENT', `report charts load nothing from outside, but a chart asked for ${what}`));
  };
  const loader = vega.loader();
  loader.load = (uri: string) => refuse(uri);
  loader.sanitize = (uri: string) => refuse(uri);
  return loader;
}

/** Removes the xmlns / xmlns:xlink attributes of the root element (HTML assigns the namespace). */
function stripNamespaces(svg: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_m, attrs: string) => `<svg${attrs.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')}>`);
}

/** Renames every id="..." and its url(#...) references to prefix-0, prefix-1, ... */
function renameIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  const renamed = svg.replace(/ id="([^"]*)"/g, (_m, id: string) => {
    const next = `${prefix}-${names.size}`;
    names.set(id, next);
    return ` id="${next}"`;
  });
  return renamed.replace(/url\(#([^)]*)\)/g, (m, id: string) => {
    const next = names.get(id);
    return next ? `url(#${next})` : m;
  });
}

const FORBIDDEN_ELEMENTS = /^(script|image|foreignobject|use|a|iframe|style|link|object|embed)$/i;

/**
 * Throws unless `svg` is inert: no script, image, link, foreignObject or style element, no
 * event-handler (`on...`) or `href` attribute, and no URL in any attribute other than a
 * `url(#id)` reference into the same SVG. Text content is not inspected as markup, since Vega escapes `<` and `&` in it.
 * Returns the SVG unchanged.
 */
export function assertInertSvg(svg: string): string {
  for (const tag of svg.matchAll(/<([a-zA-Z][\w:-]*)((?:[^>"]|"[^"]*")*)>/g)) {
    const name = tag[1] ?? '';
    if (FORBIDDEN_ELEMENTS.test(name)) throw unsafe(`a <${name}> element`);
    for (const attr of (tag[2] ?? '').matchAll(/([^\s=/]+)\s*=\s*"([^"]*)"/g)) {
      const key = (attr[1] ?? '').toLowerCase();
      const value = (attr[2] ?? '').toLowerCase();
      if (key.startsWith('on') || key.endsWith('href')) throw unsafe(`the attribute ${key} on <${name}>`);
      if (key !== 'aria-label' && /url\((?!#)|https?:|^\/\/|\s\/\//.test(value)) throw unsafe(`a URL in ${key} on <${name}>`);
    }
  }
  return svg;
}

function unsafe(what: string): MinibatchError {
  return new MinibatchError('BAD_ARGUMENT', `refusing to embed a chart SVG that contains ${what}; charts must be self-contained and inert`);
}
