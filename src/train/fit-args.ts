// Checks of the arguments of fit and fitStream as a whole: the model, the options object, its keys and typed fields.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import { Model } from '../nn/model.js';

/**
 * Refuses what TypeScript would have caught, for callers in plain JavaScript: a first argument
 * that is not a Model, options that are not an object, an option name fit does not know (with
 * the nearest known name: `epoch` -> "did you mean 'epochs'?"), an optimizer given by name, a
 * `signal` that is not an AbortSignal. `fn` names the function in messages.
 */
export function checkTrainArgs(fn: string, model: unknown, options: unknown, known: readonly string[]): void {
  if (!(model instanceof Model)) {
    throw new MinibatchError('BAD_ARGUMENT', `${fn} needs a Model as its first argument (e.g. mlp({ inputs: 4, hidden: [8], outputs: 3 }) or await loadModel(path)), got ${describeValue(model)}`);
  }
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MinibatchError('BAD_ARGUMENT', `${fn}'s options must be an object such as { epochs: 10, batchSize: 32 }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new MinibatchError('BAD_ARGUMENT', `${fn}: unknown option '${key}'${near ? `; did you mean '${near}'?` : ''} The options are ${known.join(', ')}`);
  }
  const o = options as { optimizer?: unknown; signal?: unknown };
  if (o.optimizer !== undefined && !isOptimizer(o.optimizer)) {
    const named = typeof o.optimizer === 'string' ? `; pass the optimizer object, e.g. ${o.optimizer}() (exported by minibatch), not its name` : '';
    throw new MinibatchError('BAD_ARGUMENT', `${fn}: optimizer must be an Optimizer such as adam() or sgd({ learningRate: 0.01 }), got ${describeValue(o.optimizer)}${named}`);
  }
  if (o.signal !== undefined && !(typeof AbortSignal !== 'undefined' && o.signal instanceof AbortSignal)) {
    throw new MinibatchError('BAD_ARGUMENT', `${fn}: signal must be an AbortSignal (new AbortController().signal), got ${describeValue(o.signal)}`);
  }
}

/** A user's value for a message: `show` for primitives and arrays, the class or the keys of an object. */
export function describeValue(v: unknown): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return show(v);
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  if (name && name !== 'Object') return `a ${name}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? 'an empty object {}' : `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}`;
}

function isOptimizer(v: unknown): boolean {
  const o = v as { step?: unknown; learningRate?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.step === 'function' && typeof o.learningRate === 'function';
}

/** The known name closest to `key` by edit distance, when within 2 edits (or a case change). */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined; let bestD = 3;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k);
    if (d < bestD) { bestD = d; best = k; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
