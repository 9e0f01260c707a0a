// Serves dist/ from 127.0.0.1 on a free port through sirv, with or without the COOP/COEP headers that make a page cross-origin isolated.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** dist/ (this file is dist/test/browser/server.js). */
export const DIST = fileURLToPath(new URL('../../', import.meta.url));

/** The blank page the tests load (the API is imported from it with a dynamic import()). */
const PAGE = '<!doctype html><meta charset="utf-8"><title>minibatch browser test</title>';

/** A running server and its origin, e.g. http://127.0.0.1:41234. */
export interface TestServer { origin: string; close(): Promise<void> }

/** Starts the server; `isolated` adds Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy. */
export async function serveDist(isolated: boolean): Promise<TestServer> {
  const files = sirv(DIST, { dev: true, dotfiles: false });
  const server: Server = createServer((req, res) => {
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (req.url === '/' || req.url === '/index.html') { res.setHeader('Content-Type', 'text/html; charset=utf-8'); res.end(PAGE); return; }
    if (req.url === '/favicon.ico') { res.statusCode = 204; res.end(); return; }
    files(req, res, () => { res.statusCode = 404; res.end('not found'); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
