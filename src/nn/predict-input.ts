// The rows predict takes: number[][] or a row-major Float32Array, flattened and checked (shape, numbers, finite).
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';

/** Rows of `width` numbers into one row-major Float32Array; anything else is a MinibatchError naming the row. */
export function flattenRows(x: number[][], width: number): Float32Array {
  if (!Array.isArray(x)) {
    throw new MinibatchError('BAD_ARGUMENT', `predict needs rows of features (number[][], e.g. [[${Array.from({ length: Math.min(width, 3) }, () => 0).join(', ')}${width > 3 ? ', ...' : ''}]]) or a row-major Float32Array, got ${show(x)}`);
  }
  const out = new Float32Array(x.length * width);
  x.forEach((row, i) => {
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new MinibatchError('BAD_SHAPE', `predict: row ${i} is ${show(row)}, not an array of ${width} numbers`);
    if (row.length !== width) throw new MinibatchError('BAD_SHAPE', `row ${i} has ${row.length} features, the model takes ${width}`);
    for (let j = 0; j < width; j++) {
      if (typeof row[j] !== 'number') throw new MinibatchError('BAD_ARGUMENT', `predict: row ${i}, column ${j} is ${show(row[j])}, not a number; give numeric features (encode categories as the training did)`);
    }
    out.set(row, i * width);
  });
  return out;
}

/** Refuses a NaN or infinite input value, naming its (0-based) row and column. */
export function checkFinite(x: Float32Array, width: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      throw new MinibatchError('BAD_ARGUMENT', `predict: row ${Math.floor(i / width)}, column ${i % width} is ${v}; every feature must be a finite number. Fill in missing values (e.g. with the training mean) before predicting`);
    }
  }
}
