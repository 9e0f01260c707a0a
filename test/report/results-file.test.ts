// Tests of results.json (schema, lossless round trip, clear rejection) and the per-point CSV.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseStudyResult, pointsCsv, POINT_COLUMNS, studyResultJson, csvField } from '../../src/report/results-file.js';
import { renderReport } from '../../src/report/html.js';
import { MinibatchError } from '../../src/core/errors.js';
import { studyFixture } from './fixture.js';

function rejects(json: unknown, pattern: RegExp): void {
  assert.throws(() => parseStudyResult(json, 'runs/results.json'), (e: unknown) => {
    assert.ok(e instanceof MinibatchError, 'a MinibatchError');
    assert.equal(e.code, 'BAD_RESULTS_FILE');
    assert.match(e.message, /^runs\/results\.json is not a valid minibatch results file/);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('results.json', () => {
  it('round-trips through studyResultJson and parseStudyResult with every number intact', () => {
    const r = studyFixture();
    const back = parseStudyResult(JSON.parse(studyResultJson(r)), 'results.json');
    assert.deepStrictEqual(back, r);
    assert.ok(Number.isNaN(back.compare.summary[4]!.secondsToTarget.mean), 'NaN kept');
    assert.equal(back.compare.runs.find((x) => x.diverged)!.diverged!.loss, Infinity);
  });

  it('writes a parsed file back to the same text, key order included', () => {
    const text = studyResultJson(studyFixture());
    const shuffled = JSON.parse(text) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse());
    const back = parseStudyResult(reordered, 'results.json');
    assert.equal(studyResultJson(back), JSON.stringify(reordered, null, 2) + '\n');
    assert.equal(studyResultJson(parseStudyResult(JSON.parse(text), 'results.json')), text);
  });

  it('keeps a "__proto__" key as data without touching any prototype', () => {
    const json = JSON.parse(studyResultJson(studyFixture()).replace('"dataset": {', '"dataset": {"__proto__": {"polluted": true}, ')) as unknown;
    const back = parseStudyResult(json, 'results.json');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(back.dataset), Object.prototype);
  });

  it('reads plain JSON.stringify output too (NaN and infinities written as null read back as NaN)', () => {
    const r = studyFixture();
    const back = parseStudyResult(JSON.parse(JSON.stringify(r)), 'results.json');
    assert.ok(Number.isNaN(back.compare.runs.find((x) => x.diverged)!.diverged!.loss));
    assert.deepStrictEqual(back.compare.runs[0]!.points, r.compare.runs[0]!.points);
  });

  it('re-renders byte-identical HTML from the parsed file, either way it was written', async () => {
    const r = studyFixture();
    const direct = (await renderReport(r)).html;
    assert.equal((await renderReport(parseStudyResult(JSON.parse(studyResultJson(r)), 'a'))).html, direct);
    assert.equal((await renderReport(parseStudyResult(JSON.parse(JSON.stringify(r)), 'b'))).html, direct);
  });

  it('keeps fields it does not know (a later /1 writer) and passes model.spec through', () => {
    const json = JSON.parse(studyResultJson(studyFixture())) as Record<string, unknown>;
    json['futureField'] = { a: 1 };
    const back = parseStudyResult(json, 'x') as unknown as Record<string, unknown>;
    assert.deepEqual(back['futureField'], { a: 1 });
    assert.deepEqual((back['model'] as { spec: unknown }).spec, { kind: 'logistic', layers: [4, 1] });
  });

  it('rejects a file that is not an object', () => {
    rejects([1, 2], /expected a JSON object at the top level, got an array of 2/);
    rejects(null, /got null/);
  });

  it('rejects another schema version by name', () => {
    rejects({ ...studyFixture(), schema: 'minibatch-study/2' }, /schema "minibatch-study\/2", which this version of minibatch does not read \(it reads "minibatch-study\/1"\)/);
    rejects({ hello: 1 }, /"schema" field should be "minibatch-study\/1", got nothing \(the field is missing\)/);
  });

  it('names the first bad field with its path and what was there', () => {
    const json = JSON.parse(studyResultJson(studyFixture())) as { compare: { runs: Array<{ points: Array<Record<string, unknown>> }> } };
    json.compare.runs[2]!.points[3]!['valLoss'] = 'low';
    rejects(json, /field compare\.runs\[2\]\.points\[3\]\.valLoss: expected a number, got string "low"/);
  });

  it('names a missing required field', () => {
    const json = JSON.parse(studyResultJson(studyFixture())) as { recommendation: Record<string, unknown> };
    delete json.recommendation['learningRate'];
    rejects(json, /field recommendation\.learningRate: .*expected (a )?number.*got nothing \(the field is missing\)/);
  });

  it('rejects impossible values such as a zero batch size', () => {
    const json = JSON.parse(studyResultJson(studyFixture())) as { compare: { summary: Array<Record<string, unknown>> } };
    json.compare.summary[1]!['batchSize'] = 0;
    rejects(json, /field compare\.summary\[1\]\.batchSize: .*got number 0/);
  });

  it('writes two-space indented JSON ending in a newline with non-finite numbers as strings', () => {
    const text = studyResultJson(studyFixture());
    assert.ok(text.startsWith('{\n  "schema": "minibatch-study/1",'));
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('"loss": "Infinity"'));
    assert.ok(!text.includes('null'));
  });
});

describe('pointsCsv', () => {
  it('has a header and one row per point of every run', () => {
    const r = studyFixture();
    const lines = pointsCsv(r).trimEnd().split('\n');
    const points = r.compare.runs.reduce((s, x) => s + x.points.length, 0);
    assert.equal(lines[0], POINT_COLUMNS.join(','));
    assert.equal(lines[0], 'batch_size,requested,learning_rate,seed,epoch,updates,examples_seen,train_seconds,train_loss,val_loss,val_metric');
    assert.equal(lines.length, points + 1);
    for (const line of lines) assert.equal(line.split(',').length, POINT_COLUMNS.length);
  });

  it('writes numbers in full precision and the full batch as "full"', () => {
    const r = studyFixture();
    const run = r.compare.runs.find((x) => x.requested === 'full')!;
    const p = run.points[1]!;
    const row = [run.batchSize, 'full', run.learningRate, run.seed, p.epoch, p.updates, p.examplesSeen, p.trainSeconds, p.trainLoss, p.valLoss, p.valMetric].join(',');
    assert.ok(pointsCsv(r).split('\n').includes(row));
  });

  it('quotes strings holding commas, quotes or line breaks', () => {
    assert.equal(csvField('full'), 'full');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(NaN), 'NaN');
  });
});
