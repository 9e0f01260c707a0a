// compare and study with --no-report: results.json and points.csv without the page, a stale page removed, --serve refused, the page drawn later by `minibatch report`.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeStalePage, writeReportFiles } from '../../src/cli/report-files.js';
import { studyFixture } from '../report/fixture.js';
import { assertFails, assertOk, parseJson, runCli, tempDir } from './helpers.js';

const SWEEP = ['--data', 'synthetic:blobs', '--batch-sizes', '8,32', '--lr', '0.1', '--epochs', '2', '--seeds', '1'];

describe('--no-report', () => {
  it('compare writes results.json and points.csv, no page, and lists only those files', async () => {
    const { dir, cleanup } = tempDir('no-report-compare');
    try {
      const out = join(dir, 'run');
      const r = await runCli(['compare', ...SWEEP, '--out', out, '--no-report', '--json']);
      assertOk(r);
      assert.deepEqual(readdirSync(out).sort(), ['points.csv', 'results.json', 'trials.jsonl']);
      const json = parseJson(r);
      assert.deepEqual(json.files, [join(out, 'results.json'), join(out, 'points.csv')]);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { schema: string; compare: { runs: unknown[] } };
      assert.equal(results.schema, 'minibatch-study/1');
      assert.equal(results.compare.runs.length, 2);
      assert.doesNotMatch(r.stderr, /open .*index\.html/);
    } finally { cleanup(); }
  });

  it("compare removes the page an earlier run left in --out, says so, and 'minibatch report' draws this run's", async () => {
    const { dir, cleanup } = tempDir('no-report-stale');
    try {
      const out = join(dir, 'run');
      assertOk(await runCli(['compare', ...SWEEP, '--out', out]));
      const earlier = readFileSync(join(out, 'index.html'), 'utf8');
      assert.match(earlier, /<svg /);
      const r = await runCli(['compare', ...SWEEP, '--seeds', '2', '--out', out, '--no-report']);
      assertOk(r);
      assert.equal(existsSync(join(out, 'index.html')), false, 'the earlier page is gone');
      assert.match(r.stderr, new RegExp(`removed ${join(out, 'index.html').replace(/[.\\/]/g, '\\$&')}`));
      assert.match(r.stderr, /minibatch report .*results\.json/);
      const drawn = await runCli(['report', join(out, 'results.json')]);
      assertOk(drawn);
      const page = readFileSync(join(out, 'index.html'), 'utf8');
      assert.match(page, /<svg /);
      assert.notEqual(page, earlier, 'the new page shows the 2-seed run');
      assert.match(page, /2 seeds each/);
    } finally { cleanup(); }
  });

  it('a quiet run removes the stale page without a word', async () => {
    const { dir, cleanup } = tempDir('no-report-quiet');
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><p>an earlier page</p>');
      const r = await runCli(['compare', ...SWEEP, '--out', dir, '--no-report', '--quiet']);
      assertOk(r);
      assert.equal(r.stderr, '');
      assert.equal(existsSync(join(dir, 'index.html')), false);
      assert.ok(existsSync(join(dir, 'results.json')));
    } finally { cleanup(); }
  });

  it('study writes no page either', async () => {
    const { dir, cleanup } = tempDir('no-report-study');
    try {
      const r = await runCli(['study', ...SWEEP, '--no-noise-scale', '--out', dir, '--no-report', '--quiet']);
      assertOk(r);
      assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('trials')).sort(), ['points.csv', 'results.json']);
    } finally { cleanup(); }
  });

  it('--serve with --no-report is refused before anything runs (exit 2, both options named)', async () => {
    const { dir, cleanup } = tempDir('no-report-serve');
    try {
      for (const cmd of ['compare', 'study']) {
        const out = join(dir, cmd);
        assertFails(await runCli([cmd, ...SWEEP, '--out', out, '--no-report', '--serve']), 2, /--serve/, /--no-report/);
        assert.equal(existsSync(out), false, `${cmd}: no --out folder made`);
      }
    } finally { cleanup(); }
  });

  it('writeReportFiles with page: false writes the two data files only and removes an earlier page; removeStalePage leaves anything but a page file alone', async () => {
    const { dir, cleanup } = tempDir('no-report-files');
    try {
      writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><p>an earlier page</p>');
      const removed: string[] = [];
      const files = await writeReportFiles(dir, studyFixture(), { page: false, onStalePage: (p) => removed.push(p) });
      assert.deepEqual(files, [join(dir, 'results.json'), join(dir, 'points.csv')]);
      assert.deepEqual(readdirSync(dir).sort(), ['points.csv', 'results.json']);
      assert.deepEqual(removed, [join(dir, 'index.html')]);
      assert.equal(await removeStalePage(dir), undefined, 'no page: nothing removed');
      mkdirSync(join(dir, 'index.html'));
      assert.equal(await removeStalePage(dir), undefined, 'a folder named index.html is not a page');
      assert.ok(existsSync(join(dir, 'index.html')));
    } finally { cleanup(); }
  });
});
