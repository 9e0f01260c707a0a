// Binary row cache: float32 rows with a small header, built once from a RowSource, read at disk speed.
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkInt } from '../../core/check.js';
import { MinibatchError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { ShuffleBuffer, type ChunkOptions, type ColumnStats, type RowSource } from '../../data/stream-csv.js';

/** First 8 bytes of every cache file. */
export const CACHE_MAGIC = 'MBCACHE\0';
export const CACHE_VERSION = 1;
/** Largest header (names and statistics as JSON) a cache may declare. */
export const MAX_CACHE_HEADER_BYTES = 64 << 20;
const FIXED = 32;

/**
 * Layout (little-endian): magic (8 bytes), u32 version, u32 header JSON length H, f64 rows,
 * u32 features F, u32 target width T, then H bytes of JSON { features, targets, classNames?,
 * stats }, zero-padded to a multiple of 4, then rows x (F + T) float32: each row's features
 * followed by its targets (row-interleaved, so any block of rows is one contiguous read).
 */
export async function writeBinaryCache(source: RowSource, path: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const nf = source.numFeatures; const tw = source.targetWidth; const w = nf + tw;
  const s = source.stats;
  const meta = Buffer.from(JSON.stringify({
    features: source.features, targets: source.targets, ...(source.classNames ? { classNames: source.classNames } : {}),
    stats: { count: s.count, mean: Array.from(s.mean), m2: Array.from(s.m2), min: Array.from(s.min), max: Array.from(s.max) },
  }));
  const head = Buffer.alloc(FIXED + align4(meta.length));
  head.write(CACHE_MAGIC, 0, 'latin1'); head.writeUInt32LE(CACHE_VERSION, 8); head.writeUInt32LE(meta.length, 12);
  head.writeDoubleLE(source.rows, 16); head.writeUInt32LE(nf, 24); head.writeUInt32LE(tw, 28); meta.copy(head, FIXED);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.write(head);
      let rows = 0;
      for await (const d of source.chunks({ bufferRows: 1 << 16 })) {
        const out = new Float32Array(d.length * w);
        for (let i = 0; i < d.length; i++) {
          out.set(d.x.subarray(i * nf, (i + 1) * nf), i * w);
          out.set(d.y.subarray(i * tw, (i + 1) * tw), i * w + nf);
        }
        await fh.write(new Uint8Array(out.buffer));
        rows += d.length;
      }
      if (rows !== source.rows) throw new MinibatchError('BAD_CSV', `the source gave ${rows} rows, ${source.rows} were counted; did the file change while the cache was built?`);
      await fh.sync();
    } finally { await fh.close(); }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (err instanceof MinibatchError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError('IO', `could not write the cache ${path}: ${e.code ?? ''} ${e.message}. Check that the folder is writable and the disk has space`, { cause: err });
  }
}

/** Opens a cache written by writeBinaryCache; a damaged, truncated or foreign file is a MinibatchError. */
export async function openBinaryCache(path: string, options: { blockBytes?: number } = {}): Promise<RowSource> {
  const blockBytes = checkInt('blockBytes', options.blockBytes ?? 4 << 20, 1024, 2 ** 30);
  let fh;
  try { fh = await open(path, 'r'); } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new MinibatchError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `cannot read cache ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { cause: err });
  }
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(FIXED);
    await fh.read(head, 0, FIXED, 0);
    const bad = (what: string): MinibatchError => new MinibatchError('BAD_CSV', `${path} is not a valid minibatch cache (${what}); rebuild it from the CSV file`);
    if (size < FIXED || head.toString('latin1', 0, 8) !== CACHE_MAGIC) throw bad('wrong magic bytes');
    if (head.readUInt32LE(8) !== CACHE_VERSION) throw bad(`version ${head.readUInt32LE(8)}, this minibatch reads ${CACHE_VERSION}`);
    const h = head.readUInt32LE(12); const rows = head.readDoubleLE(16); const nf = head.readUInt32LE(24); const tw = head.readUInt32LE(28);
    if (h > MAX_CACHE_HEADER_BYTES || FIXED + h > size) throw bad(`a header of ${h} bytes`);
    const dataStart = FIXED + align4(h);
    if (!Number.isInteger(rows) || rows < 1 || nf < 1 || tw < 1 || nf > 1e7 || tw > 1e6 || dataStart + rows * (nf + tw) * 4 !== size) {
      throw bad(`${rows} rows of ${nf} features and ${tw} targets do not fill its ${size} bytes (truncated?)`);
    }
    const text = Buffer.alloc(h); await fh.read(text, 0, h, FIXED);
    const meta = parseMeta(text.toString('utf8'), nf, tw, bad);
    return new CacheSource(path, dataStart, rows, nf, tw, meta, blockBytes);
  } finally { await fh.close(); }
}

interface Meta { features: string[]; targets: string[]; classNames?: string[]; stats: ColumnStats }

function parseMeta(text: string, nf: number, tw: number, bad: (w: string) => MinibatchError): Meta {
  let j: Record<string, unknown>;
  try { j = JSON.parse(text) as Record<string, unknown>; } catch { throw bad('its header is not JSON'); }
  const strings = (v: unknown, n?: number): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string') && (n === undefined || v.length === n);
  const nums = (v: unknown): Float64Array => {
    if (!Array.isArray(v) || v.length !== nf || !v.every((x) => typeof x === 'number' || x === null)) throw bad('damaged statistics');
    return Float64Array.from(v as Array<number | null>, (x) => x ?? NaN);
  };
  const st = j?.stats as Record<string, unknown> | undefined;
  if (!j || !strings(j.features, nf) || !strings(j.targets, tw) || (j.classNames !== undefined && !strings(j.classNames)) || !st || typeof st.count !== 'number') throw bad('a damaged header');
  return {
    features: j.features, targets: j.targets, ...(j.classNames ? { classNames: j.classNames as string[] } : {}),
    stats: { count: st.count, mean: nums(st.mean), m2: nums(st.m2), min: nums(st.min), max: nums(st.max) },
  };
}

class CacheSource implements RowSource {
  readonly features: string[]; readonly targets: string[]; readonly classNames: string[] | undefined; readonly stats: ColumnStats;
  constructor(private readonly path: string, private readonly start: number, readonly rows: number, readonly numFeatures: number,
    readonly targetWidth: number, meta: Meta, private readonly blockBytes: number) {
    this.features = meta.features; this.targets = meta.targets; this.classNames = meta.classNames; this.stats = meta.stats;
  }

  async *chunks(o: ChunkOptions): AsyncIterable<Dataset> {
    const nf = this.numFeatures; const tw = this.targetWidth; const w = nf + tw;
    const perBlock = Math.max(1, Math.floor(this.blockBytes / (w * 4)));
    const order = Array.from({ length: Math.ceil(this.rows / perBlock) }, (_, i) => i);
    o.rng?.shuffle(order);
    const names = { features: this.features, targets: this.targets, ...(this.classNames ? { classNames: this.classNames } : {}) };
    const buf = new ShuffleBuffer(checkInt('bufferRows', o.bufferRows, 1, 2 ** 28), nf, tw, names, o.rng);
    const block = new Float32Array(perBlock * w);
    const bytes = new Uint8Array(block.buffer);
    const fh = await open(this.path, 'r');
    try {
      for (const b of order) {
        const first = b * perBlock; const n = Math.min(perBlock, this.rows - first);
        const { bytesRead } = await fh.read(bytes, 0, n * w * 4, this.start + first * w * 4);
        if (bytesRead !== n * w * 4) throw new MinibatchError('IO', `${this.path} ended early (the file changed while reading?); rebuild the cache`);
        const queue: Dataset[] = [];
        for (let i = 0; i < n; i++) {
          const at = buf.size;
          buf.x.set(block.subarray(i * w, i * w + nf), at * nf);
          buf.y.set(block.subarray(i * w + nf, (i + 1) * w), at * tw);
          const full = buf.commit();
          if (full) queue.push(full);
        }
        for (const d of queue) yield d;
      }
    } finally { await fh.close(); }
    const rest = buf.flush();
    if (rest) yield rest;
  }
}

function align4(n: number): number { return (n + 3) & ~3; }
