// The Backend interface: the kernel table and resident engines that nn/ and optim/ reach kernels through (the only kernels/ module they import, with math.ts), and the steady-rows promise.

/** Element-wise activation codes shared by every backend (numbers keep kernels monomorphic). */
export const ACT = { linear: 0, relu: 1, leakyRelu: 2, tanh: 3, sigmoid: 4 } as const;
export type ActCode = (typeof ACT)[keyof typeof ACT];

/**
 * The matrix kernels a dense layer needs, all row-major over float32, and the factory for a
 * model's resident engine. Parameters live in one flat array `P`: a layer's weights W [k, n]
 * start at `wOff`, its bias b [n] at `bOff`. Implementations must not allocate per call once
 * warmed up for a shape.
 *
 * A new backend (e.g. a native addon in kernels/native/) implements these five kernels and
 * `createDense`; if it keeps parameters in memory of its own and has fused optimizer updates,
 * it registers that memory with {@link registerResident} so optimizers find them.
 */
export interface Backend {
  readonly name: string;
  /** Forward: C[m,n] = A[m,k] W[k,n] + b[n]. */
  denseForward(m: number, k: number, n: number, A: Float32Array, P: Float32Array, wOff: number, bOff: number, C: Float32Array): void;
  /** Input gradient: dX[m,k] = dY[m,n] W[k,n]^T. */
  denseBackwardInput(m: number, k: number, n: number, dY: Float32Array, P: Float32Array, wOff: number, dX: Float32Array): void;
  /** Parameter gradients: G[wOff..] = X^T dY (k x n) and G[bOff..] = column sums of dY (n). */
  denseBackwardParams(m: number, k: number, n: number, X: Float32Array, dY: Float32Array, G: Float32Array, wOff: number, bOff: number): void;
  /** In place: Z[0..len) <- f(Z). */
  activationForward(act: ActCode, Z: Float32Array, len: number, slope: number): void;
  /** In place: D[i] <- D[i] f'(z_i), with f' written in terms of the output A = f(z). */
  activationBackward(act: ActCode, A: Float32Array, D: Float32Array, len: number, slope: number): void;
  /**
   * A model's resident state and passes: its parameter vector, gradient and work buffers,
   * made once per model (the fast path every training step runs through).
   */
  createDense(layout: DenseLayout): DenseEngine;
}

/** The shape of a dense stack, as a Model lays out its flat parameter vector. */
export interface DenseLayout {
  /** Widths from input to output. */
  readonly layers: readonly number[];
  readonly wOff: readonly number[];
  readonly bOff: readonly number[];
  /** Hidden-layer activation. */
  readonly act: ActCode;
  /** Negative-side slope for leaky relu (0 for every other activation). */
  readonly slope: number;
  readonly paramCount: number;
  /** Where a fused loss adds its sums in a stats array (the caller's layout). */
  readonly stats: StatSlots;
}

/**
 * Inverted-dropout masks, one per hidden layer (null: no dropout there), each row-major [m, width]
 * with values 0 (dropped) or 1/(1-p) (kept and scaled); filled by the model from its own seeded
 * RNG, so every backend applies the same masks.
 */
export type DropoutMasks = readonly (Float32Array | null)[];

/** Slots of a running-statistics Float64Array that a fused loss adds to. */
export interface StatSlots { readonly loss: number; readonly correct: number; readonly count: number }

/**
 * Copies the feature rows of a batch, by index, into `x` (which the engine's first layer reads
 * in place when it lives in the engine's memory).
 */
export interface RowGatherer {
  readonly x: Float32Array;
  gather(order: Uint32Array, start: number, count: number): void;
}

/**
 * A model's resident engine. `params` and `grad` are the model's parameter vector and gradient
 * buffer (zeroed at first); passes also accept other arrays of the same layout (a perturbed
 * copy in a gradient check), at the cost of a copy where the engine keeps its own memory.
 * Nothing is allocated per step once the buffers fit the batch.
 */
export interface DenseEngine {
  readonly params: Float32Array;
  readonly grad: Float32Array;
  /** The buffer a loss writes d loss / d logits into before `backward` (re-made when the capacity grows). */
  readonly delta: Float32Array;
  /** True when `softmaxLoss` is a fused kernel (else the caller computes the loss itself). */
  readonly fusedSoftmax: boolean;
  /**
   * Forward pass for m rows of x; returns the buffer whose first m x outputs values are the logits.
   * With `masks` (training with dropout) hidden layer l's outputs are multiplied element-wise by
   * `masks[l]` (when not null) after its activation, and `backward` multiplies the deltas
   * flowing back into them by the same masks; without, no mask is applied (evaluation).
   */
  forward(params: Float32Array, x: Float32Array, m: number, masks?: DropoutMasks): Float32Array;
  /** After `forward` with the same arguments and the loss written into `delta`: the gradient into `grad`. */
  backward(params: Float32Array, x: Float32Array, m: number, grad: Float32Array): void;
  /**
   * Softmax cross-entropy of the logits `forward` left for m rows against class indices y: adds
   * the summed loss, correct predictions and m to the layout's stat slots and, when `grad`,
   * writes `delta` = scale (softmax - onehot), scale 1 when `sum` else 1/m. Only when `fusedSoftmax`.
   */
  softmaxLoss(m: number, y: Float32Array, sum: boolean, grad: boolean, stats: Float64Array): void;
  /**
   * A gatherer that lands batches of `features` (row-major, `width` per row, up to maxRows
   * rows) where the first layer reads them without a copy, or undefined when that gains
   * nothing (the batch is then copied as usual). The same features give the same gatherer again.
   */
  rowGatherer(features: Float32Array, width: number, maxRows: number): RowGatherer | undefined;
  /**
   * A copy of the whole of `features` where the first layer reads rows without a copy (row
   * views of it may be passed to `forward` as x), or undefined when that gains nothing (then
   * pass views of `features` itself). Valid until `dispose`; copied in again on each call.
   */
  residentRows(features: Float32Array): Float32Array | undefined;
  /**
   * Gives the engine's memory back for reuse by the next engine on this thread. `params`,
   * `grad`, gatherers and optimizer state that lived there must not be used afterwards.
   */
  dispose(): void;

  /**
   * Optional (the WASM backend's engine): runs `job`, batch-1 SGD over many rows in one call,
   * with the bits of as many general steps (see SgdEpochJob). False, with nothing changed, when
   * this engine cannot (not one layer of one output or of softmax on its own kernels, rows too
   * large to keep resident, state outside its memory): the caller then takes the general steps.
   */
  sgdEpoch?(job: SgdEpochJob): boolean;
}

/**
 * Batch-1 stochastic gradient descent of a one-layer model with one output (logistic or linear
 * regression) or a softmax over classes (multinomial logistic regression) over rows order[start .. start + count) in one call, each row exactly as one
 * general training step does it (forward, loss and gradient as the model computes them for a
 * one-row batch, the divergence rule, then torch.optim.SGD's update and the optimizer's
 * denormal flush, see optim/sgd.ts): the same parameters, gradient, momentum buffer and sums.
 * The caller fills the inputs and reads `applied`, `lastLoss` and `diverged` back.
 */
export interface SgdEpochJob {
  /** Training features (row-major, one row per target) and targets (one per row). */
  features: Float32Array; targets: Float32Array;
  /** True on a run's first call for these arrays: copy them in again (they may have changed since an earlier run). */
  fresh: boolean;
  order: Uint32Array; start: number; count: number;
  /** 'sigmoid' with binary cross-entropy, 'linear' with squared error, or 'softmax' with cross-entropy (targets are class indices). */
  output: 'sigmoid' | 'linear' | 'softmax';
  /** Running sums added to: [loss, correct, absErr, sqErr, count] (in this order). */
  sums: Float64Array;
  /** A step whose loss is not finite or above this is not applied: the call stops there (`diverged`). */
  limit: number;
  /** Learning rate of each update, rates[i] for row start + i. */
  rates: Float64Array;
  momentum: number; dampening: number; nesterov: boolean; weightDecay: number;
  /** The momentum buffer (in the engine's memory; null without momentum). */
  buffer: Float32Array | null;
  /** Updates the optimizer made before (its step count t starts at iterations + 1). */
  iterations: number;
  /** Every `flushEvery` updates (counted with `iterations`) buffer values below `flushBelow` in magnitude become 0. */
  flushEvery: number; flushBelow: number;
  /** Out: updates applied (count, or the rows before the one that diverged). */
  applied: number;
  /** Out: the loss of the last row computed (the diverged one when `diverged`). */
  lastLoss: number;
  diverged: boolean;
}

/** One fused optimizer update over arrays in the same resident memory (the rules of optim/). */
export interface FusedUpdates {
  /** torch.optim.SGD (mode: 0 plain, 1 weight decay, 2/3 first momentum step classic/nesterov, 4 nesterov, 5 classic). */
  sgd(p: Float32Array, g: Float32Array, b: Float32Array, lr: number, mu: number, keep: number, wd: number, mode: number): void;
  /** Adam / AdamW. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, omb1: number, b2: number, omb2: number,
    stepSize: number, rootBc2: number, eps: number, l2: number, shrink: number): void;
  /** RMSProp (centered and momentum as 0/1). */
  rmsprop(p: Float32Array, g: Float32Array, v: Float32Array, ga: Float32Array, b: Float32Array, alpha: number, oma: number, eps: number,
    mu: number, lr: number, wd: number, centered: number, momentum: number): void;
}

/**
 * Memory an engine keeps parameters in, with the fused kernels that update them in place: the
 * optimizers' side of the seam. Optimizers find it from the parameter array
 * ({@link optimizerKernels}) and keep their state in it.
 */
export interface OptimizerKernels {
  /** False once the engine that owned this memory was disposed. */
  readonly live: boolean;
  /** A zeroed state buffer of `len` floats in this memory. */
  allocState(len: number): Float32Array;
  /** The update kernels for arrays of n elements (split over threads when n is large). */
  updates(n: number): FusedUpdates;
  /** x <- 0 where |x| < tiny, for a buffer in this memory. */
  flushTiny(b: Float32Array, tiny: number): void;
}

const residents = new WeakMap<ArrayBufferLike, OptimizerKernels>();

/** Records that views over `buffer` live in `memory` (called by backends when they make views). */
export function registerResident(buffer: ArrayBufferLike, memory: OptimizerKernels): void { residents.set(buffer, memory); }

/** The resident memory (with fused updates) that `a` is a view of, or null for an array on the JS heap. */
export function optimizerKernels(a: Float32Array): OptimizerKernels | null { return residents.get(a.buffer) ?? null; }

// Steady rows: feature matrices whose owner promises not to change them until it says so; the
// engines' resident copies of them are then reused instead of copied again.

/** The version each steady matrix is at; versions are unique in the thread, so a copy tagged with one can never match another matrix or an older state. */
const versions = new WeakMap<Float32Array, number>();
let next = 1;

/**
 * Promises that `x` will not change until the next markSteady or unmarkSteady of it: from now
 * on a resident copy made of it (in a WASM memory of this thread) is reused by later models
 * without copying the rows again. Calling it again on a steady matrix starts a new version, so
 * copies made before are copied afresh (e.g. when the rows may have changed in between).
 */
export function markSteady(x: Float32Array): void {
  versions.set(x, next++);
}

/** Withdraws the promise of {@link markSteady}: every later use of a resident copy of `x` copies it again. */
export function unmarkSteady(x: Float32Array): void {
  versions.delete(x);
}

/** The current version of a steady matrix, undefined when `x` is not steady. */
export function steadyVersion(x: Float32Array): number | undefined {
  return versions.get(x);
}
