// Helpers of the CLI tests: run the built `minibatch` command, find the shared data, temp folders.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `minibatch` command, as package.json's bin names it (tests run from dist/test/cli; the command is dist/cli/main.js, built by scripts/build-cli.mjs). */
export const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** The same command run from the compiled modules, unbundled (dist/src/cli/main.js). */
export const CLI_MODULES = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The repository root (dist/test/cli -> dist/test -> dist -> repo). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared data sets live next to the repository: <repo>/../shared/datasets. */
export const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** The full path of a shared data set file. */
export function dataset(file: string): string {
  return join(DATASETS, file);
}

/** A skip reason when any of `files` is absent from the shared data sets, else false. */
export function skipUnless(...files: string[]): string | false {
  const absent = files.filter((f) => !existsSync(dataset(f)));
  return absent.length === 0 ? false : `${absent.map(dataset).join(', ')} absent (the shared data sets are not available here)`;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `minibatch ...args` as a child process (with stderr not a terminal, so no progress bar)
 * and resolves with its exit status and output; `env` adds environment variables, `nodeArgs`
 * options of node itself, `cli` another entry script (default {@link CLI}). Never rejects on a
 * non-zero exit.
 */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; nodeArgs?: string[]; cli?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? CLI, ...args], {
      cwd: options.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = ''; let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Parses stdout as one JSON document, with the output in the failure message if it is not. */
export function parseJson(r: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    assert.fail(`stdout is not one JSON document:\n${r.stdout.slice(0, 500)}\nstderr:\n${r.stderr.slice(0, 500)}`);
  }
}

/**
 * Asserts a refused run: exit status `status`, a one-line `minibatch: ...` message on stderr that
 * matches every pattern, nothing on stdout, and no stack trace.
 */
export function assertFails(r: CliResult, status: number, ...patterns: RegExp[]): void {
  const show = `\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 300)}`;
  assert.equal(r.status, status, `exit status${show}`);
  assert.match(r.stderr, /^minibatch: /, `stderr starts with 'minibatch: '${show}`);
  for (const p of patterns) assert.match(r.stderr, p, show);
  assertNoStack(r);
  assert.equal(r.stdout, '', `nothing on stdout${show}`);
}

/** No stack-trace lines ("    at f (file:1:2)") on stderr. */
export function assertNoStack(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stderr has a stack trace:\n${r.stderr}`);
}

/** Asserts exit status 0 with the output in the message otherwise. */
export function assertOk(r: CliResult): void {
  assert.equal(r.status, 0, `exit status\nstderr: ${r.stderr}`);
  assertNoStack(r);
}

/** A fresh temporary folder; `cleanup` removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `minibatch-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Names of temporary files (`*.tmp`) left in `dir`. */
export function leftoverTmp(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

/** Parses a simple CSV (no quoting) into a header and rows of cells. */
export function readCsvText(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l !== '');
  return { header: (lines[0] ?? '').split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}
