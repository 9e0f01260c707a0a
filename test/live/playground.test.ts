// The playground in a real browser: it trains stochastic, mini-batch and batch GD and draws all three, no console error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium, serveCli } from './chromium.js';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the playground browser tests: ${skip}`);

describe('minibatch playground', { skip }, () => {
  it('trains at batch sizes 1, 16 and N on moons and draws three curves and three decision boundaries', async () => {
    const served = await serveCli(['playground', '--port', '0'], 'Playground:');
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.waitForSelector('body[data-state=ready]');
      await page.selectOption('#epochs', '10');
      await page.waitForSelector('body[data-state=ready]');
      await page.click('#go');
      await page.waitForSelector('body[data-state=done]', { timeout: 120_000 });
      const runs = await page.$$eval('#curves svg path[data-run]', (ps) => ps.map((p) => [p.getAttribute('data-run'), (p.getAttribute('d') ?? '').split('L').length]));
      assert.deepEqual(runs.map((r) => r[0]), ['1', '16', '160']);
      for (const [b, n] of runs) assert.ok(Number(n) > 5, `batch size ${b}: only ${n} points drawn`);
      assert.equal(await page.locator('.run canvas').count(), 3);
      // The heat maps were painted: the centre pixel of each canvas is not the blank background.
      const painted = await page.evaluate<number[][]>("[...document.querySelectorAll('.run canvas')].map((c) => [...c.getContext('2d').getImageData(120, 120, 1, 1).data])");
      for (const px of painted) assert.ok((px[3] ?? 0) > 0, `a decision boundary canvas is blank: ${px.join(',')}`);
      const stats = await page.$$eval('.run .stats', (ss) => ss.map((s) => s.textContent ?? ''));
      for (const s of stats) assert.match(s, /\(done\)/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      served.child.kill('SIGINT');
      assert.equal(await served.exit, 130);
    }
  });
});
