// Takes the README's screenshots (docs/img/*.png) of the report, the live page and the playground at
// phone (390 px) and desktop (1280 px) widths, with playwright-core and Debian's Chromium. Run after a build:
//   node scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const img = join(root, 'docs/img');
const cli = join(root, 'dist/cli/main.js');
const WIDTHS = { phone: 390, desktop: 1280 };

function serve(args, prefix) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (b) => { err += b; const m = new RegExp(`${prefix} (http://\\S+)`).exec(err); if (m) resolve({ child, url: m[1] }); });
    child.on('exit', (c) => reject(new Error(`exit ${c}: ${err}`)));
  });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
// Full pages of the report run to ~10,000 px: the top `maxHeight` px (the recommendation, table and first charts) keeps the PNGs small.
async function shoot(url, name, prepare, full = true, maxHeight = 2600) {
  for (const [w, width] of Object.entries(WIDTHS)) {
    const page = await browser.newPage({ viewport: { width, height: w === 'phone' ? 844 : 900 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await prepare(page);
    const height = full ? Math.min(maxHeight, await page.evaluate(() => document.documentElement.scrollHeight)) : undefined;
    await page.screenshot({ path: join(img, `${name}-${w}.png`), fullPage: full, ...(height ? { clip: { x: 0, y: 0, width, height } } : {}) });
    await page.close();
  }
}

const out = mkdtempSync(join(tmpdir(), 'shots-'));
const study = await serve(['study', '--data', 'synthetic:moons', '--model', 'mlp:8', '--batch-sizes', '1,8,32,full', '--seeds', '2', '--epochs', '5', '--workers', '1', '--quiet', '--out', out, '--serve', '0'], 'Live report:');
await shoot(study.url, 'live', async (p) => { await p.waitForSelector('#chart-compare svg path', { state: 'attached', timeout: 600_000 }); }, false);
const page = await browser.newPage(); await page.goto(study.url); await page.waitForURL(/report/, { timeout: 600_000 }); await page.close();
await shoot(`${study.url}report/index.html`, 'report', async (p) => { await p.waitForSelector('svg'); await p.waitForTimeout(500); });
study.child.kill('SIGINT');
const play = await serve(['playground', '--port', '0'], 'Playground:');
await shoot(play.url, 'playground', async (p) => {
  await p.waitForSelector('body[data-state=ready]'); await p.selectOption('#epochs', '10'); await p.waitForSelector('body[data-state=ready]');
  await p.click('#go'); await p.waitForSelector('body[data-state=done]', { timeout: 300_000 });
});
play.child.kill('SIGINT');
await browser.close();
