// Progress of a sweep on stderr: trials done, running and time left, per stage.
import { createProgress, type Progress } from './progress.js';
import type { TrialLabel } from '../experiments/run/setup.js';

/**
 * A progress callback for sweeps: a bar per stage on a terminal, otherwise a line whenever
 * another tenth of the stage's trials has finished. Nothing with `quiet`.
 */
export function sweepProgress(quiet: boolean): { onProgress(stage: string, done: number, total: number, running: readonly TrialLabel[]): void; stop(): void } {
  let stage = ''; let bar: Progress | undefined; let lastTenth = -1; const t0 = performance.now();
  return {
    onProgress(s, done, total, running) {
      if (quiet || total === 0) return;
      if (s !== stage) {
        bar?.stop();
        stage = s; lastTenth = -1;
        bar = createProgress(total, `${s} trials`, quiet);
      }
      const now = running.map((r) => `bs ${r.requested} lr ${r.learningRate.toPrecision(2)} seed ${r.seed}`).join(', ');
      bar!.update(done, { running: now || '-' });
      const tenth = Math.floor((10 * done) / total);
      if (process.stderr.isTTY !== true && tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${s}: ${done}/${total} trials done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    },
    stop() { bar?.stop(); },
  };
}
