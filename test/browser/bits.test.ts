// Same seed, same bits in Chromium as in Node: a seeded fit's predict outputs and evaluate loss, JS and WASM backends, with and without cross-origin isolation (Web Worker kernel threads), no console error.
import '../../src/platform/node/install.js'; // the Node platform when this file runs alone
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import * as node from '../../src/index.js';
import { launch, skipReason } from './chromium.js';
import { serveDist, type TestServer } from './server.js';
import { workload, type WorkloadApi, type WorkloadOptions, type WorkloadResult } from './workload.js';

const skip = skipReason();
if (skip) console.log(`# ${skip}`);

/** Wraps Worker so the test can see each kernel helper's control words (ready, done) from the page. */
const SPY_WORKERS = `(() => {
  const W = globalThis.Worker; globalThis.__mbHelpers = [];
  if (!W) return;
  globalThis.Worker = class extends W {
    postMessage(m, t) { if (m && m.kind === 'channel') globalThis.__mbHelpers.push(m.ctl); return super.postMessage(m, t); }
  };
})();`;

interface PageRun { isolated: boolean; result: WorkloadResult; helpers: number; helperParts: number }

/** Runs the workload in the page (twice when threaded: the second run after every helper is up). */
async function inPage(page: Page, o: WorkloadOptions): Promise<PageRun> {
  return page.evaluate(async ({ o, src }) => {
    const g = globalThis as unknown as { __mbHelpers: Int32Array[]; crossOriginIsolated: boolean };
    const mb = await import('/browser/minibatch.js' as string) as WorkloadApi & { ready(o: object): Promise<void> };
    await mb.ready({ threads: o.threads });
    const run = (0, eval)(`(${src})`) as typeof workload;
    let result = await run(mb, o);
    if (g.__mbHelpers.length > 0) {
      const until = Date.now() + 10000;
      while (!g.__mbHelpers.every((c) => Atomics.load(c, 4) === 1) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      const again = await run(mb, o);
      if (JSON.stringify(again) !== JSON.stringify(result)) throw new Error('the threaded rerun gave other bits');
      result = again;
    }
    return { isolated: g.crossOriginIsolated, result, helpers: g.__mbHelpers.length, helperParts: g.__mbHelpers.reduce((n, c) => n + Atomics.load(c, 1), 0) };
  }, { o, src: workload.toString() });
}

for (const isolated of [false, true]) {
  describe(`Chromium ${isolated ? 'with' : 'without'} cross-origin isolation`, { skip }, () => {
    let server: TestServer; let browser: Awaited<ReturnType<typeof launch>>;
    before(async () => { server = await serveDist(isolated); browser = await launch(); });
    after(async () => { await browser?.close(); await server?.close(); });

    const cases: WorkloadOptions[] = [{ backend: 'js', threads: 1 }, { backend: 'wasm', threads: 1 }, { backend: 'wasm', threads: 2 }];
    for (const o of cases) {
      it(`a seeded fit on the ${o.backend} backend with ${o.threads} thread(s) gives Node's predict and evaluate bits`, async () => {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.addInitScript(SPY_WORKERS);
        await page.goto(`${server.origin}/`);
        const got = await inPage(page, o);
        await page.close();
        const want = await workload(node, o);
        assert.equal(got.isolated, isolated, 'crossOriginIsolated of the page');
        assert.equal(got.result.examples, want.examples);
        assert.equal(got.result.loss, want.loss, 'evaluate loss bits');
        assert.equal(got.result.predict, want.predict, 'predict output bits');
        assert.deepEqual(errors, [], 'console errors');
        if (o.backend === 'wasm' && o.threads > 1) {
          // Web Worker helpers only when the page may share memory; they then run parts of the kernel calls.
          assert.equal(got.helpers, isolated ? o.threads - 1 : 0, 'kernel helper workers started');
          if (isolated) assert.ok(got.helperParts > 0, 'the helper worker ran no kernel part');
        }
      });
    }
  });
}
