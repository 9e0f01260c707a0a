// Aligns a dataset to the feature names and class names a model was trained with.
import { MinibatchError } from '../core/errors.js';
import { Dataset } from './dataset.js';

/**
 * Reorders `data`'s feature columns into `features` order by name. A one-hot column the model
 * knows but the data lacks (a category absent from this file, named `column=value`) is filled
 * with 0; any other missing column is an error, and so is a category the model never saw.
 * Class labels are remapped by name to the model's `classNames` order. `source` names the data.
 */
export function alignToModel(data: Dataset, features: string[] | undefined, classNames: string[] | undefined, source: string): Dataset {
  let x = data.x;
  if (features && !sameList(features, data.features)) x = reorderColumns(data, features, source);
  let y = data.y;
  if (classNames && data.classNames && !sameList(classNames, data.classNames)) {
    const map = data.classNames.map((name) => {
      const k = classNames.indexOf(name);
      if (k < 0) {
        throw new MinibatchError('BAD_LABEL', `${source} has class '${name}', which the model was not trained on (its classes: ${classNames.join(', ')})`);
      }
      return k;
    });
    y = Float32Array.from(data.y, (v) => map[v]!);
  }
  return new Dataset(x, y, data.length, {
    features: features ?? data.features, targets: data.targets,
    ...(classNames ?? data.classNames ? { classNames: classNames ?? data.classNames } : {}),
  });
}

function reorderColumns(data: Dataset, features: string[], source: string): Float32Array {
  const index = new Map(data.features.map((f, i) => [f, i]));
  const known = new Set(features);
  for (const f of data.features) {
    if (!known.has(f)) {
      const hint = f.includes('=') ? 'a category the model never saw in training' : 'a column the model was not trained on';
      throw new MinibatchError('BAD_SHAPE', `${source} has feature '${f}', ${hint}; the model takes: ${features.slice(0, 12).join(', ')}${features.length > 12 ? ', ...' : ''}`);
    }
  }
  const src = features.map((f) => {
    const i = index.get(f);
    if (i === undefined && !f.includes('=')) {
      throw new MinibatchError('BAD_SHAPE', `${source} has no feature '${f}', which the model needs (the data has ${data.numFeatures} feature columns, the model takes ${features.length}); give a file with the same columns as the training data`);
    }
    return i ?? -1;
  });
  const nf = features.length; const of = data.numFeatures;
  const out = new Float32Array(data.length * nf);
  for (let r = 0; r < data.length; r++) {
    for (let j = 0; j < nf; j++) { const i = src[j]!; out[r * nf + j] = i < 0 ? 0 : data.x[r * of + i]!; }
  }
  return out;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
