// fitStream's sampleWeight and classWeight: class counts from a first pass, and each chunk's row weights.
import { show } from '../core/check.js';
import { MinibatchError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { RowSource } from '../data/stream-csv.js';
import type { Model } from '../nn/model.js';
import { checkClassWeightModel, checkWeight, classWeightsFromCounts, countClasses, labelOf, type ClassWeight } from './sample-weights.js';

/**
 * fitStream's per-row weights: a function of each chunk as read (before `scaling`; rows in the
 * chunk's shuffled order) returning one weight per row, e.g. from a feature or the target.
 */
export type StreamSampleWeight = (chunk: Dataset) => Float32Array | readonly number[];

/**
 * Weights the rows of each chunk as fit's sampleWeight and classWeight weigh its rows:
 * w_i = sampleWeight(chunk)[i] x classWeight[y_i]. 'balanced' needs the class counts of every
 * row: they are counted in one extra pass over the source before training (in file order, no
 * shuffling, so the training order is unchanged).
 */
export class ChunkWeights {
  private constructor(
    private readonly model: Model, private readonly sampleWeight: StreamSampleWeight | undefined,
    private readonly perClass: Float64Array | undefined,
  ) {}

  /** undefined when neither option is set (every row weighs 1, the unweighted path). */
  static async create(model: Model, source: RowSource, bufferRows: number, sampleWeight: unknown, classWeight: ClassWeight | undefined): Promise<ChunkWeights | undefined> {
    if (sampleWeight === undefined && classWeight === undefined) return undefined;
    if (sampleWeight !== undefined && typeof sampleWeight !== 'function') {
      throw new MinibatchError('BAD_ARGUMENT', `fitStream's sampleWeight must be a function (chunk) => weights, one per row of the chunk (rows stream in shuffled chunks, so a fixed array cannot follow them), got ${show(sampleWeight)}`);
    }
    let perClass: Float64Array | undefined;
    if (classWeight !== undefined) {
      const counts = new Float64Array(checkClassWeightModel(model));
      if (classWeight === 'balanced') for await (const chunk of source.chunks({ bufferRows })) countClasses(model, chunk, counts);
      perClass = classWeightsFromCounts(model, counts, classWeight);
    }
    return new ChunkWeights(model, sampleWeight as StreamSampleWeight | undefined, perClass);
  }

  /** The weights of `chunk`'s rows (checked: finite, >= 0, one per row). */
  of(chunk: Dataset): Float32Array {
    const n = chunk.length; const w = new Float32Array(n).fill(1);
    if (this.sampleWeight) {
      const sw = this.sampleWeight(chunk);
      if (!sw || typeof sw !== 'object' || sw.length !== n) {
        throw new MinibatchError('BAD_ARGUMENT', `sampleWeight returned ${sw && typeof sw === 'object' ? `${sw.length} weights` : show(sw)} for a chunk of ${n} rows; return one weight per row of the chunk it is given`);
      }
      for (let i = 0; i < n; i++) w[i] = checkWeight(`sampleWeight(chunk)[${i}]`, sw[i]);
    }
    const pc = this.perClass;
    if (pc) for (let i = 0; i < n; i++) w[i] = w[i]! * pc[labelOf(this.model, chunk, i)]!;
    return w;
  }
}
