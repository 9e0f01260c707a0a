// Text formatting for the report: HTML escaping, stable number formatting, batch-size labels.

/** Escapes the five characters that are special in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return neutraliseBidi(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A number in short human form with `digits` significant digits, the same on every machine
 * (toPrecision and toExponential are exactly specified). Every non-finite value (NaN,
 * Infinity, -Infinity) prints as an em dash, so a result whose infinities became `null` in
 * JSON renders byte-identically to the original.
 */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '\u2014';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
    const [m = '', e = ''] = v.toExponential(digits - 1).split('e');
    return `${trimZeros(m)}e${e.replace('+', '')}`;
  }
  return String(Number(v.toPrecision(digits)));
}

function trimZeros(mantissa: string): string {
  return mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
}

/** A whole number with thin thousands separators: 12345 -> "12,345". */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return '\u2014';
  const s = String(Math.round(Math.abs(v)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return v < 0 ? `-${grouped}` : grouped;
}

/** Seconds as "0.42 s", "12.3 s" or "3 min 5 s". */
export function formatSeconds(v: number): string {
  if (!Number.isFinite(v)) return '\u2014';
  if (v < 120) return `${formatNumber(v)} s`;
  const m = Math.floor(v / 60);
  return `${m} min ${Math.round(v - 60 * m)} s`;
}

/**
 * "mean ± sd" with the mean rounded to the sd's precision (one significant digit of sd, two
 * when it starts with 1): 0.30912 ± 0.00021 -> "0.3091 ± 0.0002". The mean alone when sd is 0
 * or not finite; 3-significant-digit forms when the precision would need over 6 decimals.
 */
export function formatMeanSd(mean: number, sd: number, digits = 3): string {
  if (!Number.isFinite(mean)) return '\u2014';
  if (!Number.isFinite(sd) || sd <= 0) return formatNumber(mean, digits);
  const first = Math.floor(Math.log10(sd));
  const decimals = -(first - (sd / 10 ** first < 2 ? 1 : 0));
  if (decimals < 0 || decimals > 6 || Math.abs(mean) >= 1e6) return `${formatNumber(mean, digits)} \u00b1 ${formatNumber(sd, 2)}`;
  return `${mean.toFixed(decimals)} \u00b1 ${sd.toFixed(decimals)}`;
}

/** The label a batch size goes by in legends and tables: "32", or "full (768)" for full batch. */
export function batchLabel(batchSize: number, requested: number | 'full'): string {
  return requested === 'full' ? `full (${batchSize})` : String(batchSize);
}

/** Bidirectional embedding, override and isolate controls (U+202A-202E, U+2066-2069). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text with every bidirectional control replaced by a visible `[U+202E]`-style tag, so a label
 * cannot reorder what the report shows around it (display spoofing, "Trojan Source").
 */
export function neutraliseBidi(text: string): string {
  return text.replace(BIDI, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
}

/**
 * A deep copy of a JSON-like value with neutraliseBidi applied to every string in it. Objects
 * are always copied (charts may hand them to Vega, which tags the objects it ingests); an array
 * that holds only numbers, booleans and nulls (a run's final weights: thousands of numbers) is
 * the same array, since there is nothing in it to neutralise or tag.
 */
export function neutraliseBidiDeep<T>(value: T): T {
  if (typeof value === 'string') return neutraliseBidi(value) as T;
  if (Array.isArray(value)) return (value.every(isPlainScalar) ? value : value.map((v: unknown) => neutraliseBidiDeep(v))) as T;
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    // defineProperty, not assignment: a '__proto__' key in a loaded results.json stays plain data.
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: neutraliseBidiDeep(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** A value neutraliseBidiDeep leaves as it is: a number, boolean, null or undefined. */
function isPlainScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean';
}
