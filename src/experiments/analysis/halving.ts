// Successive halving (Jamieson & Talwalkar 2016): the rung plan and the survivor selection, pure.
import { checkInt, checkNumber } from '../../core/check.js';

/** A cell's result at one rung: its validation loss (mean over seeds) and whether it diverged. */
export interface RungScore { loss: number; diverged: boolean }

/** One rung of the plan: epochs each cell trains, and how many cells per group train it. */
export interface Rung { epochs: number; cellsPerGroup: number[] }

/**
 * The rungs of successive halving with reduction factor eta over groups of cells (each group
 * is halved on its own). With n the largest group and E the full epoch budget, there are
 * R + 1 rungs, R = min(floor(log_eta n), floor(log_eta E)); rung r trains each surviving cell
 * for e_r = max(1, round(E / eta^(R - r))) epochs from scratch, so the last rung has the full
 * budget E; a group of k cells keeps ceil(k / eta) of them from one rung to the next.
 */
export function halvingPlan(groupSizes: readonly number[], maxEpochs: number, eta: number): Rung[] {
  checkInt('budget.epochs', maxEpochs, 1, 1e9, 'BAD_EPOCHS');
  checkNumber('eta', eta, 1, 1e6, { minInclusive: false, hint: 'Use 3 (keep the best third each rung)' });
  const n = Math.max(1, ...groupSizes);
  const R = Math.min(floorLog(n, eta), floorLog(maxEpochs, eta));
  const rungs: Rung[] = [];
  let sizes = [...groupSizes];
  for (let r = 0; r <= R; r++) {
    rungs.push({ epochs: Math.max(1, Math.round(maxEpochs / eta ** (R - r))), cellsPerGroup: sizes });
    sizes = sizes.map((k) => Math.ceil(k / eta));
  }
  return rungs;
}

/** Largest integer R with eta^R <= x (exact for integer powers). */
function floorLog(x: number, eta: number): number {
  let r = 0; let p = eta;
  while (p <= x * (1 + 1e-12)) { r++; p *= eta; }
  return r;
}

/**
 * Orders cell indices from best to worst: finite losses ascending, then diverged or non-finite
 * cells; ties keep the given order (so the selection is deterministic).
 */
export function rankCells(indices: readonly number[], score: (i: number) => RungScore): number[] {
  const key = (i: number): number => {
    const s = score(i);
    return s.diverged || !Number.isFinite(s.loss) ? Infinity : s.loss;
  };
  return indices.map((i, pos) => ({ i, k: key(i), pos }))
    .sort((a, b) => (a.k === b.k ? a.pos - b.pos : a.k < b.k ? -1 : 1))
    .map((e) => e.i);
}

/** Per group, the best `keep[g]` cells of `alive` by `score` (group order, then rank). */
export function selectSurvivors(
  alive: readonly number[], groupOf: (i: number) => number, keep: readonly number[], score: (i: number) => RungScore,
): number[] {
  const groups = new Map<number, number[]>();
  for (const i of alive) {
    const g = groupOf(i);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  }
  const out: number[] = [];
  for (const [g, members] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    out.push(...rankCells(members, score).slice(0, keep[g] ?? members.length));
  }
  return out;
}

/** The trace of a halving run: each cell's scores by rung, and whether it stopped early. */
export interface HalvingTrace {
  /** history[i]: the rungs cell i trained, in order. */
  history: Array<Array<{ rung: number; epochs: number; score: RungScore }>>;
  partial: boolean;
}

/**
 * Runs successive halving: `train(cells, epochs, rung)` trains the given cells for `epochs`
 * and returns their scores (undefined for a cell that did not finish, which stops the search,
 * marked partial). Groups are given by `groupOf`; all cells start in rung 0.
 */
export async function successiveHalving(
  cellCount: number, groupOf: (i: number) => number, maxEpochs: number, eta: number,
  train: (cells: number[], epochs: number, rung: number) => Promise<Array<RungScore | undefined>>,
): Promise<HalvingTrace> {
  const groupSizes: number[] = [];
  for (let i = 0; i < cellCount; i++) { const g = groupOf(i); groupSizes[g] = (groupSizes[g] ?? 0) + 1; }
  const plan = halvingPlan(Array.from(groupSizes, (k) => k ?? 0), maxEpochs, eta);
  const history: HalvingTrace['history'] = Array.from({ length: cellCount }, () => []);
  let alive = Array.from({ length: cellCount }, (_, i) => i);
  for (let r = 0; r < plan.length; r++) {
    const rung = plan[r]!;
    if (r > 0) {
      const last = (i: number): RungScore => history[i]![history[i]!.length - 1]!.score;
      alive = selectSurvivors(alive, groupOf, rung.cellsPerGroup, last);
    }
    const scores = await train(alive, rung.epochs, r);
    let complete = true;
    alive.forEach((cell, j) => {
      const s = scores[j];
      if (s) history[cell]!.push({ rung: r, epochs: rung.epochs, score: s }); else complete = false;
    });
    if (!complete) return { history, partial: true };
  }
  return { history, partial: false };
}

/**
 * Asynchronous successive halving (ASHA; Li et al. 2018, "A System for Massively Parallel
 * Hyperparameter Tuning") over the same plan as successiveHalving: every cell of rung 0 is
 * submitted at once and a cell is promoted to rung r + 1 as soon as it ranks among the best
 * floor(d / eta) of the d cells of its group that have finished rung r (all of the plan's
 * survivors once the rung is complete), never more than the plan's count for that rung. So no
 * worker idles waiting for a rung to finish. A promotion is final: a cell promoted early on
 * partial evidence keeps its slot even if later results rank it below the synchronous cut,
 * which is how the choices can differ from successiveHalving (see docs/distributed.md).
 * `train` must accept concurrent calls; the order of completions decides early promotions.
 */
export async function asyncSuccessiveHalving(
  cellCount: number, groupOf: (i: number) => number, maxEpochs: number, eta: number,
  train: (cell: number, epochs: number, rung: number) => Promise<RungScore | undefined>,
): Promise<HalvingTrace> {
  const groupSizes: number[] = [];
  for (let i = 0; i < cellCount; i++) { const g = groupOf(i); groupSizes[g] = (groupSizes[g] ?? 0) + 1; }
  const plan = halvingPlan(Array.from(groupSizes, (k) => k ?? 0), maxEpochs, eta);
  const history: HalvingTrace['history'] = Array.from({ length: cellCount }, () => []);
  const finished = new Map<string, number[]>(); const promoted = new Map<string, Set<number>>();
  const pending = new Set<Promise<void>>();
  let partial = false;
  const scoreAt = (r: number) => (i: number): RungScore => history[i]!.find((h) => h.rung === r)!.score;
  const promote = (r: number, g: number): void => {
    if (partial || r + 1 >= plan.length) return;
    const quota = plan[r + 1]!.cellsPerGroup[g] ?? 0;
    const done = finished.get(`${r}:${g}`) ?? [];
    const up = promoted.get(`${r}:${g}`) ?? new Set<number>(); promoted.set(`${r}:${g}`, up);
    const complete = done.length >= (plan[r]!.cellsPerGroup[g] ?? 0);
    const k = complete ? quota : Math.min(quota, Math.floor(done.length / eta));
    for (const c of rankCells(done, scoreAt(r)).slice(0, k)) {
      if (up.size >= quota) break;
      if (!up.has(c)) { up.add(c); launch(c, r + 1); }
    }
  };
  const launch = (cell: number, r: number): void => {
    const p = train(cell, plan[r]!.epochs, r).then((score) => {
      if (!score) { partial = true; return; }
      history[cell]!.push({ rung: r, epochs: plan[r]!.epochs, score });
      const g = groupOf(cell); const key = `${r}:${g}`;
      finished.set(key, [...(finished.get(key) ?? []), cell]);
      promote(r, g);
    });
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
  };
  for (let i = 0; i < cellCount; i++) launch(i, 0);
  while (pending.size > 0) await Promise.race(pending);
  return { history, partial };
}
