// The playground page's script: reads the controls, starts the three runs and trains them a few ms per frame.
import { loadPlayData, type DataName, type PlayData } from './data.js';
import { advanceRuns, startRuns, type PlayRun } from './runs.js';
import { drawBoundary, drawCurves } from './draw.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const dataSel = $<HTMLSelectElement>('data'); const modelSel = $<HTMLSelectElement>('model'); const optSel = $<HTMLSelectElement>('optimizer');
const batch = $<HTMLInputElement>('batch'); const lr = $<HTMLInputElement>('lr'); const epochsSel = $<HTMLSelectElement>('epochs');
const xSel = $<HTMLSelectElement>('x'); const go = $<HTMLButtonElement>('go');
const runsBox = $<HTMLDivElement>('runs'); const curves = $<HTMLDivElement>('curves');

const SLICE_MS = 12; // training time per animation frame: the page stays responsive
let data: PlayData | undefined; let runs: PlayRun[] = []; let playing = false; let frame = 0;
let dataName: DataName | undefined; let errorShown = false;

const learningRate = (): number => +(10 ** +lr.value).toPrecision(2);

function showControls(): void {
  $<HTMLOutputElement>('batch-out').textContent = batch.value;
  $<HTMLOutputElement>('lr-out').textContent = String(learningRate());
}

/** Builds the panels of the three runs (title, heat map for 2-D data, stats line). */
function buildPanels(): void {
  runsBox.textContent = '';
  for (const r of runs) {
    const div = document.createElement('div'); div.className = 'run'; div.style.setProperty('--c', r.color);
    const h = document.createElement('h2'); h.textContent = r.label; div.appendChild(h);
    if (data?.twoD) { const c = document.createElement('canvas'); c.width = 240; c.height = 240; div.appendChild(c); }
    const s = document.createElement('div'); s.className = 'stats'; div.appendChild(s);
    runsBox.appendChild(div);
  }
}

function render(): void {
  if (!data) return;
  drawCurves(curves, runs, xSel.value as 'epoch' | 'updates' | 'trainSeconds', xSel.value === 'updates');
  runs.forEach((r, i) => {
    const panel = runsBox.children[i] as HTMLElement | undefined; if (!panel || !data) return;
    const canvas = panel.querySelector('canvas'); if (canvas) drawBoundary(canvas, r, data);
    const pts = r.runner.result().points; const last = pts[pts.length - 1];
    const stats = panel.querySelector('.stats');
    if (stats && last) {
      const metric = data.classes === undefined ? '' : `, accuracy ${(100 * last.valMetric).toFixed(1)} %`;
      const state = r.runner.result().diverged ? ' (diverged: lower the learning rate)' : r.runner.done ? ' (done)' : '';
      stats.textContent = `epoch ${last.epoch.toFixed(1)}, ${last.updates} updates: validation loss ${last.valLoss.toPrecision(3)}${metric}${state}`;
    }
  });
}

/** (Re)starts the three runs from the same initial weights with the current controls. */
async function reset(): Promise<void> {
  playing = false; go.textContent = 'Train';
  const name = dataSel.value as DataName;
  if (name !== dataName || !data) { data = await loadPlayData(name); dataName = name; }
  batch.max = String(data.train.length);
  if (+batch.value > data.train.length) batch.value = String(data.train.length);
  showControls();
  for (const r of runs) r.model.dispose();
  runs = startRuns(data, { model: modelSel.value, optimizer: optSel.value, batchSize: +batch.value, learningRate: learningRate(), epochs: +epochsSel.value });
  buildPanels(); render();
}

function tick(): void {
  if (!playing) return;
  const done = advanceRuns(runs, SLICE_MS);
  if (done || ++frame % 3 === 0) render();
  if (done) { playing = false; go.textContent = 'Train'; document.body.dataset['state'] = 'done'; return; }
  requestAnimationFrame(tick);
}

function fail(err: unknown): void {
  if (errorShown) return; errorShown = true;
  curves.textContent = `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
}

go.addEventListener('click', () => {
  if (runs.every((r) => r.runner.done)) { void reset().then(() => { playing = true; go.textContent = 'Pause'; requestAnimationFrame(tick); }, fail); return; }
  playing = !playing; go.textContent = playing ? 'Pause' : 'Train';
  if (playing) { document.body.dataset['state'] = 'training'; requestAnimationFrame(tick); }
});
$<HTMLButtonElement>('reset').addEventListener('click', () => { void reset().catch(fail); });
for (const c of [dataSel, modelSel, optSel, epochsSel]) c.addEventListener('change', () => { void reset().catch(fail); });
for (const c of [batch, lr]) { c.addEventListener('input', showControls); c.addEventListener('change', () => { void reset().catch(fail); }); }
xSel.addEventListener('change', render);
void reset().then(() => { document.body.dataset['state'] = 'ready'; }, fail);
