// Error types: MinibatchError (bad input, with a code) and DivergenceError (training blew up).

/** Machine-readable reasons a call was refused; each message also says how to fix it. */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'BAD_BATCH_SIZE'
  | 'BAD_EPOCHS'
  | 'BAD_LEARNING_RATE'
  | 'BAD_SHAPE'
  | 'BAD_LABEL'
  | 'EMPTY_DATASET'
  | 'BAD_WEIGHTS'
  | 'BAD_MODEL_FILE'
  | 'BAD_RESULTS_FILE'
  | 'BAD_CSV'
  | 'MISSING_VALUE'
  | 'NOT_FOUND'
  | 'IO'
  | 'DIVERGED'
  | 'CANCELLED'
  | 'KERNEL_THREAD'
  | 'MODEL_BUSY'
  | 'LOCKED';

/**
 * The one error type of the library. `code` is stable and machine-readable; the message names
 * the value that was given, what was expected and how to fix it.
 */
export class MinibatchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MinibatchError';
    this.code = code;
  }
}

/**
 * Training stopped because the loss became NaN, infinite, or divergenceFactor (default 1000) x
 * the loss before the first update (the one rule of train/loop.ts).
 * `records` holds the per-epoch history up to the failure so it can still be inspected.
 */
export class DivergenceError<R = unknown> extends MinibatchError {
  readonly epoch: number;
  readonly loss: number;
  readonly records: R[];
  constructor(epoch: number, loss: number, records: R[], learningRate?: number) {
    const lr = learningRate === undefined ? '' : ` (learning rate ${learningRate})`;
    const smaller = learningRate === undefined ? 'a smaller learning rate' : `a smaller learning rate such as ${Number((learningRate / 10).toPrecision(3))}`;
    super(
      'DIVERGED',
      `training diverged in epoch ${epoch}: the loss became ${loss}${lr}. ` +
        `Try ${smaller}, a larger batch size, or feature scaling (standardize).`,
    );
    this.name = 'DivergenceError';
    this.epoch = epoch;
    this.loss = loss;
    this.records = records;
  }
}
