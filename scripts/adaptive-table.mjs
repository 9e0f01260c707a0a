#!/usr/bin/env node
// Builds docs/adaptive.md's table and curves: adaptive batch size vs Smith's schedule vs the best fixed batch size (needs `npm run build`).
// Usage: node scripts/adaptive-table.mjs [DATASETS_DIR] > table.md   (writes docs/img/adaptive-*.svg and docs/adaptive-results.json)
// Times are priced by one throughput profile per data set (updates x seconds per update at each
// batch size), because wall time on a loaded machine is unreliable; wall seconds are kept too.
// ONLY=mnist,pima runs some sets; DEBUG=1 prints every grid cell's time to target; LRRULE=sqrt-gain sets the adaptive lrRule.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluate, loadBuiltin, loadCsv, split, fitScaling, applyScaling, softmaxRegression, mlp, sgd, fit, throughputProfile, kneeOf, secondsPerUpdateAt, defaultMaxBatch, renderSvg,
} from '../dist/src/index.js';

const dir = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'datasets');
const SEEDS = [1, 2];
const LRS = [0.03, 0.1, 0.3, 1];
const PROFILES = 3;
const EVALS_PER_EPOCH = 4;
const SETS = [
  { name: 'mnist', load: () => loadBuiltin('mnist'), model: (s) => softmaxRegression({ inputs: 784, classes: 10, seed: s }), epochs: 5, sizes: [8, 32, 128, 512] },
  { name: 'pima', file: 'pima-indians-diabetes.csv', model: (s) => mlp({ layers: [8, 12, 8, 1], output: 'sigmoid', seed: s }), epochs: 30, sizes: [8, 32, 128] },
  { name: 'banknote', file: 'banknote_authentication.csv', model: (s) => mlp({ layers: [4, 8, 1], output: 'sigmoid', seed: s }), epochs: 20, sizes: [8, 32, 128, 512] },
  { name: 'ionosphere', file: 'ionosphere.csv', model: (s) => mlp({ layers: [34, 16, 1], output: 'sigmoid', seed: s }), epochs: 30, sizes: [8, 32, 128] },
];

async function load(set) {
  const data = set.load ? await set.load() : await loadCsv(join(dir, set.file), { header: false });
  const { train, test } = split(data, { testFraction: 0.2, seed: 1 });
  if (set.load) return { train, val: test };
  const sc = fitScaling(train, 'standardize');
  return { train: applyScaling(train, sc), val: applyScaling(test, sc) };
}

/**
 * The throughput profile, taken PROFILES times; each batch size keeps its fastest median (other
 * jobs on the machine only ever slow a timing down, so the minimum is the least disturbed one),
 * and the knee is recomputed from the kept rows.
 */
function steadiestProfile(model, train) {
  const runs = Array.from({ length: PROFILES }, () => throughputProfile(model, train, { optimizer: sgd({ learningRate: 1e-4 }) }));
  const rows = runs[0].rows.map((r, i) => {
    const sec = Math.min(...runs.map((p) => p.rows[i].secondsPerUpdate));
    return { ...r, secondsPerUpdate: sec, examplesPerSecond: r.batchSize / sec };
  });
  const { peak, knee } = kneeOf(rows, 0.9);
  return { ...runs[0], rows, peakExamplesPerSecond: peak, knee, repeats: runs[0].repeats * PROFILES };
}

/**
 * One run's curve: the start, then every EVALS_PER_EPOCH-th of an epoch (the first update at or
 * past each multiple of n / EVALS_PER_EPOCH examples, so the points line up across runs), with
 * validation loss, wall seconds (evaluation included; unreliable under load) and priced seconds
 * (the sum over updates of the profile's seconds per update at that update's batch size).
 */
async function run(set, d, seed, lr, opts, spu) {
  const model = set.model(seed);
  const n = d.train.length; const every = n / EVALS_PER_EPOCH;
  const pts = [{ k: 0, ep: 0, epoch: 0, updates: 0, priced: 0, wall: 0, valLoss: evaluate(model, d.val).loss, batchSize: NaN, lr: NaN }];
  let priced = 0; let seen = 0; let next = every; let batch = NaN; let lrNow = NaN; const t0 = performance.now();
  const optimizer = sgd({ learningRate: lr });
  const onBatchEnd = (info) => {
    if (info.batch === 0) { batch = info.size; lrNow = lr * optimizer.lrScale; }
    priced += spu(info.size); seen += info.size;
    if (seen >= next - 1e-9) {
      while (next <= seen + 1e-9) next += every;
      pts.push({ k: Math.round(next / every) - 1, ep: info.epoch, epoch: seen / n, updates: info.updates, priced, wall: (performance.now() - t0) / 1000, valLoss: evaluate(model, d.val).loss, batchSize: batch, lr: lrNow });
    }
  };
  try {
    await fit(model, d.train, { ...opts, epochs: set.epochs, seed, optimizer, callbacks: { onBatchEnd } });
  } catch (e) {
    if (e.name !== 'DivergenceError') throw e;
    pts.diverged = e.epoch; // the curve stops at the last point before the divergence was caught
  }
  model.dispose?.();
  return pts;
}

/** The seed-mean curve: the points with the same evaluation index k in every run, averaged (a diverged run ends the mean curve). */
const meanCurve = (curves) => {
  const byK = curves.map((c) => new Map(c.map((p) => [p.k, p])));
  return curves[0].filter((p) => byK.every((m) => m.has(p.k)))
    .map((p) => Object.fromEntries(Object.keys(p).map((key) => [key, mean(byK.map((m) => m.get(p.k)[key]))])))
    .filter((p) => Number.isFinite(p.valLoss));
};
/** Batch size and learning-rate scale of each epoch of one run (from its first point in that epoch). */
const perEpoch = (c, key) => [...new Map(c.slice(1).map((p) => [p.ep, p[key]])).values()];
const reach = (pts, target, k) => pts.find((p) => p.valLoss <= target)?.[k] ?? NaN;
const mean = (v) => (v.some((x) => !Number.isFinite(x)) ? NaN : v.reduce((a, b) => a + b, 0) / v.length);
const fmt = (v) => (Number.isFinite(v) ? (v < 0.01 ? v.toExponential(2) : v.toFixed(3)) : 'not reached');

const out = []; const rows = [];
for (const set of SETS) {
  if (process.env.ONLY && !process.env.ONLY.split(',').includes(set.name)) continue;
  if (set.file && !existsSync(join(dir, set.file))) { process.stderr.write(`skipping ${set.name}: ${join(dir, set.file)} absent\n`); continue; }
  const d = await load(set);
  const n = d.train.length;
  const prof = steadiestProfile(set.model(1), d.train);
  const spu = (b) => secondsPerUpdateAt(prof, b);
  const sizes = set.sizes.filter((b) => b <= n);
  // The fixed grid: every batch size at every rate, two seeds; the best rate per size by mean final validation loss.
  const fixed = []; const grid = [];
  for (const b of sizes) {
    let best;
    for (const lr of LRS) {
      const curves = []; for (const s of SEEDS) curves.push(await run(set, d, s, lr, { batchSize: b }, spu));
      const final = mean(curves.map((c) => c.diverged ? Infinity : c[c.length - 1].valLoss));
      grid.push({ batchSize: b, lr, curves, final });
      if (!best || final < best.final) best = { batchSize: b, lr, curves, final };
    }
    fixed.push(best);
    process.stderr.write(`${set.name}: B=${b} best lr ${best.lr} final val loss ${best.final.toFixed(4)}\n`);
  }
  // The target: 1.1 x the lowest validation loss of any fixed batch size's seed-mean curve (so the best one reaches it).
  const target = 1.1 * Math.min(...fixed.flatMap((f) => meanCurve(f.curves).map((p) => p.valLoss)));
  if (process.env.DEBUG) for (const g of grid) { const m = meanCurve(g.curves); process.stderr.write(`  grid B=${g.batchSize} lr=${g.lr} final ${g.final.toFixed(4)} min ${Math.min(...m.map((p) => p.valLoss)).toFixed(4)} reach@epoch ${reach(m, target, 'epoch')} priced ${fmt(reach(m, target, 'priced'))}\n`); }
  const score = (curves) => { const m = meanCurve(curves); return { priced: reach(m, target, 'priced'), wall: reach(m, target, 'wall'), updates: reach(m, target, 'updates'), final: m[m.length - 1].valLoss }; };
  const fixedScores = fixed.map((f) => ({ batchSize: f.batchSize, lr: f.lr, ...score(f.curves) }));
  const bestFixed = fixedScores.filter((f) => Number.isFinite(f.priced)).sort((a, b) => a.priced - b.priced)[0];
  // B0: the best fixed size (soonest to target, priced) at its tuned rate, as the study's stage does
  // (no other tuning; else the smallest grid size of at least 8); B_max: the throughput knee (at most n).
  const start = (bestFixed && fixed.find((f) => f.batchSize === bestFixed.batchSize)) ?? fixed.find((f) => f.batchSize >= 8) ?? fixed[0];
  const b0 = start.batchSize;
  const max = Math.max(b0, Number.isFinite(prof.knee) ? Math.min(prof.knee, n) : defaultMaxBatch(n));
  const adaptive = []; const smith = [];
  for (const s of SEEDS) {
    adaptive.push(await run(set, d, s, start.lr, { batchSize: 'adaptive', adaptive: { initial: b0, max, throughput: prof.rows, ...(process.env.LRRULE ? { lrRule: process.env.LRRULE } : {}) } }, spu));
    smith.push(await run(set, d, s, start.lr, { batchSize: b0, batchSizeSchedule: { type: 'step', every: Math.max(1, Math.round(set.epochs / 5)), factor: 2, max } }, spu));
  }
  process.stderr.write(`${set.name}: seconds per update (what the policy decides and the runs are priced by) ${prof.rows.map((r) => `${r.batchSize}: ${r.secondsPerUpdate.toExponential(2)}`).join(', ')}\n`);
  process.stderr.write(`${set.name}: adaptive B ${perEpoch(adaptive[0], 'batchSize').join(',')} lr x ${perEpoch(adaptive[0], 'lr').map((v) => (v / start.lr).toFixed(2)).join(',')}\n`);
  const a = score(adaptive); const sm = score(smith);
  // The fastest cell of the whole grid (any rate), beside the best fixed size at its final-loss rate: how much a rate tuned for speed would give.
  const fastest = grid.map((g) => ({ batchSize: g.batchSize, lr: g.lr, ...score(g.curves) })).filter((g) => Number.isFinite(g.priced)).sort((x, y) => x.priced - y.priced)[0];
  const sizesUsed = perEpoch(adaptive[0], 'batchSize');
  const div = [...adaptive, ...smith].filter((c) => c.diverged).length;
  if (div) process.stderr.write(`${set.name}: ${adaptive.filter((c) => c.diverged).map((c) => `adaptive diverged in epoch ${c.diverged}`).concat(smith.filter((c) => c.diverged).map((c) => `Smith diverged in epoch ${c.diverged}`)).join(', ')}\n`);
  rows.push(`| ${set.name} | ${n} | ${fmt(target)} | ${bestFixed.batchSize} (lr ${bestFixed.lr}) | ${fmt(bestFixed.priced)} | ${fmt(a.priced)} | ${fmt(sm.priced)} | ${fmt(bestFixed.wall)} / ${fmt(a.wall)} / ${fmt(sm.wall)} | ${fastest.batchSize}, lr ${fastest.lr}: ${fmt(fastest.priced)} | ${[...new Set(sizesUsed)].join('→')}${adaptive[0].diverged ? ` (diverged in epoch ${adaptive[0].diverged})` : ''} | ${a.priced <= bestFixed.priced ? 'yes' : 'no'} |`);
  out.push({ name: set.name, trainRows: n, knee: prof.knee, maxBatchSize: max, target, fixed: fixedScores, fastestCell: fastest, adaptive: { initial: b0, lr: start.lr, ...a, batchSizes: sizesUsed, lrScale: perEpoch(adaptive[0], 'lr').map((v) => v / start.lr), diverged: adaptive.map((c) => c.diverged ?? null) }, smith: { initial: b0, every: Math.max(1, Math.round(set.epochs / 5)), lr: start.lr, ...sm, diverged: smith.map((c) => c.diverged ?? null) }, throughput: prof.rows.map((r) => ({ batchSize: r.batchSize, secondsPerUpdate: r.secondsPerUpdate })) });
  // Curves: validation loss against priced seconds, mean over seeds per epoch.
  const line = (label, curves) => meanCurve(curves).map((p) => ({ series: label, seconds: p.priced, valLoss: p.valLoss })).filter((p) => p.seconds > 0);
  const bf = fixed.find((f) => f.batchSize === bestFixed.batchSize);
  const values = [...line(`fixed ${bf.batchSize} (best)`, bf.curves), ...line('adaptive', adaptive), ...line('Smith schedule', smith)];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: 520, height: 300, background: 'white',
    title: `${set.name}: validation loss against priced training seconds (target ${fmt(target)} dashed)`,
    layer: [
      { data: { values }, mark: { type: 'line', point: true }, encoding: { x: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'training seconds (priced by the throughput profile)' }, y: { field: 'valLoss', type: 'quantitative', scale: { zero: false }, title: 'validation loss' }, color: { field: 'series', type: 'nominal', title: null } } },
      { data: { values: [{ y: target }] }, mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  };
  const svg = (await renderSvg(spec, { idPrefix: `adaptive-${set.name}` })).replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ');
  writeFileSync(join(import.meta.dirname, '..', 'docs', 'img', `adaptive-${set.name}.svg`), svg);
}
writeFileSync(join(import.meta.dirname, '..', 'docs', 'adaptive-results.json'), JSON.stringify(out, null, 1) + '\n');
process.stdout.write(['| data | train rows | target val loss | best fixed B | fixed (s) | adaptive (s) | Smith (s) | wall s: fixed / adaptive / Smith | fastest grid cell (any rate) | adaptive B by epoch (seed 1) | adaptive no slower |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n') + '\n');
