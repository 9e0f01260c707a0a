// Timing harness: warm-up, calibrated repeats of whole epochs, median throughput.

/** Something that trains for a number of epochs, keeping its state between calls. */
export interface Runner {
  run(epochs: number): void | Promise<void>;
  dispose?(): void;
}

export interface Measurement {
  /** Median training examples per second over the repeats. */
  examplesPerSec: number;
  /** Microseconds per update at that median. */
  usPerStep: number;
  epochsPerRepeat: number;
  /** Wall seconds of each timed repeat. */
  repeatSeconds: number[];
  /** Process CPU seconds (user + system) of each timed repeat: steadier than wall time on a busy machine. */
  repeatCpuSeconds: number[];
  /** Microseconds of CPU per update at the median CPU repeat. */
  cpuUsPerStep: number;
}

export interface MeasureOptions {
  /** Each timed repeat lasts at least this long. Default 0.3 s. */
  minSeconds?: number;
  /** Timed repeats; the median is reported. Default 3. */
  repeats?: number;
  /** Untimed warm-up (JIT, caches, first allocations). Default 0.15 s. */
  warmupSeconds?: number;
}

const now = (): number => performance.now() / 1000;

/**
 * Warms `runner` up, sizes a repeat to whole epochs lasting >= minSeconds, then times
 * `repeats` repeats and reports the median. The epoch is the unit because every column
 * (this project, the hand-fused loop, TF.js) takes an epoch count. If the warm-up estimate
 * was off (JIT still settling, a busy machine) and a repeat comes in short, the repeat size
 * grows and the repeats start again (at most twice).
 */
export async function measure(
  runner: Runner, examplesPerEpoch: number, stepsPerEpoch: number, o: MeasureOptions = {},
): Promise<Measurement> {
  const minSeconds = o.minSeconds ?? 0.3; const repeats = o.repeats ?? 3; const warm = o.warmupSeconds ?? 0.15;
  let epochs = 1; let spent = 0; let perEpoch = Infinity;
  while (spent < warm) {
    const t0 = now(); await runner.run(epochs); const dt = now() - t0;
    spent += dt; perEpoch = dt / epochs;
    if (spent < warm) epochs = Math.max(epochs * 2, Math.ceil((warm - spent) / perEpoch / 2));
  }
  let epochsPerRepeat = Math.max(1, Math.ceil((minSeconds * 1.1) / perEpoch));
  let repeatSeconds: number[] = []; let repeatCpuSeconds: number[] = [];
  for (let restarts = 0; repeatSeconds.length < repeats;) {
    const c0 = process.cpuUsage(); const t0 = now();
    await runner.run(epochsPerRepeat);
    const dt = now() - t0; const c = process.cpuUsage(c0);
    if (dt < 0.9 * minSeconds && restarts < 2) {
      restarts++; repeatSeconds = []; repeatCpuSeconds = [];
      epochsPerRepeat = Math.ceil(epochsPerRepeat * Math.min(8, (minSeconds * 1.1) / dt));
      continue;
    }
    repeatSeconds.push(dt); repeatCpuSeconds.push((c.user + c.system) / 1e6);
  }
  const med = median(repeatSeconds);
  const steps = epochsPerRepeat * stepsPerEpoch;
  return {
    examplesPerSec: (epochsPerRepeat * examplesPerEpoch) / med,
    usPerStep: (med / steps) * 1e6,
    epochsPerRepeat, repeatSeconds, repeatCpuSeconds,
    cpuUsPerStep: (median(repeatCpuSeconds) / steps) * 1e6,
  };
}

export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
