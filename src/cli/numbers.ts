// Parsers for numeric command-line values, with messages that name the option.
import { UsageError } from './run-command.js';

/** A whole number in [min, max]. */
export function parseIntArg(name: string, s: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s.trim()) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` from ${min} to ${max}`}, got '${s}'`);
  }
  return n;
}

/** A finite number in the open or closed range given. */
export function parseNumberArg(name: string, s: string, min: number, max: number, minInclusive = true): number {
  const n = Number(s);
  const ok = s.trim() !== '' && Number.isFinite(n) && (minInclusive ? n >= min : n > min) && n <= max;
  if (!ok) throw new UsageError(`${name} must be a number ${minInclusive ? '>=' : '>'} ${min}${max === Infinity ? '' : ` and <= ${max}`}, got '${s}'`);
  return n;
}
