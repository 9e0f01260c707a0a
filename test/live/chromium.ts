// Test helper: Debian's Chromium driven by playwright-core, or a reason to skip when it is missing.
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Why browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** Headless Chromium with the flags a root container needs (playwright gives it a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A CLI child process and the first URL it prints on stderr after `prefix`. */
export interface Served { child: ChildProcess; url: string; stderr: () => string; exit: Promise<number | null> }

export function serveCli(args: string[], prefix: string): Promise<Served> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MINIBATCH_BACKEND: 'js' } });
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout?.resume();
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      const m = new RegExp(`${prefix} (http://\\S+)`).exec(err);
      if (m) resolve({ child, url: m[1]!, stderr: () => err, exit });
    });
    void exit.then((code) => reject(new Error(`minibatch ${args.join(' ')} exited with ${code} before printing a URL:\n${err}`)));
  });
}
