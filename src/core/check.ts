// Argument checks that throw MinibatchError with the value given, the range expected and the fix.
import { MinibatchError, type ErrorCode } from './errors.js';

/** Shows a user's value in a message: strings quoted, everything else as JS would print it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(show).join(', ')}${value.length > 8 ? ', ...' : ''}]`;
  return String(value);
}

/** Requires an integer in [min, max]; `hint` is the fix appended to the message. */
export function checkInt(
  name: string, value: unknown, min: number, max: number, code: ErrorCode = 'BAD_ARGUMENT', hint = '',
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new MinibatchError(code, `${name} must be ${range}, got ${show(value)}${hint ? `. ${hint}` : ''}`);
  }
  return value;
}

/** Requires a finite number with min < value (or <= with `inclusive`) and value <= max. */
export function checkNumber(
  name: string, value: unknown, min: number, max: number,
  opts: { code?: ErrorCode; minInclusive?: boolean; hint?: string } = {},
): number {
  const { code = 'BAD_ARGUMENT', minInclusive = true, hint = '' } = opts;
  const ok = typeof value === 'number' && Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) && value <= max;
  if (!ok) {
    const lo = minInclusive ? `>= ${min}` : `> ${min}`;
    const range = max === Infinity ? `a finite number ${lo}` : `a number ${lo} and <= ${max}`;
    throw new MinibatchError(code, `${name} must be ${range}, got ${show(value)}${hint ? `. ${hint}` : ''}`);
  }
  return value as number;
}

/** Requires one of the listed strings. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new MinibatchError('BAD_ARGUMENT', `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}
