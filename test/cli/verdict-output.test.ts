// Tests of how the sweep commands end: the one recommendation, then the command that opens the report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertOk, parseJson, runCli, tempDir } from './helpers.js';

describe('the verdict on the command line', () => {
  it('compare ends with the recommendation and `open <report>/index.html`, and --json states the target rule', async () => {
    const { dir, cleanup } = tempDir('verdict-');
    try {
      const out = join(dir, 'report');
      const r = await runCli(['compare', '--data', 'synthetic:blobs', '--model', 'softmax', '--batch-sizes', '4,32', '--lr', '0.2', '--epochs', '3', '--seeds', '2', '--workers', '1', '--out', out, '--json']);
      assertOk(r);
      const lines = r.stderr.trimEnd().split('\n');
      assert.match(lines[lines.length - 2]!, /^Recommendation: batch size (4|32), learning rate 0\.2(000)?$/);
      assert.equal(lines[lines.length - 1], `open ${join(out, 'index.html')}`);
      assert.doesNotMatch(r.stderr, /Beside it/);
      assert.match(r.stderr, /With 2 seeds per batch size no claim about seed-to-seed noise can be made/);
      const j = parseJson(r) as { target: { rule: string }; recommendation: { timeBasis: string; seeds: number } };
      assert.match(j.target.rule, /within 2 % of the best/);
      assert.equal(j.recommendation.timeBasis, 'priced');
      assert.equal(j.recommendation.seeds, 2);
    } finally {
      cleanup();
    }
  });
});
