// The busy guard: one training run at a time per model, since two would interleave their weight updates.
import { MinibatchError } from '../core/errors.js';
import type { Model } from '../nn/model.js';

/** The task training each model now (a weak map: it holds no model alive). */
const busy = new WeakMap<Model, string>();

/**
 * Marks `model` as trained by `task` ('fit', 'fitStream', 'a trial', ...) until the returned
 * release function is called; throws MinibatchError MODEL_BUSY when another task holds it,
 * since two concurrent runs (`Promise.all([fit(m, d), fit(m, d)])`) would mix their updates of
 * the same weights. Release is idempotent.
 */
export function claimModel(model: Model, task: string): () => void {
  const holder = busy.get(model);
  if (holder !== undefined) {
    throw new MinibatchError('MODEL_BUSY', `${task} was called on a model that ${holder} is still training; two runs on one model at once would mix their weight updates. ` +
      `Await the first run before starting the next (e.g. await fit(model, ...) in turn, not Promise.all), or train a separate model built from the same spec`);
  }
  busy.set(model, task);
  let held = true;
  return () => { if (held) { held = false; busy.delete(model); } };
}

/** True while some task holds `model` (see claimModel). */
export function isModelBusy(model: Model): boolean { return busy.has(model); }
