// What `minibatch train` prints: epoch lines, the learning-rate notes, the final summary and the --json result.
import type { EpochRecord, History } from '../train/fit.js';
import type { Evaluation as EvalResult } from '../train/evaluate.js';
import type { AutoLearningRate } from '../experiments/fit-auto.js';
import { formatMetrics, formatNumber } from './format.js';

/** One epoch: loss, metrics, validation loss and metrics, updates and seconds. */
export function epochLine(r: EpochRecord): string {
  const m = Object.entries(formatMetrics(r.metrics)).map(([k, v]) => `${k} ${v}`).join(' ');
  const vm = r.valMetrics ? Object.entries(formatMetrics(r.valMetrics)).map(([k, v]) => `val_${k} ${v}`).join(' ') : '';
  return `epoch ${r.epoch}: loss ${formatNumber(r.trainLoss)} ${m}${r.valLoss !== undefined ? ` val_loss ${formatNumber(r.valLoss)} ${vm}` : ''} (${r.updates} updates, ${r.trainSeconds.toFixed(2)} s)`;
}

/** What --lr auto chose and why (the rule, the range, the batch size), in one line. */
export function autoLrLine(a: AutoLearningRate, used: number, sum: boolean): string {
  const spread = a.seeds > 1 ? `, spread ${a.spreadLog10.toFixed(2)} in log10 over ${a.seeds} seeds` : '';
  const perSum = sum ? `; with --reduction sum the rate is divided by the batch size: ${formatNumber(used)}` : '';
  return `--lr auto: learning rate ${formatNumber(a.learningRate)} = ${a.rule} (range test from ${a.minLr} to ${a.maxLr} over ${a.steps} updates at batch size ${a.batchSize}${spread})${perSum}\n`;
}

/** With --reduction sum each update moves by lr x the summed gradient: lr x batch size per mean gradient. */
export function effectiveLrLine(lr: number, batchSize: number): string {
  return `--reduction sum: effective learning rate lr x batch size = ${formatNumber(lr)} x ${batchSize} = ${formatNumber(lr * batchSize)} (per mean gradient)\n`;
}

/** The closing lines on stderr: what trained, validation figures, where the model went. */
export function printSummary(s: { modelName: string; history: History; valEval: EvalResult | undefined; out: string | undefined; aborted: boolean; ckptPath: string | undefined }): void {
  const { history, valEval, out, aborted, ckptPath } = s;
  const final = history.records[history.records.length - 1]!;
  process.stderr.write(`trained ${s.modelName} on ${history.trainExamples} rows: batch size ${history.batchSize}, ${history.batchesPerEpoch} updates per epoch, ${final.epoch} epochs in ${final.trainSeconds.toFixed(2)} s${history.stopped ? ` (stopped: ${history.stopped})` : ''}\n`);
  if (valEval) process.stderr.write(`validation (${valEval.examples} rows): loss ${formatNumber(valEval.loss)} ${Object.entries(formatMetrics(valEval.metrics)).map(([k, v]) => `${k} ${v}`).join(' ')}\n`);
  if (out && !aborted) process.stderr.write(`model saved to ${out}\n`);
  if (aborted) {
    const kept = out !== undefined ? `; ${out} was not written (nor replaced)` : '';
    process.stderr.write(ckptPath !== undefined ? `interrupted: checkpoint saved to ${ckptPath}${kept}; run the same command with --resume to continue\n` : 'interrupted (no checkpoint: give --out or --checkpoint to be able to resume)\n');
  }
}
