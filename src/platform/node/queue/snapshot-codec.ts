// A trial snapshot to and from a string for Redis: typed arrays as base64 of their exact bytes, numbers through encodeJson.
import type { TrialSnapshot } from '../../../experiments/run/trial.js';
import { decodeJson, encodeJson } from './protocol.js';

type Typed = Float32Array | Float64Array | Uint32Array;
const KINDS = { f32: Float32Array, f64: Float64Array, u32: Uint32Array } as const;
type Kind = keyof typeof KINDS;

function kindOf(x: unknown): Kind | undefined {
  if (x instanceof Float32Array) return 'f32';
  if (x instanceof Float64Array) return 'f64';
  if (x instanceof Uint32Array) return 'u32';
  return undefined;
}

/** The snapshot as one string; every float keeps its bits. */
export function encodeSnapshot(s: TrialSnapshot): string {
  return encodeJson(s, (_k, x) => {
    const kind = kindOf(x);
    if (!kind) return x;
    const a = x as Typed;
    return { $typed: kind, b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
  });
}

/**
 * The snapshot a string from {@link encodeSnapshot} holds. Its shape is checked by
 * TrialRunner.restore (lengths, a permutation for the sampler, the optimizer's buffers); a string
 * that is not one gives undefined, and the trial then starts from the beginning.
 */
export function decodeSnapshot(text: string): TrialSnapshot | undefined {
  let out: unknown;
  try {
    out = reviveTyped(decodeJson(text));
  } catch {
    return undefined;
  }
  if (!out || typeof out !== 'object') return undefined;
  const s = out as Partial<TrialSnapshot>;
  const ok = s.params instanceof Float32Array && s.stats instanceof Float64Array && s.sampler?.order instanceof Uint32Array
    && Array.isArray(s.sampler.rng) && s.optimizer && Array.isArray(s.optimizer.buffers) && s.run && Array.isArray(s.run.points)
    && [s.updates, s.seen, s.seconds, s.nextEval, s.refLoss].every((v) => typeof v === 'number') && typeof s.finished === 'boolean';
  return ok ? (s as TrialSnapshot) : undefined;
}

function reviveTyped(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reviveTyped);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o['$typed'] === 'string' && typeof o['b64'] === 'string' && o['$typed'] in KINDS) {
    const Ctor = KINDS[o['$typed'] as Kind];
    const bytes = Buffer.from(o['b64'], 'base64');
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error('torn typed array');
    const copy = new Uint8Array(bytes.byteLength); copy.set(bytes);
    return new Ctor(copy.buffer);
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reviveTyped(x)]));
}
