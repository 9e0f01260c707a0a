// The paired-batch noise meter agrees with the exact per-example noise scale at fixed weights.
import '../../src/platform/node/install.js'; // the Node platform when this file runs alone
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { BatchBuffer } from '../../src/data/batch.js';
import { BatchSampler } from '../../src/data/batch-sampler.js';
import { noiseScale } from '../../src/experiments/probes/noise-scale.js';
import { STAT_SIZE } from '../../src/nn/losses.js';
import { logisticRegression } from '../../src/nn/models.js';
import { GradientNoiseMeter } from '../../src/train/noise-meter.js';
import { binaryProblem } from '../helpers/problems.js';

describe('GradientNoiseMeter', () => {
  for (const B of [4, 16]) {
    it(`estimates tr(Sigma) and |G|^2 from training batches of ${B} (within 15 % of the exact values)`, () => {
      const data = binaryProblem(800, 5, 2);
      const model = logisticRegression({ inputs: 5, seed: 4 });
      const exact = noiseScale(model, data, { method: 'exact' });
      const meter = new GradientNoiseMeter(model.params.length, data.length, 0.98);
      const sampler = new BatchSampler(data.length, B, new Rng(3));
      const buffer = new BatchBuffer(data, B);
      const grad = model.gradientBuffer(); const stats = new Float64Array(STAT_SIZE);
      for (let e = 0; e < 40; e++) {
        sampler.startEpoch();
        while (!sampler.epochDone) {
          const len = sampler.next();
          model.accumulateGrad(model.params, buffer.gather(sampler.order, sampler.start, len), grad, false, stats);
          meter.observe(grad, len, false);
        }
        meter.closeEpoch();
      }
      assert.ok(Math.abs(meter.ema.traceSigma / exact.traceSigma - 1) < 0.15, `tr ${meter.ema.traceSigma} vs ${exact.traceSigma}`);
      assert.ok(Math.abs(meter.ema.gradNormSq / exact.gradNormSq - 1) < 0.15, `|G|^2 ${meter.ema.gradNormSq} vs ${exact.gradNormSq}`);
    });
  }
});
