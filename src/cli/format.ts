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
    const s = String(f);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}
