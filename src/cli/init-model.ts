// --init: start training from a saved model (minibatch file or TF.js LayersModel) instead of a new one.
import { UsageError } from './run-command.js';
import type { Task } from './model-arg.js';
import { alignToModel } from '../data/align.js';
import type { Dataset } from '../data/dataset.js';
import type { Scaling } from '../data/scaling.js';
import { Model } from '../nn/model.js';

/** A loaded --init model with its data aligned to it and the scaling its weights expect. */
export interface InitModel { model: Model; raw: Dataset; scaling: Scaling }

/**
 * Loads `--init` and aligns `raw` (the --data rows) to it: columns reordered to the model's
 * feature names and class labels to its classes when the file names them. The scaling is the
 * model's own (a minibatch model file) or none (a TF.js model takes the features as they come),
 * so the weights see inputs like those they were trained on; `--scale` does not apply.
 */
export async function loadInit(path: string, raw: Dataset, dataName: string, task: Task, modelOpt: string | undefined): Promise<InitModel> {
  if (modelOpt !== undefined) throw new UsageError(`--init ${path} and --model ${modelOpt} both choose the model; drop --model (the architecture comes from the --init file)`);
  // Loaded on use: model-file.ts brings the schema library that a sweep without --init never needs.
  const { loadModel } = await import('../platform/node/model-file.js');
  const model = await loadModel(path);
  const meta = model.meta ?? {};
  const aligned = alignToModel(raw, meta.features, meta.classNames, dataName);
  const nf = aligned.numFeatures;
  if (nf !== model.inputs) throw new UsageError(`--init ${path} takes ${model.inputs} features but --data ${dataName} has ${nf}; use data with the columns the model was trained on`);
  checkOutputs(model, task, path);
  const scaling: Scaling = meta.scaling ?? { method: 'none', offset: new Array<number>(nf).fill(0), scale: new Array<number>(nf).fill(1) };
  return { model, raw: aligned, scaling };
}

/** A fresh copy of `model` (same spec and weights) for each run of a sweep. */
export function copies(model: Model): (seed: number) => Model {
  const weights = model.getWeights();
  return () => { const m = new Model(model.spec); m.setWeights(weights); return m; };
}

function checkOutputs(model: Model, task: Task, path: string): void {
  const { output } = model.spec; const k = model.outputs;
  const ok = task.kind === 'regression'
    ? output === 'linear' && k === task.outputs
    : (output === 'sigmoid' && k === 1 && task.classes === 2) || (output === 'softmax' && k === task.classes);
  if (ok) return;
  const want = task.kind === 'regression'
    ? `a linear output of ${task.outputs} unit${task.outputs === 1 ? '' : 's'} for the numeric target`
    : task.classes === 2 ? 'a sigmoid output of 1 unit (or softmax of 2) for the 2 classes' : `a softmax output of ${task.classes} units for the ${task.classes} classes`;
  throw new UsageError(`--init ${path} has a ${output} output of ${k} unit${k === 1 ? '' : 's'}, but the target needs ${want}; give the matching --target or another model`);
}
