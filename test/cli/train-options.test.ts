// Tests of train's optimizer, schedule, sampling, reduction, --lr auto and issue-19 options: parsing, errors and effect.
import '../../src/platform/node/install.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, assertOk, parseJson, runCli, tempDir } from './helpers.js';
import { loadDataArg } from '../../src/cli/data-arg.js';
import { applyScaling, fitScaling } from '../../src/data/scaling.js';
import { linearRegression } from '../../src/nn/models.js';
import { fit } from '../../src/train/fit.js';
import { sgd } from '../../src/optim/sgd.js';
import { parseClassWeight, parseMetrics, parseFitExtras, fitOptionsOf } from '../../src/cli/fit-extras.js';

const MOONS = ['train', '--data', 'synthetic:moons', '--epochs', '2', '--quiet'];

/** Every option's refusal names the option and its full range (exit 2, no stack). */
const ERRORS: Array<{ name: string; args: string[]; pattern: RegExp }> = [
  { name: '--momentum 1', args: ['--momentum', '1'], pattern: /--momentum must be a number >= 0 and < 1, got '1'/ },
  { name: '--momentum on adam', args: ['--optimizer', 'adam', '--momentum', '0.5'], pattern: /--momentum does not apply to --optimizer adam; it is an option of sgd, momentum, nesterov, rmsprop/ },
  { name: '--nesterov without momentum', args: ['--nesterov'], pattern: /--nesterov needs a momentum above 0/ },
  { name: '--weight-decay -1', args: ['--weight-decay', '-1'], pattern: /--weight-decay must be a number >= 0 and <= 1, got '-1'/ },
  { name: '--beta1 on sgd', args: ['--beta1', '0.5'], pattern: /--beta1 does not apply to --optimizer sgd; it is an option of adam, adamw/ },
  { name: '--beta2 1', args: ['--optimizer', 'adam', '--beta2', '1'], pattern: /--beta2 must be a number >= 0 and < 1, got '1'/ },
  { name: '--epsilon 0', args: ['--optimizer', 'adam', '--epsilon', '0'], pattern: /--epsilon must be a number > 0 and <= 1, got '0'/ },
  { name: '--schedule linear', args: ['--schedule', 'linear'], pattern: /--schedule must be one of constant, step, exponential, cosine, got 'linear'/ },
  { name: '--schedule step without --step-size', args: ['--schedule', 'step'], pattern: /--schedule step needs --step-size/ },
  { name: '--step-size 0', args: ['--schedule', 'step', '--step-size', '0'], pattern: /--step-size must be a whole number from 1 to 1000000000, got '0'/ },
  { name: '--gamma 2', args: ['--schedule', 'step', '--step-size', '5', '--gamma', '2'], pattern: /--gamma must be a number > 0 and <= 1, got '2'/ },
  { name: '--gamma without step', args: ['--gamma', '0.5'], pattern: /--gamma applies only to --schedule step/ },
  { name: '--decay-rate missing', args: ['--schedule', 'exponential', '--decay-steps', '10'], pattern: /--schedule exponential needs --decay-rate/ },
  { name: '--decay-steps for step', args: ['--schedule', 'step', '--step-size', '3', '--decay-steps', '4'], pattern: /--decay-steps applies only to --schedule exponential or cosine/ },
  { name: '--min-lr above --lr', args: ['--schedule', 'cosine', '--decay-steps', '10', '--min-lr', '5'], pattern: /--min-lr must be a number >= 0 and <= 0\.01, got '5'/ },
  { name: '--warmup -1', args: ['--warmup', '-1'], pattern: /--warmup must be a whole number from 0 to 1000000000, got '-1'/ },
  { name: '--reduction median', args: ['--reduction', 'median'], pattern: /--reduction must be mean or sum, got 'median'/ },
  { name: '--lr auto with --stream', args: ['--lr', 'auto', '--stream', '--batch-size', '8'], pattern: /--lr auto needs the rows in memory/ },
  { name: '--metrics r2 on classes', args: ['--metrics', 'f1,r2'], pattern: /--metrics: 'r2' is a regression metric, but this target has 2 classes/ },
  { name: '--metrics unknown', args: ['--metrics', 'kappa'], pattern: /--metrics: 'kappa' is not a metric; use any of accuracy, precision/ },
  { name: '--class-weight bad class', args: ['--class-weight', '0:1,2:3'], pattern: /--class-weight must be 'balanced' or class:weight pairs with classes 0 to 1 .* got '0:1,2:3'/ },
  { name: '--clip-norm 0', args: ['--clip-norm', '0'], pattern: /--clip-norm must be a number > 0, got '0'/ },
];

describe('train option errors', () => {
  for (const e of ERRORS) {
    it(`refuses ${e.name}`, async () => assertFails(await runCli([...MOONS, ...e.args]), 2, e.pattern));
  }
});

describe('train option effects', () => {
  it('--no-shuffle trains on the rows in file order: the same run as fit with shuffle false', async () => {
    const args = ['train', '--data', 'synthetic:linear', '--model', 'linear', '--validation', '0', '--epochs', '3', '--json', '--quiet'];
    const off = parseJson(await runCli([...args, '--no-shuffle']));
    const on = parseJson(await runCli(args));
    const raw = await loadDataArg({ data: 'synthetic:linear', missing: 'error', seed: 1 });
    const train = applyScaling(raw, fitScaling(raw, 'standardize'));
    const model = linearRegression({ inputs: train.numFeatures, outputs: 1, seed: 1 });
    const h = await fit(model, train, { batchSize: 32, epochs: 3, seed: 1, shuffle: false, optimizer: sgd({ learningRate: 0.01 }) });
    const losses = (j: Record<string, unknown>): number[] => (j.history as Array<{ trainLoss: number }>).map((r) => r.trainLoss);
    assert.deepEqual(losses(off), h.records.map((r) => r.trainLoss));
    assert.notDeepEqual(losses(on), losses(off));
  });

  it('--reduction sum prints the effective learning rate lr x batch size', async () => {
    const r = await runCli(['train', '--data', 'synthetic:moons', '--epochs', '1', '--batch-size', '16', '--lr', '0.002', '--reduction', 'sum']);
    assertOk(r);
    assert.match(r.stderr, /--reduction sum: effective learning rate lr x batch size = 0\.002000 x 16 = 0\.03200/);
  });

  it('--lr auto prints the rate it chose, the rule, the range and the batch size, and trains at it', async () => {
    const r = await runCli(['train', '--data', 'synthetic:moons', '--epochs', '1', '--batch-size', '16', '--lr', 'auto', '--json']);
    assertOk(r);
    const j = parseJson(r);
    const auto = j.autoLearningRate as { learningRate: number; rule: string; batchSize: number };
    assert.ok(auto.learningRate > 0);
    assert.equal(auto.batchSize, 16);
    assert.match(r.stderr, /--lr auto: learning rate \S+ = one tenth of the learning rate at the minimum of the smoothed loss \(range test from 0\.000001 to 10 over 100 updates at batch size 16\)/);
    assert.equal((j.history as Array<{ learningRate: number }>)[0]!.learningRate, auto.learningRate);
  });

  it('the optimizer options reach the saved optimizer spec', async () => {
    const t = tempDir('opt');
    try {
      const cases: Array<[string[], Record<string, unknown>]> = [
        [['--optimizer', 'adamw', '--weight-decay', '0.05', '--beta1', '0.8', '--beta2', '0.99', '--epsilon', '1e-6'], { type: 'adam', decoupled: true, weightDecay: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }],
        [['--momentum', '0.5', '--nesterov'], { type: 'sgd', momentum: 0.5, nesterov: true }],
        [['--optimizer', 'rmsprop', '--momentum', '0.3'], { type: 'rmsprop', momentum: 0.3 }],
        [['--lr', '0.1', '--schedule', 'cosine', '--decay-steps', '50', '--min-lr', '0.01', '--warmup', '5'], { learningRate: { type: 'warmup', warmupSteps: 5, startFactor: 0.1, after: { type: 'cosine', initial: 0.1, decaySteps: 50, minValue: 0.01 } } }],
        [['--lr', '0.1', '--schedule', 'step', '--step-size', '20', '--gamma', '0.5'], { learningRate: { type: 'step', initial: 0.1, stepSize: 20, gamma: 0.5 } }],
        [['--lr', '0.1', '--schedule', 'exponential', '--decay-steps', '20', '--decay-rate', '0.9'], { learningRate: { type: 'exponential', initial: 0.1, decaySteps: 20, decayRate: 0.9 } }],
      ];
      for (const [i, [args, want]] of cases.entries()) {
        const out = join(t.dir, `m${i}.json`);
        assertOk(await runCli([...MOONS, ...args, '--out', out]));
        const spec = (JSON.parse(readFileSync(out, 'utf8')) as { meta: { training: { optimizer: Record<string, unknown> } } }).meta.training.optimizer;
        for (const [k, v] of Object.entries(want)) {
          assert.deepEqual(spec[k], v, `${args.join(' ')}: ${k}`);
        }
      }
    } finally { t.cleanup(); }
  });
});

describe('fit extras (issue 19 options passed on to fit)', () => {
  it('parses --metrics, --class-weight, --clip-norm, and --clip-value into fit names', () => {
    assert.deepEqual(parseMetrics('f1, auc,f1', 2), ['f1', 'auc']);
    assert.deepEqual(parseMetrics('r2,mse', 0), ['r2', 'mse']);
    assert.throws(() => parseMetrics('auc', 3), /'auc' is the binary ROC AUC, but this target has 3 classes/);
    assert.throws(() => parseMetrics('f1', 0), /'f1' needs a class target/);
    assert.equal(parseClassWeight('balanced', 2), 'balanced');
    assert.deepEqual(parseClassWeight('0:1, 1:3', 2), { 0: 1, 1: 3 });
    assert.throws(() => parseClassWeight('0:1,0:2', 2), /each once/);
    assert.throws(() => parseClassWeight('balanced', 0), /--class-weight applies only to class targets/);
    const x = parseFitExtras({ metrics: 'f1', classWeight: '1:2', clipNorm: '1', clipValue: '0.5' }, 2);
    assert.deepEqual(fitOptionsOf(x), { metrics: ['f1'], classWeight: { 1: 2 }, clipNorm: 1, clipValue: 0.5 });
  });
});
