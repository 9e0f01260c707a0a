// The memory a model needs to train (pure arithmetic), checked before anything is allocated.
import { MinibatchError } from '../core/errors.js';

/** WebAssembly memory is at most 65536 pages of 64 KiB: 4 GiB. Every model lives in one. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/** Bytes of each part of a training run's memory, and their total. */
export interface MemoryEstimate {
  parameters: number;
  gradient: number;
  optimizerState: number;
  activations: number;
  total: number;
}

/**
 * Estimates the bytes a dense model of widths `layers` needs to train with batches of
 * `batchSize` rows (float32, 4 bytes a number):
 *   P = sum_i (l_i l_{i+1} + l_{i+1})          parameters, and as many gradients,
 *   S = slots x P                               optimizer state (sgd 0, momentum/rmsprop 1, adam 2),
 *   A = 2 x batchSize x sum_i l_i               activations of every layer and their gradients.
 * Work buffers of the kernels are small next to these and are not counted.
 */
export function estimateTrainingMemory(layers: readonly number[], batchSize = 1, optimizerSlots = 0): MemoryEstimate {
  let params = 0; let units = 0;
  for (let i = 0; i < layers.length; i++) {
    units += layers[i]!;
    if (i + 1 < layers.length) params += layers[i]! * layers[i + 1]! + layers[i + 1]!;
  }
  const parameters = 4 * params; const gradient = 4 * params;
  const optimizerState = 4 * params * optimizerSlots;
  const activations = 4 * 2 * batchSize * units;
  return { parameters, gradient, optimizerState, activations, total: parameters + gradient + optimizerState + activations };
}

/** A byte count in short human form: 512 B, 3.2 MiB, 37.3 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes; let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}

/** The parts of an estimate in words, for messages. */
export function describeEstimate(e: MemoryEstimate, batchSize?: number): string {
  const parts = [`parameters ${formatBytes(e.parameters)}`, `gradient ${formatBytes(e.gradient)}`];
  if (e.optimizerState > 0) parts.push(`optimizer state ${formatBytes(e.optimizerState)}`);
  if (e.activations > 0) parts.push(`activations${batchSize !== undefined ? ` for a batch of ${batchSize}` : ''} ${formatBytes(e.activations)}`);
  return parts.join(', ');
}

/**
 * Refuses (MinibatchError BAD_SHAPE) a model whose parameters and gradient alone exceed the 4 GiB
 * a WebAssembly memory can hold, before anything is allocated; `what` names the argument.
 */
export function checkModelFits(layers: readonly number[], what = 'layers'): void {
  const e = estimateTrainingMemory(layers, 0, 0);
  if (e.total > WASM_MEMORY_LIMIT) {
    throw new MinibatchError('BAD_SHAPE', `${what} [${layers.join(', ')}] give a model of ${formatBytes(e.total)} (${describeEstimate(e)}), more than the ${formatBytes(WASM_MEMORY_LIMIT)} limit of a model's memory; use narrower layers`);
  }
}
