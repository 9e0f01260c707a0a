// Huge pages for large fresh buffers: the addon's madvise (Linux), the kernel host's hook, and the callers that ask for it (data rows, a growing kernel memory, the mnist cache).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Dataset } from '../../src/data/dataset.js';
import { adviseHugePages, HUGE_PAGE_MIN_BYTES, kernelHost, setKernelHost, type KernelHost } from '../../src/kernels/host.js';
import { growthPages, WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { loadKernels } from '../../src/kernels/wasm/wasm-module.js';
import { loadNative } from '../../src/platform/node/native-loader.js';

const MiB = 1 << 20;
const status = loadNative({ env: {} });
const skip = status.ok ? false : `native addon not built: ${status.reason}`;

/** The THP mode of this kernel ('always', 'madvise', 'never'), or undefined off Linux. */
function thpMode(): string | undefined {
  try { return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1]; } catch { return undefined; }
}

/** Bytes of this process's mappings that smaps marks THPeligible. */
function eligibleBytes(): number {
  let total = 0; let size = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (m) { size = Number(BigInt(`0x${m[2]}`) - BigInt(`0x${m[1]}`)); continue; }
    if (/^THPeligible:\s+1/.test(line)) total += size;
  }
  return total;
}

describe('the native addon asks for huge pages', { skip }, () => {
  const addon = status.ok ? status.kernels.addon : undefined;

  it('advises the whole 2 MiB pages inside a view and changes no value; a view too small for one gets nothing', () => {
    const a = new Float32Array(9 * MiB / 4).map((_, i) => i * 0.5);
    const before = a.slice();
    const bytes = addon!.adviseHugePages(a);
    if (process.platform === 'linux') {
      assert.equal(bytes % (2 * MiB), 0, 'whole huge pages only');
      assert.ok(bytes >= 6 * MiB && bytes <= 9 * MiB, `9 MiB hold at least three whole 2 MiB pages, got ${bytes / MiB} MiB advised`);
    } else assert.equal(bytes, 0);
    assert.deepEqual(a, before);
    assert.equal(addon!.adviseHugePages(new Float32Array(MiB / 4)), 0, 'a 1 MiB view holds no whole 2 MiB page');
  });

  it("makes the advised memory eligible for transparent huge pages where the kernel takes advice (smaps' THPeligible)", (t) => {
    if (thpMode() !== 'madvise') { t.skip(`transparent huge pages are '${thpMode() ?? 'not available'}' here, not 'madvise'`); return; }
    // A fresh kernel memory, as the arenas grow theirs.
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
    mem.grow(16 * 16); // 16 MiB more
    const before = eligibleBytes();
    const advised = addon!.adviseHugePages(new Float32Array(mem.buffer));
    assert.ok(advised >= 14 * MiB, `advised ${advised} bytes of 16 MiB`);
    assert.ok(eligibleBytes() - before >= advised, `eligible mappings grew by ${(eligibleBytes() - before) / MiB} MiB, advised ${advised / MiB} MiB`);
  });
});

describe('adviseHugePages (kernel host hook)', () => {
  const saved = kernelHost();
  after(() => setKernelHost(saved));

  /** Installs a host recording the byte lengths it was asked to advise. */
  function recording(): number[] {
    const asked: number[] = [];
    const host: KernelHost = { ...saved!, adviseHugePages: (v) => { asked.push(v.byteLength); } };
    setKernelHost(host);
    return asked;
  }

  it('passes views from HUGE_PAGE_MIN_BYTES on to the platform, none below', () => {
    const asked = recording();
    adviseHugePages(new Float32Array(HUGE_PAGE_MIN_BYTES / 4 - 1));
    adviseHugePages(new Float32Array(HUGE_PAGE_MIN_BYTES / 4));
    assert.deepEqual(asked, [HUGE_PAGE_MIN_BYTES]);
  });

  it('a large subset asks for its fresh rows before filling them, with the same rows as without', () => {
    const nf = 512; const n = 3000; // 6 MB of features
    const x = new Float32Array(n * nf).map((_, i) => (i % 7) - 3); const y = new Float32Array(n).map((_, i) => i % 5);
    const d = new Dataset(x, y, n);
    const idx = Array.from({ length: 2500 }, (_, i) => (i * 7) % n);
    setKernelHost(saved); const plain = d.subset(idx, { shared: true });
    const asked = recording(); const advised = d.subset(idx, { shared: true });
    assert.deepEqual(asked, [2500 * nf * 4], 'the features (5 MB) are advised; the targets (10 kB) are not');
    assert.deepEqual(advised.x, plain.x); assert.deepEqual(advised.y, plain.y);
    assert.ok(advised.x.buffer instanceof SharedArrayBuffer);
  });

  it('a kernel memory asks when it grows by a large block (rows), not for small ones, and keeps a huge page of room past the block', () => {
    const asked = recording();
    const arena = new WasmArena(loadKernels()!);
    arena.allocView(1000); // small: no advice
    assert.deepEqual(asked, []);
    const rows = new Float32Array(5 * MiB / 4).map((_, i) => i);
    const resident = arena.residentFeatures(rows);
    assert.equal(asked.length, 1);
    assert.equal(asked[0], arena.memory.buffer.byteLength, 'the whole memory, the pages it shares with the old part included');
    assert.ok(arena.memory.buffer.byteLength >= resident.byteOffset + resident.byteLength + 2 * MiB, 'the huge page holding the end of the rows lies inside');
    assert.deepEqual(resident, rows);
    arena.dispose();
  });

  it("a large growth's extra huge page stops at the memory's maximum (a block that fits still fits)", () => {
    const P = 65536;
    assert.equal(growthPages(P, P + 5 * MiB, true, 65536), 5 * 16 + 32, 'room: a huge page (32 pages) more');
    assert.equal(growthPages(P, P + 5 * MiB, false, 65536), 5 * 16, 'a small growth: exactly what it needs');
    assert.equal(growthPages(P, P + 5 * MiB, true, 1 + 80 + 10), 80 + 10, 'near the maximum: only the room left');
    assert.equal(growthPages(P, P + 5 * MiB, true, 1 + 80), 80, 'at the maximum: none more');
  });
});
