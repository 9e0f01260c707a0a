// Loads data for an existing model: same columns, same classes as in training (raw features: the model scales).
import type { Dataset } from '../data/dataset.js';
import { alignToModel } from '../data/align.js';
import { MinibatchError } from '../core/errors.js';
import type { Model } from '../nn/model.js';
import { loadDataArg, type DataArgs } from './data-arg.js';

/**
 * Loads `--data` for `model`: columns reordered to the model's feature names, class labels
 * mapped to its classes. The features stay raw: model.predict and evaluate apply the model's
 * saved scaling (its `preprocessing`) themselves, exactly once. With `targetOptional`
 * (predict) a file without the target column is accepted.
 */
export async function loadForModel(model: Model, a: DataArgs, targetOptional: boolean): Promise<Dataset> {
  const meta = model.meta ?? {};
  let data: Dataset;
  if (!targetOptional || a.target !== undefined) {
    data = await loadDataArg(a);
    if (!targetOptional) checkHasTarget(data, meta, a);
  } else {
    data = await loadDataArg(a, { needTarget: false });
    if (meta.features && data.numFeatures > meta.features.length) {
      data = await loadDataArg(a);
    }
  }
  const aligned = alignToModel(data, meta.features, meta.classNames, a.data);
  if (aligned.numFeatures !== model.inputs) {
    throw new MinibatchError('BAD_SHAPE', `${a.data} has ${aligned.numFeatures} features but the model takes ${model.inputs}; use data with the training file's columns`);
  }
  return aligned;
}

/**
 * evaluate needs the target: when the file's last column (taken as the target) is one of the
 * model's features, the file most likely lacks the target column, which deserves a clear message.
 */
function checkHasTarget(data: Dataset, meta: NonNullable<Model['meta']>, a: DataArgs): void {
  const t = data.targets[0];
  if (a.target !== undefined || t === undefined || !meta.features?.includes(t) || data.numFeatures + 1 !== meta.features.length) return;
  const want = meta.targets?.length ? ` (${meta.targets.join(', ')})` : '';
  throw new MinibatchError('BAD_SHAPE', `${a.data} seems to lack the target column${want}: it has ${meta.features.length} columns, as many as the model's features, and its last one, '${t}', is one of them. ` +
    'Give the data with its target column (or --target), or use minibatch predict for data without targets');
}
