// Hostile JSON values for the fuzz tests: odd numbers, odd Unicode, prototype keys, deep and wide.
import fc from 'fast-check';

const oddNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 2, 1e7, 2 ** 31, -1));
const oddString = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', '__proto__', 'constructor', 'NaN', 'Infinity', '<script>alert(1)</script>', 'AAAA', '\uD800', '\u202E'));
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'format', 'schema', 'version'));

/** Any JSON value with odd numbers, strings and keys, up to depth 4. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 4 },
    oddNumber, oddString, fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(key, tie('v'), { maxKeys: 5 })),
})).v.map((v) => JSON.parse(JSON.stringify(v)) as unknown); // as JSON.parse would deliver it (own __proto__ keys)

/** `[[[...]]]` nested `depth` times, as text. */
export function deepJson(depth: number): string { return '['.repeat(depth) + ']'.repeat(depth); }

/** `obj` with the value at dotted `path` replaced by `v` (intermediate objects created); mutates and returns obj. */
export function setIn(obj: Record<string, unknown>, path: string, v: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let o: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object') Object.defineProperty(o, k, { value: {}, enumerable: true, writable: true, configurable: true });
    o = o[k] as Record<string, unknown>;
  }
  Object.defineProperty(o, keys[keys.length - 1]!, { value: v, enumerable: true, writable: true, configurable: true });
  return obj;
}
