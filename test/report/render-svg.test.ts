// Tests of SVG rendering: offline, inert, namespace-free, deterministic ids.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import { assertInertSvg, renderSvg } from '../../src/report/render-svg.js';
import { MinibatchError } from '../../src/core/errors.js';
import { FONT_STACK } from '../../src/report/theme.js';
import { tuneHeatmapSpec } from '../../src/report/charts.js';
import { studyFixture } from './fixture.js';

const line: TopLevelSpec = {
  width: 200, height: 100, config: { font: FONT_STACK },
  data: { values: [{ x: 1, y: 2 }, { x: 10, y: 1 }, { x: 100, y: 3 }] },
  mark: { type: 'line', clip: true },
  encoding: { x: { field: 'x', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'y', type: 'quantitative' } },
};

describe('renderSvg', () => {
  it('renders in Node without a browser and writes no URL, not even the xmlns', async () => {
    const svg = await renderSvg(line);
    assert.match(svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    assert.ok(svg.endsWith('</svg>'));
    assert.ok(!svg.includes('http'), 'no http in the SVG');
    assert.ok(!svg.includes('xmlns'), 'no namespace declaration');
    assert.ok(svg.includes('font-family="system-ui'), 'system font stack');
  });

  it('is deterministic and names ids after the prefix, resolving every url(#id)', async () => {
    const spec = tuneHeatmapSpec(studyFixture().tune!);
    const a = await renderSvg(spec, { idPrefix: 'heat' });
    await renderSvg(line);
    const b = await renderSvg(spec, { idPrefix: 'heat' });
    assert.equal(a, b);
    const ids = [...a.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(ids.length > 0 && ids.every((id) => /^heat-\d+$/.test(id ?? '')));
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(m[1]));
  });

  it('refuses specs that try to load data or images from outside', async () => {
    await assert.rejects(
      renderSvg({ data: { url: 'https://example.com/data.csv' }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } }),
      (e: unknown) => e instanceof MinibatchError && /load nothing from outside/.test(e.message),
    );
    await assert.rejects(
      renderSvg({ data: { values: [{ a: 1 }] }, mark: { type: 'image', url: 'https://example.com/x.png' }, encoding: { x: { field: 'a', type: 'quantitative' } } }),
      MinibatchError,
    );
  });

  it('passes warnings to onWarning and prints nothing', async () => {
    const warnings: string[] = [];
    await renderSvg({ data: { values: [] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } }, { onWarning: (m) => warnings.push(m) });
    assert.ok(warnings.some((w) => /Infinite extent/.test(w)));
  });
});

describe('assertInertSvg', () => {
  it('accepts local url(#id) references and escaped text', () => {
    const ok = '<svg width="1"><defs><clipPath id="a"><rect/></clipPath></defs><g clip-path="url(#a)"><text>&lt;script&gt; https://x</text></g></svg>';
    assert.equal(assertInertSvg(ok), ok);
  });

  for (const [what, svg] of [
    ['a script element', '<svg><script>alert(1)</script></svg>'],
    ['an image element', '<svg><image href="x.png"/></svg>'],
    ['an event handler', '<svg><rect onload="alert(1)"/></svg>'],
    ['an href', '<svg><a xlink:href="#x"></a></svg>'],
    ['a remote url()', '<svg><rect fill="url(https://example.com/p.svg#g)"/></svg>'],
    ['a foreignObject', '<svg><foreignObject></foreignObject></svg>'],
    ['a style element', '<svg><style>@import "x.css";</style></svg>'],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => assertInertSvg(svg), MinibatchError);
    });
  }
});
