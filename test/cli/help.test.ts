// Tests of --help on every command, --version, and commander's usage errors (exit 2).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { assertFails, assertOk, CLI, REPO, runCli, type CliResult } from './helpers.js';

/** The options each command's help must list (the lead may add commands; each still needs help). */
const OPTIONS: Record<string, string[]> = {
  train: ['--data', '--target', '--model', '--activation', '--batch-size', '--mode', '--drop-last', '--epochs', '--optimizer',
    '--lr', '--warmup', '--validation', '--patience', '--scale', '--missing', '--seed', '--out', '--json', '--quiet'],
  evaluate: ['--model', '--data', '--target', '--missing', '--json'],
  predict: ['--model', '--data', '--target', '--missing', '--out'],
};

/** Commands whose README table lists only their own options: they share compare's data, model and optimizer options. */
const SHARES_COMPARE = new Set(['lr-find', 'noise', 'profile']);

/** The long options (`--name`) of a command's help, without --help. */
function longOptions(help: string): string[] {
  const section = help.split(/^Options:\n/m)[1] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
}

/** README's option table of `minibatch <command>` (the rows after "`minibatch <command>`:"), or ''. */
function readmeTable(readme: string, command: string): string {
  return readme.match(new RegExp(`\`minibatch ${command}\`:\n\n((?:\\|[^\n]*\n)+)`))?.[1] ?? '';
}

/** Command names listed under "Commands:" in the top-level help, without `help` itself. */
function listedCommands(help: string): string[] {
  const section = (help.split(/^Commands:\n/m)[1] ?? '').split(/\n\n/)[0]!;
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('minibatch --help', () => {
  let top: CliResult;
  before(async () => { top = await runCli(['--help']); });

  it('prints the usage, lists train, evaluate and predict, and shows examples', () => {
    assertOk(top);
    assert.match(top.stdout, /^Usage: minibatch /);
    assert.match(top.stdout, /\nExamples:\n {2}minibatch study/);
    assert.match(top.stdout, /\nEnvironment:\n {2}MINIBATCH_BACKEND=js\|wasm\|auto .*\n {2}MINIBATCH_THREADS=<n> /);
    const commands = listedCommands(top.stdout);
    for (const c of Object.keys(OPTIONS)) assert.ok(commands.includes(c), `'${c}' is not listed in:\n${top.stdout}`);
  });

  it('every listed command has help with its options and an Examples: section, and README tables every option', async () => {
    const commands = listedCommands(top.stdout);
    const helps = await Promise.all(commands.map((c) => runCli([c, '--help'])));
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    commands.forEach((c, i) => {
      const table = readmeTable(readme, c);
      assert.ok(table.includes('| option | meaning | default |'), `README.md has no option table for minibatch ${c}`);
      const shared = SHARES_COMPARE.has(c) ? readmeTable(readme, 'compare') : '';
      const missing = longOptions(helps[i]!.stdout).filter((o) => !table.includes(`| \`${o}`) && !shared.includes(`| \`${o}`));
      assert.deepEqual(missing, [], `README.md's table of minibatch ${c} lacks options of its --help`);
    });
    commands.forEach((c, i) => {
      const r = helps[i]!;
      assertOk(r);
      assert.match(r.stdout, new RegExp(`^Usage: minibatch ${c} `), `${c} --help`);
      assert.match(r.stdout, /\nExamples:\n {2}minibatch /, `${c} --help has no Examples: section`);
      for (const option of OPTIONS[c] ?? []) assert.ok(r.stdout.includes(option), `${c} --help does not mention ${option}`);
      // Every default the same way, as typed on the command line: (default: 50), never commander's quoted (default: "50").
      assert.doesNotMatch(r.stdout.replace(/\s+/g, ' '), /\(default: "/, `${c} --help shows a quoted default`);
    });
    const train = helps[commands.indexOf('train')]!.stdout.replace(/\s+/g, ' ');
    assert.match(train, /--epochs <n> passes over the training data \(default: 50\)/);
  });
});

describe('minibatch --version', () => {
  it("prints package.json's version", async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await runCli(['--version']);
    assertOk(r);
    assert.equal(r.stdout, `${version}\n`);
  });
});

describe('usage errors from option parsing exit 2', () => {
  it('an unknown command', async () => {
    assertFails(await runCli(['frobnicate']), 2, /unknown command 'frobnicate'/, /--help/);
  });

  it('an unknown option', async () => {
    assertFails(await runCli(['train', '--data', 'synthetic:linear', '--bogus']), 2, /unknown option '--bogus'/);
  });

  it('a missing required option', async () => {
    assertFails(await runCli(['evaluate', '--data', 'synthetic:linear']), 2, /required option '--model <file>' not specified/);
  });

  it('an option without its value', async () => {
    assertFails(await runCli(['train', '--data']), 2, /option '--data <source>' argument missing/);
  });
});

describe('help piped into a reader that has gone (`minibatch study --help | head -1`)', () => {
  it('ends quietly with status 0, no EPIPE stack trace', async () => {
    for (const args of [['study', '--help'], ['--help']]) {
      // The read end is closed before the child writes, so its write of the help fails with EPIPE.
      const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.destroy();
        let err = '';
        child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
        child.on('error', reject);
        child.on('close', (code) => resolve({ status: code, stderr: err }));
      });
      assert.equal(stderr, '', `${args.join(' ')}: ${stderr}`);
      assert.equal(status, 0, args.join(' '));
    }
  });
});
