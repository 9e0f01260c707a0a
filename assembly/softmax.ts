// Softmax + cross-entropy over rows of logits in f32x4 lanes, with a vectorised exp: the WASM backend's fused output layer.

import { deltaRow, expRow, lastRowArg, lastRowMax } from './softmax-row';

/**
 * For m rows of n logits Z (row-major) and class indices Y (float32): adds the summed
 * cross-entropy logsumexp(z) - z_y (float64) to out[0] and the rows whose first largest logit
 * is the label to out[1]; when D is not 0 writes D = scale (softmax(z) - onehot(y)). e^(z - max)
 * is kept in D's row (or in `work`, n floats, without D) so each logit costs one exp. D may alias Z.
 */
export function softmaxXent(m: i32, n: i32, Z: usize, Y: usize, D: usize, scale: f32, work: usize, out: usize): void {
  let loss: f64 = 0; let correct: f64 = 0;
  const nB = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const z = Z + <usize>i * nB; const label = <i32>load<f32>(Y + (<usize>i << 2));
    const zl = load<f32>(z + (<usize>label << 2));
    const w = D ? D + <usize>i * nB : work;
    const total = expRow(z, n, w);
    loss += <f64>lastRowMax() + Math.log(total) - <f64>zl;
    if (lastRowArg() == label) correct += 1;
    if (D) deltaRow(D + <usize>i * nB, n, label, total, scale);
  }
  store<f64>(out, load<f64>(out) + loss);
  store<f64>(out, load<f64>(out, 8) + correct, 8);
}
