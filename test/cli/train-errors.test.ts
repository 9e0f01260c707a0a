// Tests of `minibatch train` refusing bad options and bad data: the message, exit code 2, no stack.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, assertOk, dataset, parseJson, runCli, skipUnless, tempDir } from './helpers.js';

interface Case {
  name: string;
  args: string[];
  patterns: RegExp[];
  skip?: string | false;
}

const LINEAR = ['train', '--data', 'synthetic:linear', '--epochs', '1', '--quiet'];
const IRIS = ['train', '--data', dataset('iris.csv'), '--epochs', '1', '--quiet'];

/** Options that are refused before any data is read. */
const OPTION_CASES: Case[] = [
  { name: '--mode batch with --batch-size 4', args: [...LINEAR, '--mode', 'batch', '--batch-size', '4'], patterns: [/--mode batch/, /contradicts --batch-size 4/] },
  { name: '--mode stochastic with --batch-size 8', args: [...LINEAR, '--mode', 'stochastic', '--batch-size', '8'], patterns: [/--mode stochastic/, /contradicts --batch-size 8/] },
  { name: '--mode minibatch with --batch-size full', args: [...LINEAR, '--mode', 'minibatch', '--batch-size', 'full'], patterns: [/--mode minibatch contradicts --batch-size full/] },
  { name: 'an unknown --mode', args: [...LINEAR, '--mode', 'sometimes'], patterns: [/--mode must be batch, stochastic or minibatch, got 'sometimes'/] },
  { name: '--batch-size 0', args: [...LINEAR, '--batch-size', '0'], patterns: [/--batch-size must be a whole number from 1 to 1000000000, or 'full', got '0'/] },
  { name: '--batch-size -3', args: [...LINEAR, '--batch-size', '-3'], patterns: [/--batch-size must be a whole number .* got '-3'/] },
  { name: '--batch-size 2.5', args: [...LINEAR, '--batch-size', '2.5'], patterns: [/--batch-size must be a whole number .* got '2\.5'/] },
  { name: '--epochs 0', args: [...LINEAR, '--epochs', '0'], patterns: [/--epochs must be a whole number from 1 to 1000000000, got '0'/] },
  { name: '--lr 0', args: [...LINEAR, '--lr', '0'], patterns: [/--lr must be a number > 0, got '0'/] },
  { name: '--lr nan', args: [...LINEAR, '--lr', 'nan'], patterns: [/--lr must be a number > 0, got 'nan'/] },
  { name: '--validation 1.5', args: [...LINEAR, '--validation', '1.5'], patterns: [/--validation must be a number >= 0 and <= 0\.9, got '1\.5'/] },
  { name: 'an unknown --optimizer', args: [...LINEAR, '--optimizer', 'lbfgs'], patterns: [/--optimizer must be one of sgd, momentum, nesterov, rmsprop, adam, adamw, got 'lbfgs'/] },
  { name: 'an unknown --activation', args: [...LINEAR, '--activation', 'swish'], patterns: [/--activation must be one of relu.*, got 'swish'/] },
  { name: 'an unknown --scale', args: [...LINEAR, '--scale', 'log'], patterns: [/--scale must be standardize, minmax or none, got 'log'/] },
  { name: 'an unknown --missing', args: [...LINEAR, '--missing', 'ignore'], patterns: [/--missing must be error, drop or mean, got 'ignore'/] },
];

/** Models that do not fit the data. */
const MODEL_CASES: Case[] = [
  { name: 'an unknown --model', args: [...LINEAR, '--model', 'tree'], patterns: [/--model must be linear, logistic, softmax or mlp:W1,W2,\.\.\. \(hidden widths\), got 'tree'/] },
  { name: '--model mlp without widths', args: [...LINEAR, '--model', 'mlp:'], patterns: [/--model mlp:.*hidden layer widths as whole numbers .*e\.g\. --model mlp:12,8/] },
  { name: '--model logistic on a numeric target', args: [...LINEAR, '--model', 'logistic'], patterns: [/--model logistic needs a target with 2 classes/, /--model linear/] },
  {
    name: '--model logistic on iris (3 classes)', args: [...IRIS, '--model', 'logistic'], skip: skipUnless('iris.csv'),
    patterns: [/--model logistic needs a target with 2 classes, but it has 3 classes; use --model softmax/],
  },
  {
    name: '--model linear on a class target', args: [...IRIS, '--model', 'linear'], skip: skipUnless('iris.csv'),
    patterns: [/--model linear needs numeric targets, but the target has 3 classes; use --model softmax/],
  },
  {
    name: '--target naming no column', args: [...IRIS, '--target', 'nosuchcolumn'], skip: skipUnless('iris.csv'),
    patterns: [/iris\.csv: there is no target column "nosuchcolumn"/, /a 0-based index/],
  },
  { name: '--target with a built-in data set', args: [...LINEAR, '--target', 'y'], patterns: [/--target does not apply to the built-in data set 'synthetic:linear'/] },
];

describe('train refuses bad options (exit 2)', { concurrency: 2 }, () => {
  for (const c of [...OPTION_CASES, ...MODEL_CASES]) {
    it(c.name, { skip: c.skip ?? false }, async () => {
      assertFails(await runCli(c.args), 2, ...c.patterns);
    });
  }
});

/** Bad CSV files, written to a temporary folder. */
const FILES: Record<string, string> = {
  'ragged.csv': 'a,b,y\n1,2,0\n3,4\n5,6,1\n',
  'non-numeric.csv': 'a,b,y\n1,2,0\n3,x,1\n5,6,0\n7,8,1\n9,10,0\n',
  'missing.csv': 'a,b,y\n1,2,0\n3,4,1\n5,?,0\n7,8,1\n',
  'empty.csv': '',
  'header-only.csv': 'a,b,y\n',
};

describe('train refuses bad data files (exit 2)', { concurrency: 2 }, () => {
  let dir = ''; let cleanup = (): void => {};
  before(() => {
    ({ dir, cleanup } = tempDir('bad-data'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  });
  after(() => cleanup());
  const run = (file: string, ...more: string[]) => runCli(['train', '--data', file, '--epochs', '1', '--quiet', ...more], { cwd: dir });

  it('a MINIBATCH_THREADS that is not a thread count names the variable and how to fix it', async () => {
    const r = await runCli(['train', '--data', 'synthetic:blobs', '--epochs', '1', '--quiet'], { env: { MINIBATCH_THREADS: 'two' } });
    assertFails(r, 2, /MINIBATCH_THREADS must be an integer from 1 to 64, got 'two'/, /unset it/);
  });

  it('a data file that does not exist', async () => {
    assertFails(await run('nosuch.csv'), 2, /--data 'nosuch\.csv' is neither a file nor a built-in data set/, /'mnist'/);
  });

  it('a ragged row, named by line', async () => {
    assertFails(await run('ragged.csv'), 2, /ragged\.csv, line 3: the row has 2 fields but the first row \(line 1\) has 3/);
  });

  it('a text in a numeric column, named by line and column', async () => {
    assertFails(await run('non-numeric.csv'), 2, /non-numeric\.csv, line 3, column "b" \(index 1\): "x" is not a number/);
  });

  it('a missing value with the default --missing error names line, column and the --missing option', async () => {
    assertFails(await run('missing.csv'), 2, /missing\.csv, line 4, column "b" \(index 1\): missing value/, /--missing drop/, /--missing mean/);
  });

  it('--missing drop trains on the complete rows instead', async () => {
    const r = await run('missing.csv', '--missing', 'drop', '--validation', '0', '--json');
    assertOk(r);
    const j = parseJson(r) as { history: Array<{ examplesSeen: number }> };
    assert.equal(j.history[0]!.examplesSeen, 3, 'the 3 complete rows');
  });

  it('an empty file', async () => {
    assertFails(await run('empty.csv'), 2, /empty\.csv is empty/);
  });

  it('a header without rows', async () => {
    assertFails(await run('header-only.csv'), 2, /header-only\.csv has a header line but no data rows/);
  });
});
