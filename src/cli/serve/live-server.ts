// The live study page's server: the page at /, its events at /events, the finished report at /report/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { RunRecord } from '../../experiments/records.js';
import { EventChannel } from './sse.js';
import { listen, type Listening } from './listen.js';
import { livePage } from './live-page.js';

/** What a sweep command tells the live page. */
export interface LiveServer {
  readonly url: string;
  /** A trial finished: its learning curve is drawn (`stage`: tune or compare). */
  trial(stage: string, run: RunRecord): void;
  /** Trial counts, for the status line. */
  progress(stage: string, done: number, total: number): void;
  /** The report is written in `dir`: it is served at /report/ and the page turns into it. */
  done(dir: string | undefined): void;
  close(): Promise<void>;
}

/** Starts the live page server on `host:port` (0 picks a free port) for a command named `title`. */
export async function startLiveServer(host: string, port: number, title: string): Promise<LiveServer> {
  const events = new EventChannel();
  const page = livePage(title);
  let report: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | undefined;
  const notFound = (res: ServerResponse, why: string): void => { res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }); res.end(why); };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(page);
    } else if (path === '/favicon.ico') {
      res.writeHead(204); res.end(); // the report page has no icon: no 404 in the browser's console
    } else if (path === '/events') {
      events.attach(res);
    } else if (path.startsWith('/report/')) {
      if (!report) { notFound(res, 'the report is written when the study ends'); return; }
      req.url = (req.url ?? '/').slice('/report'.length);
      report(req, res, () => notFound(res, 'no such report file'));
    } else {
      notFound(res, 'not found');
    }
  };
  const l: Listening = await listen(handler, host, port, '--serve');
  let last = ''; let closed = false;
  return {
    url: l.url,
    trial(stage, run) {
      events.send('trial', {
        stage, batchSize: run.batchSize, requested: run.requested, learningRate: run.learningRate, seed: run.seed,
        diverged: run.diverged !== undefined,
        points: run.points.map((p) => ({ epoch: p.epoch, updates: p.updates, examplesSeen: p.examplesSeen, trainSeconds: p.trainSeconds, valLoss: p.valLoss })),
      });
    },
    progress(stage, done, total) {
      const key = `${stage} ${done} ${total}`;
      if (key !== last) { last = key; events.send('progress', { stage, done, total }); }
    },
    done(dir) {
      if (dir !== undefined) report = sirv(dir, { dev: true, etag: true });
      events.send('done', { report: dir !== undefined ? '/report/index.html' : null });
    },
    async close() {
      if (closed) return;
      closed = true; events.end(); await l.close();
    },
  };
}
