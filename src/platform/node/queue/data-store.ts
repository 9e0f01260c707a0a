// Training data in Redis: a sweep's split stored once under its content hash, fetched and cached by workers.
import type { Redis } from 'ioredis';
import { MinibatchError } from '../../../core/errors.js';
import { Dataset } from '../../../data/dataset.js';
import { dataKey, sha256 } from './protocol.js';

/** The rows every trial of a sweep trains and validates on. */
export interface SplitRows { train: Dataset; val: Dataset }

interface Shape { trainRows: number; valRows: number; features: number; targets: number }

function shapeOf(d: SplitRows): Shape {
  return { trainRows: d.train.length, valRows: d.val.length, features: d.train.numFeatures, targets: d.train.targetWidth };
}

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function hashOf(shape: Shape, parts: readonly Uint8Array[]): string {
  return sha256(JSON.stringify(shape), ...parts);
}

const hashes = new WeakMap<SplitRows, string>();

/** The content hash of a split: its shape and the bytes of its four arrays (little-endian float32). */
export function splitHash(d: SplitRows): string {
  let h = hashes.get(d);
  if (!h) { h = hashOf(shapeOf(d), [d.train.x, d.train.y, d.val.x, d.val.y].map(bytes)); hashes.set(d, h); }
  return h;
}

/** Stores a split under its hash unless Redis has it already; returns the hash. */
export async function putSplit(redis: Redis, d: SplitRows): Promise<string> {
  const hash = splitHash(d);
  const key = dataKey(hash);
  if ((await redis.exists(key)) === 1) return hash;
  await redis.hset(key, {
    shape: JSON.stringify(shapeOf(d)),
    trainX: bytes(d.train.x), trainY: bytes(d.train.y), valX: bytes(d.val.x), valY: bytes(d.val.y),
  });
  return hash;
}

const floats = (b: Buffer | undefined, count: number, what: string): Float32Array => {
  if (!b || b.length !== count * 4) throw new MinibatchError('BAD_ARGUMENT', `the stored data set's ${what} has ${b?.length ?? 0} bytes, expected ${count * 4}`);
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(b);
  return out;
};

/**
 * Fetches splits by hash and keeps the last `size` in memory. What Redis returns is checked:
 * the shape is validated and the bytes must hash to the name asked for, so a damaged or forged
 * entry is refused (MinibatchError) instead of trained on.
 */
export class SplitCache {
  private readonly cache = new Map<string, SplitRows>();
  constructor(private readonly redis: Redis, private readonly size = 4) {}

  async get(hash: string): Promise<SplitRows> {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const f = await this.redis.hgetallBuffer(dataKey(hash));
    if (!f || !f.shape) throw new MinibatchError('NOT_FOUND', `the data set ${hash.slice(0, 12)} is not in Redis (the coordinator stores it before queueing trials; was Redis flushed?)`);
    let shape: Shape;
    try { shape = JSON.parse(f.shape.toString('utf8')) as Shape; } catch { shape = { trainRows: -1, valRows: -1, features: -1, targets: -1 }; }
    const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31;
    if (![shape.trainRows, shape.valRows, shape.features, shape.targets].every(ok)) throw new MinibatchError('BAD_ARGUMENT', `the stored data set ${hash.slice(0, 12)} has a malformed shape`);
    const arrays = [
      floats(f.trainX, shape.trainRows * shape.features, 'training features'), floats(f.trainY, shape.trainRows * shape.targets, 'training targets'),
      floats(f.valX, shape.valRows * shape.features, 'validation features'), floats(f.valY, shape.valRows * shape.targets, 'validation targets'),
    ] as const;
    if (hashOf(shape, arrays.map(bytes)) !== hash) throw new MinibatchError('BAD_ARGUMENT', `the stored data set ${hash.slice(0, 12)} does not match its hash; it was damaged or forged`);
    const names = { features: Array.from({ length: shape.features }, (_, i) => `x${i}`) };
    const rows: SplitRows = { train: new Dataset(arrays[0], arrays[1], shape.trainRows, names), val: new Dataset(arrays[2], arrays[3], shape.valRows, names) };
    this.cache.set(hash, rows);
    if (this.cache.size > this.size) this.cache.delete(this.cache.keys().next().value!);
    return rows;
  }
}
