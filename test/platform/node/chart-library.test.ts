// Tests of the Node loader of the report's chart libraries: the single-file build draws the same bytes as the packages.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartLibrarySource, installChartLibrary, loadChartLibrary } from '../../../src/platform/node/chart-library.js';
import { loadVegaPackages, renderSvg, setVegaLoader, type VegaLibrary } from '../../../src/report/render-svg.js';
import { renderReport } from '../../../src/report/html.js';
import { studyFixture } from '../../report/fixture.js';

describe('the chart libraries in Node', () => {
  after(installChartLibrary);

  it('takes the single-file build that npm run build writes, a module apart from the packages', async () => {
    assert.equal(chartLibrarySource(), 'bundle');
    const bundle = await loadChartLibrary('bundle');
    const packages = await loadChartLibrary('packages');
    assert.equal(typeof bundle.compile, 'function');
    assert.equal(typeof bundle.vega.View, 'function');
    assert.notEqual(bundle.vega.View, packages.vega.View, 'two builds of vega, not one module twice');
    assert.equal(bundle.vega.version, packages.vega.version);
  });

  it('draws the whole report page in the same bytes as the packages', async () => {
    const study = studyFixture({ hostile: true });
    setVegaLoader(() => loadChartLibrary('packages'));
    const fromPackages = (await renderReport(study)).html;
    setVegaLoader(() => loadChartLibrary('bundle'));
    const fromBundle = (await renderReport(study)).html;
    assert.ok((fromPackages.match(/<svg /g) ?? []).length >= 8, 'the page has its charts');
    assert.equal(fromBundle, fromPackages);
  });
});

describe('setVegaLoader', () => {
  after(installChartLibrary);
  const spec = { data: { values: [{ x: 1, y: 2 }, { x: 2, y: 1 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } } as const;

  it('loads once for every chart, and tries again after a load that failed', async () => {
    let calls = 0;
    setVegaLoader(async (): Promise<VegaLibrary> => {
      calls += 1;
      if (calls === 1) throw new Error('no vega here');
      return loadVegaPackages();
    });
    await assert.rejects(renderSvg(spec), /no vega here/);
    const a = await renderSvg(spec);
    const b = await renderSvg(spec);
    assert.equal(calls, 2);
    assert.equal(a, b);
    assert.match(a, /^<svg /);
  });
});
