// Parsers for command-line values (numbers and fixed choices), with messages that name the option.
import { UsageError } from './run-command.js';

/** A whole number in [min, max] (max default 10^9); the message gives the whole range. */
export function parseIntArg(name: string, s: string, min: number, max = 1_000_000_000): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s.trim()) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got '${s}'`);
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

/** One of a fixed list of words; the message lists them ("one of a, b, c, d" or "a, b or c"). */
export function parseChoice<T extends string>(name: string, s: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(s)) return s as T;
  const list = allowed.length > 3 ? `one of ${allowed.join(', ')}` : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  throw new UsageError(`${name} must be ${list}, got '${s}'`);
}
