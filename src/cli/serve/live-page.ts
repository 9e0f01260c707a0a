// The live study page: an EventSource on /events and a small inline SVG plotter (no framework, works offline).

/** The page's HTML for a command named `title` (study, compare or tune). */
export function livePage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>minibatch ${title} (live)</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#1d1d1f;background:#fff}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1em 0 .3em}
#status{color:#555;min-height:1.4em}.chart svg{width:100%;height:auto;display:block;border:1px solid #e3e3e3;border-radius:4px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;margin:4px 0}.legend span::before{content:"";display:inline-block;width:14px;height:3px;margin-right:5px;vertical-align:middle;background:var(--c)}
label{font-size:14px}select{font:inherit}
</style></head><body>
<h1>minibatch ${title}: live</h1>
<p id="status">waiting for the first trial...</p>
<label>x axis <select id="x"><option value="epoch">epochs</option><option value="examplesSeen">examples seen</option><option value="updates">updates</option><option value="trainSeconds">seconds</option></select></label>
<div id="charts"></div>
<script>${CLIENT}</script>
</body></html>`;
}

// The page's script: plain ES2017, no template literals (it sits inside one).
const CLIENT = String.raw`
(function () {
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var TITLES = { tune: 'Tuning: validation loss of each trial', compare: 'Comparison: validation loss per batch size and seed' };
  var runs = { tune: [], compare: [] };
  var xSel = document.getElementById('x');
  var statusEl = document.getElementById('status');
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) { return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : String(+v.toPrecision(3)); }
  function sizes(list) {
    var s = []; list.forEach(function (r) { if (s.indexOf(r.batchSize) < 0) s.push(r.batchSize); });
    return s.sort(function (a, b) { return a - b; });
  }
  // The y range: every loss after the first evaluation, the top capped at the highest starting loss
  // (a line above it is diverging), so one bad run cannot flatten the others against the bottom.
  function yRange(list) {
    var ys = [], start = 0;
    list.forEach(function (r) { r.points.forEach(function (p, i) { if (!isFinite(p.valLoss)) return; if (i > 0) ys.push(p.valLoss); else start = Math.max(start, p.valLoss); }); });
    if (ys.length === 0) ys.push(start);
    var lo = Math.min.apply(null, ys), hi = Math.min(Math.max.apply(null, ys), start || Infinity);
    if (!(hi > lo)) { hi = lo + 1; }
    var pad = (hi - lo) * 0.05;
    return [Math.max(0, lo - pad), hi + pad];
  }
  function draw(stage) {
    var list = runs[stage];
    var box = document.getElementById('chart-' + stage);
    if (!box) {
      box = document.createElement('div'); box.className = 'chart'; box.id = 'chart-' + stage;
      var h = document.createElement('h2'); h.textContent = TITLES[stage] || stage; box.appendChild(h);
      document.getElementById('charts').appendChild(box);
    }
    while (box.childNodes.length > 1) box.removeChild(box.lastChild);
    var xk = xSel.value, W = 640, H = 320, L = 56, R = 12, T = 10, B = 40;
    var xmax = 0;
    list.forEach(function (r) { r.points.forEach(function (p) { if (p[xk] > xmax) xmax = p[xk]; }); });
    if (!(xmax > 0)) xmax = 1;
    var yr = yRange(list);
    var sx = function (v) { return L + (W - L - R) * v / xmax; };
    var sy = function (v) { return T + (H - T - B) * (1 - (v - yr[0]) / (yr[1] - yr[0])); };
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': TITLES[stage] || stage }, box);
    var clip = el('clipPath', { id: 'clip-' + stage }, el('defs', {}, svg));
    el('rect', { x: L, y: T, width: W - L - R, height: H - T - B }, clip);
    for (var i = 0; i <= 4; i++) {
      var yv = yr[0] + (yr[1] - yr[0]) * i / 4, xv = xmax * i / 4;
      el('line', { x1: L, x2: W - R, y1: sy(yv), y2: sy(yv), stroke: '#eee' }, svg);
      el('text', { x: L - 6, y: sy(yv) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#555' }, svg).textContent = fmt(yv);
      el('text', { x: sx(xv), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 12, fill: '#555' }, svg).textContent = fmt(xv);
    }
    el('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 13 }, svg).textContent = xSel.options[xSel.selectedIndex].text;
    el('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', 'font-size': 13, transform: 'rotate(-90 14 ' + (T + H - B) / 2 + ')' }, svg).textContent = 'validation loss';
    var bs = sizes(list), g = el('g', { 'clip-path': 'url(#clip-' + stage + ')' }, svg);
    list.forEach(function (r) {
      var d = r.points.filter(function (p) { return isFinite(p.valLoss); }).map(function (p, i) { return (i ? 'L' : 'M') + sx(p[xk]).toFixed(1) + ' ' + sy(p.valLoss).toFixed(1); }).join(' ');
      if (d) el('path', { d: d, fill: 'none', stroke: COLORS[bs.indexOf(r.batchSize) % COLORS.length], 'stroke-width': 1.6, 'stroke-opacity': stage === 'tune' ? 0.55 : 0.9 }, g);
    });
    var legend = document.createElement('div'); legend.className = 'legend';
    bs.forEach(function (b, i) { var s = document.createElement('span'); s.style.setProperty('--c', COLORS[i % COLORS.length]); s.textContent = 'batch ' + b; legend.appendChild(s); });
    box.appendChild(legend);
  }
  xSel.addEventListener('change', function () { Object.keys(runs).forEach(function (s) { if (runs[s].length) draw(s); }); });
  var es = new EventSource('/events');
  es.addEventListener('trial', function (e) {
    var r = JSON.parse(e.data);
    (runs[r.stage] = runs[r.stage] || []).push(r);
    draw(r.stage);
  });
  es.addEventListener('progress', function (e) {
    var p = JSON.parse(e.data);
    statusEl.textContent = p.stage + ': ' + p.done + ' of ' + p.total + ' trials finished';
  });
  es.addEventListener('done', function (e) {
    es.close();
    var report = JSON.parse(e.data).report;
    statusEl.textContent = report ? 'done: opening the report...' : 'done: every trial has finished';
    if (report) setTimeout(function () { location.replace(report); }, 1500); // a last look at the finished curves
  });
})();
`;
