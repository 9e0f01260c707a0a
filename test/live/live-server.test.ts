// The live page's server: the page, Server-Sent Events replayed to late clients, the report after done.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLiveServer } from '../../src/cli/serve/live-server.js';
import type { RunRecord } from '../../src/experiments/records.js';

const run: RunRecord = {
  batchSize: 8, requested: 8, learningRate: 0.1, seed: 1,
  points: [0, 1].map((e) => ({ epoch: e, updates: 10 * e, examplesSeen: 80 * e, trainSeconds: e / 100, trainLoss: 1 - e / 2, valLoss: 1 - e / 3, valMetric: 0.5 })),
};

/** Reads the event stream until `until` appears in it (or it ends). */
async function readEvents(url: string, until: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader(); const dec = new TextDecoder(); let text = '';
  while (!text.includes(until)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  await reader.cancel();
  return text;
}

describe('live page server', () => {
  it('serves the page on 127.0.0.1, replays every event to a late client, then the report under /report/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-'));
    writeFileSync(join(dir, 'index.html'), '<p>the report</p>');
    const live = await startLiveServer('127.0.0.1', 0, 'study');
    try {
      assert.match(live.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await (await fetch(live.url)).text();
      assert.match(page, /new EventSource\('\/events'\)/);
      assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org)/, 'the page loads nothing from the network');
      assert.equal((await fetch(`${live.url}report/index.html`)).status, 404);
      live.progress('compare', 0, 2); live.progress('compare', 0, 2); // a repeated count is sent once
      live.trial('compare', run);
      live.done(dir);
      const text = await readEvents(`${live.url}events`, 'event: done');
      assert.equal(text.match(/event: progress/g)?.length, 1);
      const trial = /event: trial\ndata: (.*)\n/.exec(text);
      assert.ok(trial);
      const sent = JSON.parse(trial[1]!) as { stage: string; batchSize: number; points: Array<{ valLoss: number; epoch: number }> };
      assert.equal(sent.stage, 'compare'); assert.equal(sent.batchSize, 8);
      assert.deepEqual(sent.points.map((p) => p.valLoss), [1, 1 - 1 / 3]);
      assert.match(text, /event: done\ndata: \{"report":"\/report\/index.html"\}/);
      assert.equal(await (await fetch(`${live.url}report/index.html`)).text(), '<p>the report</p>');
    } finally {
      await live.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a taken port is a usage error naming --serve', async () => {
    const a = await startLiveServer('127.0.0.1', 0, 'study');
    try {
      const port = Number(new URL(a.url).port);
      await assert.rejects(startLiveServer('127.0.0.1', port, 'study'), (e: Error & { code?: string }) => e.code === 'BAD_ARGUMENT' && /port \d+ is in use; pass another --serve/.test(e.message));
    } finally { await a.close(); }
  });
});
