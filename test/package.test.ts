// The package as a user installs it: the name resolves through the exports map, with types and a bin.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>; bin: Record<string, string>; type: string; engines: { node: string };
};

describe('package', () => {
  it("import 'minibatch' gives the public API named in the issue", async () => {
    const m = await import('minibatch') as Record<string, unknown>;
    for (const name of ['Dataset', 'split', 'linearRegression', 'logisticRegression', 'softmaxRegression', 'mlp', 'sgd', 'rmsprop', 'adam',
      'fit', 'evaluate', 'saveModel', 'loadModel', 'MinibatchError', 'DivergenceError', 'loadCsv', 'compare', 'tune', 'lrRangeTest', 'study']) {
      assert.equal(typeof m[name], 'function', `${name} is exported`);
    }
  });

  it('the exports map points at built JavaScript with type declarations, and the bin exists', () => {
    const root = pkg.exports['.']!;
    assert.ok(existsSync(join(REPO, root.import)), root.import);
    assert.ok(existsSync(join(REPO, root.types)), root.types);
    const bin = join(REPO, pkg.bin.minibatch!);
    assert.ok(existsSync(bin), bin);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.engines.node, '>=20');
  });
});
