// The playground's drawings: learning curves as inline SVG and the decision boundary as a canvas heat map.
import type { PlayData } from './data.js';
import type { PlayRun } from './runs.js';

const NS = 'http://www.w3.org/2000/svg';
type XKey = 'epoch' | 'updates' | 'trainSeconds';
const X_TITLE: Record<XKey, string> = { epoch: 'epochs', updates: 'updates', trainSeconds: 'seconds of training' };

function el(name: string, attrs: Record<string, string | number>, parent: Element): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

function fmt(v: number): string { return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : String(+v.toPrecision(3)); }

/** Validation loss of the three runs against `xKey`; the y range ends at the highest loss after the first evaluation. */
export function drawCurves(box: HTMLElement, runs: readonly PlayRun[], xKey: XKey, logX: boolean): void {
  // Drawn at the box's own width (up to 720) so its labels stay 12-13 px on a phone.
  const W = Math.round(Math.min(720, Math.max(320, box.clientWidth || 720))); const H = W < 500 ? 240 : 300;
  const L = 56; const R = 12; const T = 10; const B = 40;
  let xmax = 0; let lo = Infinity; let hi = 0;
  for (const r of runs) {
    r.runner.result().points.forEach((p, i) => {
      xmax = Math.max(xmax, p[xKey]);
      if (Number.isFinite(p.valLoss)) { lo = Math.min(lo, p.valLoss); if (i > 0 || hi === 0) hi = Math.max(hi, p.valLoss); }
    });
  }
  if (!(xmax > 0)) xmax = 1;
  if (!(hi > lo)) { lo = Number.isFinite(lo) ? lo : 0; hi = lo + 1; }
  const x0 = logX ? Math.log10(Math.max(1e-9, xmax) / 1000) : 0;
  const tx = (v: number): number => (logX ? Math.log10(Math.max(v, 10 ** x0)) : v);
  const sx = (v: number): number => L + (W - L - R) * (tx(v) - x0) / (tx(xmax) - x0);
  const sy = (v: number): number => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  box.textContent = '';
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'validation loss of the three runs' }, box);
  el('rect', { x: L, y: T, width: W - L - R, height: H - T - B }, el('clipPath', { id: 'plot-clip' }, el('defs', {}, svg)));
  for (let i = 0; i <= 4; i++) {
    const yv = lo + (hi - lo) * i / 4;
    el('line', { x1: L, x2: W - R, y1: sy(yv), y2: sy(yv), stroke: '#eee' }, svg);
    el('text', { x: L - 6, y: sy(yv) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#555' }, svg).textContent = fmt(yv);
    const xv = logX ? 10 ** (x0 + (tx(xmax) - x0) * i / 4) : xmax * i / 4;
    el('text', { x: sx(xv), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 12, fill: '#555' }, svg).textContent = fmt(xv);
  }
  el('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 13 }, svg).textContent = X_TITLE[xKey] + (logX ? ' (log scale)' : '');
  el('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 14 ${(T + H - B) / 2})` }, svg).textContent = 'validation loss';
  const g = el('g', { 'clip-path': 'url(#plot-clip)' }, svg);
  for (const r of runs) {
    const pts = r.runner.result().points.filter((p) => Number.isFinite(p.valLoss) && (!logX || p[xKey] > 0));
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p[xKey]).toFixed(1)} ${sy(p.valLoss).toFixed(1)}`).join(' ');
    if (d) el('path', { d, fill: 'none', stroke: r.color, 'stroke-width': 2, 'data-run': r.batchSize }, g);
  }
}

const CLASS_RGB: Array<[number, number, number]> = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189]];
const GRID = 48;

/** Paints the model's prediction over the data's bounding box (2-D data only), then the training points. */
export function drawBoundary(canvas: HTMLCanvasElement, run: PlayRun, d: PlayData): void {
  const ctx = canvas.getContext('2d'); if (!ctx) return;
  const { x, y, length } = d.train;
  let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
  for (let i = 0; i < length; i++) { x0 = Math.min(x0, x[2 * i]!); x1 = Math.max(x1, x[2 * i]!); y0 = Math.min(y0, x[2 * i + 1]!); y1 = Math.max(y1, x[2 * i + 1]!); }
  const padX = (x1 - x0) * 0.08; const padY = (y1 - y0) * 0.08; x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
  const grid = new Float32Array(GRID * GRID * 2);
  for (let j = 0; j < GRID; j++) for (let i = 0; i < GRID; i++) {
    grid[2 * (j * GRID + i)] = x0 + (x1 - x0) * (i + 0.5) / GRID; grid[2 * (j * GRID + i) + 1] = y1 - (y1 - y0) * (j + 0.5) / GRID;
  }
  const out = run.model.predict(grid); const k = run.model.outputs;
  let vlo = Infinity; let vhi = -Infinity;
  if (d.classes === undefined) for (let i = 0; i < length; i++) { vlo = Math.min(vlo, y[i]!); vhi = Math.max(vhi, y[i]!); }
  const size = canvas.width; const cell = size / GRID;
  for (let c = 0; c < GRID * GRID; c++) {
    ctx.fillStyle = cellColour(out, c, k, d.classes, vlo, vhi);
    ctx.fillRect((c % GRID) * cell, Math.floor(c / GRID) * cell, cell + 1, cell + 1);
  }
  for (let i = 0; i < length; i++) {
    const px = (x[2 * i]! - x0) / (x1 - x0) * size; const py = (y1 - x[2 * i + 1]!) / (y1 - y0) * size;
    const rgb = d.classes === undefined ? valueRgb((y[i]! - vlo) / (vhi - vlo || 1)) : CLASS_RGB[y[i]! % CLASS_RGB.length]!;
    ctx.beginPath(); ctx.arc(px, py, size / 90, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${rgb.join(',')})`; ctx.fill(); ctx.strokeStyle = '#fff'; ctx.lineWidth = 1; ctx.stroke();
  }
}

function cellColour(out: Float32Array, c: number, k: number, classes: number | undefined, vlo: number, vhi: number): string {
  if (classes === undefined) return onWhite(valueRgb((out[c]! - vlo) / (vhi - vlo || 1)), 0.45);
  let best = 0; let p = out[c * k]!;
  if (k === 1) { best = p >= 0.5 ? 1 : 0; p = Math.max(p, 1 - p); }
  else for (let j = 1; j < k; j++) if (out[c * k + j]! > p) { p = out[c * k + j]!; best = j; }
  return onWhite(CLASS_RGB[best % CLASS_RGB.length]!, 0.08 + 0.5 * Math.max(0, (p - 1 / Math.max(2, k)) / (1 - 1 / Math.max(2, k))));
}

/** The opaque colour of `rgb` at opacity `a` over white (overlapping cells then show no seams). */
function onWhite(rgb: readonly number[], a: number): string {
  return `rgb(${rgb.map((v) => Math.round(255 + (v - 255) * a)).join(',')})`;
}

function valueRgb(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  return [Math.round(40 + 200 * u), Math.round(90 + 40 * (1 - Math.abs(2 * u - 1))), Math.round(220 - 190 * u)];
}
