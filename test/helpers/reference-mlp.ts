// A naive float64 reference MLP (forward, loss and backward) written independently of src/nn.
import type { Activation } from '../../src/nn/model.js';
import type { OutputKind } from '../../src/nn/losses.js';

export interface RefSpec {
  layers: number[];
  activation: Activation;
  output: OutputKind;
  leakySlope: number;
}

/** Layer l's weight W[i][j] and bias b[j], read from the flat [W1, b1, W2, b2, ...] layout. */
function layerOffsets(layers: number[]): { w: number; b: number }[] {
  const offs: { w: number; b: number }[] = []; let off = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const w = off; off += layers[l]! * layers[l + 1]!;
    offs.push({ w, b: off }); off += layers[l + 1]!;
  }
  return offs;
}

function act(kind: Activation, z: number, slope: number): number {
  switch (kind) {
    case 'relu': return z > 0 ? z : 0;
    case 'leaky-relu': return z > 0 ? z : slope * z;
    case 'tanh': return Math.tanh(z);
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    default: return z;
  }
}

function actDeriv(kind: Activation, z: number, slope: number): number {
  switch (kind) {
    case 'relu': return z > 0 ? 1 : 0;
    case 'leaky-relu': return z > 0 ? 1 : slope;
    case 'tanh': return 1 - Math.tanh(z) ** 2;
    case 'sigmoid': { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }
    default: return 1;
  }
}

/** Pre-activations z_l of every layer for every row (rows x width, per layer). */
export function referenceForward(spec: RefSpec, params: ArrayLike<number>, x: number[][]): { z: number[][][]; a: number[][][] } {
  const offs = layerOffsets(spec.layers); const L = spec.layers;
  const zs: number[][][] = []; const as: number[][][] = [x];
  let input = x;
  for (let l = 0; l < offs.length; l++) {
    const { w, b } = offs[l]!; const k = L[l]!; const n = L[l + 1]!;
    const z = input.map((row) => {
      const out: number[] = [];
      for (let j = 0; j < n; j++) {
        let s = params[b + j]!;
        for (let i = 0; i < k; i++) s += row[i]! * params[w + i * n + j]!;
        out.push(s);
      }
      return out;
    });
    zs.push(z);
    const last = l === offs.length - 1;
    input = last ? z : z.map((r) => r.map((v) => act(spec.activation, v, spec.leakySlope)));
    as.push(input);
  }
  return { z: zs, a: as };
}

/** Loss of one row's logits and its gradient with respect to them, textbook formulas. */
function rowLoss(output: OutputKind, z: number[], y: number[]): { loss: number; dz: number[] } {
  const n = z.length;
  if (output === 'linear') {
    return { loss: z.reduce((s, v, j) => s + (v - y[j]!) ** 2, 0) / n, dz: z.map((v, j) => (2 * (v - y[j]!)) / n) };
  }
  if (output === 'sigmoid') {
    let loss = 0; const dz: number[] = [];
    z.forEach((v, j) => {
      const p = 1 / (1 + Math.exp(-v)); const t = y[j]!;
      loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      dz.push((p - t) / n);
    });
    return { loss: loss / n, dz };
  }
  const label = y[0]!;
  const ez = z.map(Math.exp); const sum = ez.reduce((s, v) => s + v, 0);
  const p = ez.map((v) => v / sum);
  return { loss: -Math.log(p[label]!), dz: p.map((v, j) => v - (j === label ? 1 : 0)) };
}

/**
 * Summed loss over the rows and d(summed loss)/d params in the flat layout, by the chain rule
 * written out row by row in float64 (no shared code with src/nn or src/kernels).
 */
export function referenceLossAndGrad(
  spec: RefSpec, params: ArrayLike<number>, x: number[][], y: number[][],
): { loss: number; grad: Float64Array } {
  const offs = layerOffsets(spec.layers); const L = spec.layers;
  const { z, a } = referenceForward(spec, params, x);
  const grad = new Float64Array(params.length);
  let loss = 0;
  for (let r = 0; r < x.length; r++) {
    const last = z[offs.length - 1]![r]!;
    const out = rowLoss(spec.output, last, y[r]!);
    loss += out.loss;
    let delta = out.dz;
    for (let l = offs.length - 1; l >= 0; l--) {
      const { w, b } = offs[l]!; const k = L[l]!; const n = L[l + 1]!;
      const input = a[l]![r]!;
      for (let j = 0; j < n; j++) {
        grad[b + j]! += delta[j]!;
        for (let i = 0; i < k; i++) grad[w + i * n + j]! += input[i]! * delta[j]!;
      }
      if (l === 0) break;
      const prevZ = z[l - 1]![r]!;
      const next: number[] = [];
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += delta[j]! * params[w + i * n + j]!;
        next.push(s * actDeriv(spec.activation, prevZ[i]!, spec.leakySlope));
      }
      delta = next;
    }
  }
  return { loss, grad };
}
