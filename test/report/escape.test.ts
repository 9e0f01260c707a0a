// Tests that every user-provided string is escaped in the page and inside chart SVG text.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/html.js';
import { renderSvg } from '../../src/report/render-svg.js';
import { escapeHtml } from '../../src/report/format.js';
import { HOSTILE, studyFixture } from './fixture.js';

describe('escaping of user-provided strings', () => {
  let html: string;
  before(async () => {
    html = (await renderReport(studyFixture({ hostile: true }))).html;
  });

  it('never lets a hostile column, class, data set or model name through as markup', () => {
    assert.ok(!html.includes('<script>'), 'raw <script>');
    assert.ok(!html.includes('<img'), 'raw <img');
    assert.ok(!/<[^>]*\sonerror\s*=/i.test(html), 'an onerror attribute inside a tag');
  });

  it('shows the hostile names as text', () => {
    for (const h of HOSTILE) assert.ok(html.includes(escapeHtml(h)), `escaped ${h}`);
    assert.ok(html.includes('moons &amp; &quot;friends&quot; &lt;script&gt;'), 'data set name escaped');
    assert.ok(html.includes(`<title>Batch size study: moons &amp; &quot;friends&quot; ${escapeHtml(HOSTILE[0])}</title>`));
  });

  it('escapes hostile strings that reach SVG text, titles and aria labels', async () => {
    const svg = await renderSvg({
      title: HOSTILE[0],
      description: HOSTILE[1],
      data: { values: [{ name: HOSTILE[0], v: 1 }, { name: HOSTILE[1], v: 2 }, { name: '"quoted" & <b>', v: 3 }] },
      mark: 'bar',
      encoding: { x: { field: 'name', type: 'nominal', title: HOSTILE[1] }, y: { field: 'v', type: 'quantitative' } },
    });
    assert.ok(!svg.includes('<script'), 'raw <script> in SVG');
    assert.ok(!svg.includes('<img'), 'raw <img> in SVG');
    assert.ok(!svg.includes('<b>'), 'raw <b> in SVG');
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'));
    for (const m of svg.matchAll(/<[a-zA-Z][^>]*>/g)) assert.ok(!/\sonerror=/i.test(m[0].replace(/"[^"]*"/g, '""')), m[0]);
  });

  it('escapeHtml covers the five special characters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
