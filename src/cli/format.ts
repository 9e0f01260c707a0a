// Number and metric formatting for terminal output.
import type { Metrics } from '../train/metrics.js';

/** 4 significant digits, exponent form for very small or large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

/** accuracy as a percentage, errors as numbers. */
export function formatMetrics(m: Metrics): Record<string, string> {
  const out: Record<string, string> = {};
  if (m.accuracy !== undefined) out.acc = `${(100 * m.accuracy).toFixed(1)}%`;
  if (m.mse !== undefined) out.mse = formatNumber(m.mse);
  if (m.mae !== undefined) out.mae = formatNumber(m.mae);
  return out;
}

/** One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted. */
export function csvLine(fields: Array<string | number>): string {
  return fields.map((f) => {
    const s = typeof f === 'number' ? String(f) : inertCell(f);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}

/**
 * A text cell a spreadsheet will not run as a formula (OWASP, CSV injection): text starting
 * with = + - @, a tab or a carriage return gets a leading single quote. A cell that is a plain
 * number ("-1", "+2.5e3", a class label such as -1) stays as it is: it is a number, not a formula.
 */
export function inertCell(s: string): string {
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
