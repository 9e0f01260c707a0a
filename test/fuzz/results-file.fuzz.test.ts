// Fuzzes results.json loading (parseStudyResult): a StudyResult or BAD_RESULTS_FILE, never a crash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MinibatchError } from '../../src/core/errors.js';
import { parseStudyResult, studyResultJson } from '../../src/report/results-file.js';
import { studyFixture } from '../report/fixture.js';
import { deepJson, hostileJson, setIn } from './hostile-json.js';

const validText = studyResultJson(studyFixture());
const valid = (): Record<string, unknown> => JSON.parse(validText) as Record<string, unknown>;

function resultOrRefusal(run: () => unknown): void {
  let r: unknown;
  try { r = run(); } catch (err) {
    if (err instanceof MinibatchError) { assert.equal(err.code, 'BAD_RESULTS_FILE'); assert.ok(err.message.length < 20_000, 'bounded message'); return; }
    throw err;
  }
  assert.equal((r as { schema?: unknown }).schema, 'minibatch-study/1');
  assert.doesNotThrow(() => studyResultJson(r as never), 'a parsed result can be written again');
}

const PATHS = ['schema', 'createdBy', 'dataset', 'dataset.name', 'dataset.rows', 'dataset.featureNames', 'dataset.classNames.0', 'model', 'model.spec',
  'compare', 'compare.runs', 'compare.runs.0', 'compare.runs.0.points', 'compare.runs.0.points.0.valLoss', 'compare.summary.0', 'compare.metric',
  'tune', 'tune.cells.0', 'lrRange', 'lrRange.curves', 'recommendation', 'recommendation.evidence', 'seconds', 'extra', '__proto__', 'constructor'];

describe('results.json on hostile input', () => {
  it('arbitrary JSON values are refused with BAD_RESULTS_FILE', { timeout: 10000 }, () => {
    fc.assert(fc.property(hostileJson, (j) => resultOrRefusal(() => parseStudyResult(j, 'fuzz.json'))), { seed: 13, numRuns: 300 });
  });

  it('a valid file with one field replaced by hostile JSON: a valid result or BAD_RESULTS_FILE', { timeout: 15000 }, () => {
    fc.assert(fc.property(fc.constantFrom(...PATHS), hostileJson, (path, v) => resultOrRefusal(() => parseStudyResult(setIn(valid(), path, v), 'fuzz.json'))), { seed: 17, numRuns: 250 });
  });

  it('truncated text never parses into something half-read', { timeout: 10000 }, () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: validText.length - 3 }), (n) => {
      let json: unknown;
      try { json = JSON.parse(validText.slice(0, n)); } catch { return; } // the CLI refuses non-JSON before parsing
      resultOrRefusal(() => parseStudyResult(json, 'cut.json'));
    }), { seed: 19, numRuns: 200 });
  });

  it('deep nesting in a known or unknown field and huge arrays are handled', { timeout: 10000 }, () => {
    for (const path of ['extra', 'compare.extra', 'compare.runs.0.points', 'dataset.featureNames']) {
      resultOrRefusal(() => parseStudyResult(setIn(valid(), path, JSON.parse(deepJson(50_000))), 'deep.json'));
    }
    resultOrRefusal(() => parseStudyResult(setIn(valid(), 'dataset.featureNames', Array.from({ length: 200_000 }, (_, i) => `f${i}`)), 'wide.json'));
  });

  it('__proto__ keys stay data and do not pollute prototypes', () => {
    const text = validText.replace('{', '{"__proto__":{"polluted":"yes"},"extra":{"constructor":{"prototype":{"polluted":"yes"}}},');
    const r = parseStudyResult(JSON.parse(text), 'proto.json') as unknown as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.equal(r.polluted, undefined, 'the key never became the prototype');
  });
});
