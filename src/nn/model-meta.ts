// The metadata that travels with a model (names, classes, preprocessing, training settings): its schema and type, a leaf of nn/.
import { z } from 'zod';

const scalingSchema = z.object({
  method: z.enum(['standardize', 'minmax', 'none']),
  offset: z.array(z.number()),
  scale: z.array(z.number()),
}).strict();

/** Names, classes and preprocessing that travel with a model so predictions use the same transform. */
export const modelMetaSchema = z.object({
  features: z.array(z.string()).optional(),
  classNames: z.array(z.string()).optional(),
  targets: z.array(z.string()).optional(),
  /** x' = (x - offset) / scale per feature, fitted on the training split. */
  scaling: scalingSchema.optional(),
  /** The training configuration (optimizer, batch size, epochs, seed, ...), free-form. */
  training: z.record(z.string(), z.unknown()).optional(),
}).strict();
export type ModelMeta = z.infer<typeof modelMetaSchema>;
