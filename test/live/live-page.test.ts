// `minibatch study --serve 0` in a real browser: curves are drawn while the study runs, then the page becomes the report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSkipReason, launchChromium, serveCli } from './chromium.js';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the live page browser test: ${skip}`);

describe('minibatch study --serve', { skip }, () => {
  it('prints the URL, draws a learning curve from the events, turns into the report when done, and exits 130 on Ctrl-C', async () => {
    const out = mkdtempSync(join(tmpdir(), 'serve-'));
    const browser = await launchChromium(); // first: its start-up must not eat the study's time
    const served = await serveCli(['study', '--data', 'synthetic:moons', '--model', 'mlp:8', '--batch-sizes', '1,8,full', '--seeds', '2', '--epochs', '4',
      '--workers', '1', '--no-noise-scale', '--quiet', '--out', out, '--serve', '0'], 'Live report:');
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.waitForSelector('#charts svg path', { timeout: 120_000, state: 'attached' });
      assert.ok(!page.url().includes('/report/'), 'a curve was drawn on the live page before it turned into the report');
      await page.waitForURL(/\/report\/index\.html$/, { timeout: 300_000 });
      await page.waitForSelector('svg', { state: 'attached' });
      assert.match(await page.title(), /Batch size study/);
      assert.ok(existsSync(join(out, 'index.html')) && existsSync(join(out, 'results.json')));
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      served.child.kill('SIGINT');
      const code = await served.exit;
      rmSync(out, { recursive: true, force: true });
      assert.equal(code, 130, served.stderr());
    }
  });
});
