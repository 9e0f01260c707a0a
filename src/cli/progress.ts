// Progress on stderr: a bar when stderr is a terminal, otherwise periodic summary lines.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, fields: Record<string, string>): void;
  /** A line of text that does not disturb the bar. */
  log(line: string): void;
  stop(): void;
}

/**
 * A progress reporter for `total` steps of `unit` (e.g. epochs). With `quiet` it prints
 * nothing; when stderr is not a terminal it prints nothing per step either (callers log
 * summaries with `log`).
 */
export function createProgress(total: number, unit: string, quiet: boolean): Progress {
  const tty = process.stderr.isTTY === true;
  if (quiet) return { update() {}, log() {}, stop() {} };
  if (!tty) return { update() {}, log: (l) => process.stderr.write(`${l}\n`), stop() {} };
  const multi = new cliProgress.MultiBar({
    stream: process.stderr,
    format: `${unit} {value}/{total} [{bar}] {percentage}% | {info} | eta {eta_formatted}`,
    barCompleteChar: '#', barIncompleteChar: '-', hideCursor: true, clearOnComplete: true,
    etaBuffer: 20, fps: 10,
  }, cliProgress.Presets.shades_classic);
  const bar = multi.create(total, 0, { info: '' });
  return {
    update: (done, fields) => bar.update(done, { info: Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' | ') }),
    log: (line) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}
