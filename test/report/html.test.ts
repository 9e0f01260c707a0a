// Tests of the report page: every chart and section present, self-contained, deterministic.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/html.js';
import { SECTIONS, studyCharts } from '../../src/report/charts.js';
import type { StudyResult } from '../../src/experiments/records.js';
import { studyFixture } from './fixture.js';

/** Every way a page could reach outside itself. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const re of [/https?:/gi, /\bsrc\s*=/gi, /\bhref\s*=\s*(?!["']?#)/gi, /url\(\s*(?!["']?#)/gi, /@import/gi, /<script/gi, /<link/gi, /<iframe/gi]) {
    for (const m of html.matchAll(re)) found.push(html.slice(Math.max(0, m.index - 30), m.index + 40));
  }
  return found;
}

describe('renderReport', () => {
  let result: StudyResult;
  let html: string;
  const warnings: string[] = [];
  let ms = 0;
  before(async () => {
    result = studyFixture();
    // vega is imported lazily on first render now (an optional peer): load it before the clock starts, as the static import did.
    await Promise.all([import('vega'), import('vega-lite')]);
    const t0 = performance.now();
    html = (await renderReport(result, { onWarning: (m) => warnings.push(m) })).html;
    ms = performance.now() - t0;
  });

  it('renders in well under the suite budget', () => {
    assert.ok(ms < 5000, `rendering took ${ms.toFixed(0)} ms`);
  });

  it('compiles every chart without a Vega-Lite or Vega warning', () => {
    assert.deepEqual(warnings, []);
  });

  it('holds one inline <svg> per chart and every chart title', () => {
    const charts = studyCharts(result);
    assert.equal(charts.length, 14);
    assert.equal(html.split('<svg').length - 1, charts.length);
    for (const c of charts) assert.ok(html.includes(`<h3>${c.title}</h3>`), `missing chart title ${c.title}`);
    assert.equal(html.split('How to read this chart:').length - 1, charts.length);
  });

  it('holds every section title, the summary table and the recommendation first', () => {
    for (const s of SECTIONS) assert.ok(html.includes(`<section id="${s.id}"><h2>${s.title}</h2>`), s.title);
    assert.ok(html.includes('<h2>Summary by batch size</h2>'));
    assert.equal((html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '').split('<tr').length - 1, 5);
    const rec = html.indexOf('Use batch size <strong>32</strong> with learning rate <strong>0.113</strong>');
    assert.ok(rec > 0 && rec < html.indexOf('<svg'));
    for (const e of result.recommendation.evidence) assert.ok(html.includes(e.replace(/&/g, '&amp;')), e);
  });

  it('reaches nothing outside the page: no URL, script, link, external src or href', () => {
    assert.deepEqual(externalReferences(html), []);
    assert.ok(!/\/\/[a-z0-9]/i.test(html.replace(/<!--[\s\S]*?-->/g, '')), 'a protocol-relative or absolute URL');
  });

  it('is readable on a phone: viewport meta and SVGs that scale down', () => {
    assert.ok(html.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
    assert.match(html, /figure svg\{[^}]*max-width:100%;height:auto/);
    for (const m of html.matchAll(/<svg [^>]*width="(\d+)"[^>]*viewBox="0 0 (\d+) \d+"/g)) {
      assert.equal(m[1], m[2]);
      assert.ok(Number(m[1]) <= 520, `chart ${m[1]} px wide`);
    }
  });

  it('gives each SVG its own element ids so clip paths and gradients do not collide', () => {
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(m[1]), `dangling url(#${m[1]})`);
  });

  it('leaves out the tuning and range-test charts when the study has none', async () => {
    const bare = { ...studyFixture(), tune: undefined, lrRange: undefined };
    const out = (await renderReport(bare)).html;
    assert.equal(out.split('<svg').length - 1, 11);
    assert.ok(!out.includes('id="learning-rate"'));
  });

  it('renders a study cancelled before any run finished: no empty charts, still the recommendation', async () => {
    const r = studyFixture();
    const empty = { ...r, tune: undefined, lrRange: undefined, compare: { ...r.compare, runs: [], summary: [], partial: true } };
    const out = (await renderReport(empty)).html;
    assert.ok(!out.includes('<svg'));
    assert.ok(out.includes('Use batch size <strong>32</strong>'));
    assert.ok(out.includes('<strong>Incomplete:</strong>'));
  });

  it('warns at the top when the study was cancelled part-way', async () => {
    const r = studyFixture();
    const out = (await renderReport({ ...r, compare: { ...r.compare, partial: true } })).html;
    assert.match(out, /Incomplete:<\/strong> the batch-size comparison was cancelled/);
  });
});
