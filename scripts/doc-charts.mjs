#!/usr/bin/env node
// Renders chosen charts of a study's results.json to SVG files for the docs (needs `npm run build`).
// Usage: node scripts/doc-charts.mjs RESULTS.json OUT_PREFIX [chart-id ...]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseStudyResult, studyCharts, renderSvg } from '../dist/src/index.js';

const [file, prefix, ...ids] = process.argv.slice(2);
if (!file || !prefix) {
  process.stderr.write('usage: node scripts/doc-charts.mjs RESULTS.json OUT_PREFIX [chart-id ...]\n');
  process.exit(2);
}
const result = parseStudyResult(JSON.parse(readFileSync(file, 'utf8')), file);
const charts = studyCharts(result).filter((c) => ids.length === 0 || ids.includes(c.id));
for (const c of charts) {
  // Inline SVG in the report needs no namespace; a standalone .svg file does.
  const svg = (await renderSvg(c.spec, { idPrefix: c.id })).replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ');
  writeFileSync(`${prefix}-${c.id}.svg`, svg);
  process.stdout.write(`${prefix}-${c.id}.svg  ${c.title}\n`);
}
