// Starts a node:http server on a host and port and answers with its URL; port 0 picks a free one.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MinibatchError } from '../../core/errors.js';

export interface Listening { server: Server; url: string; close(): Promise<void> }

/** Listens on `host:port` (`option` names the CLI option, for the error when the port is taken). */
export async function listen(handler: RequestListener, host: string, port: number, option: string): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `port ${port} is in use` : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `no interface has the address ${host}` : err.message;
      reject(new MinibatchError('BAD_ARGUMENT', `cannot serve on ${host}:${port}: ${why}; pass another ${option} (0 picks a free port) or --host`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server, url: `http://${shown}:${addr.port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Resolves on the first SIGINT or SIGTERM (a server that stays until Ctrl-C). */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => { process.off('SIGINT', on); process.off('SIGTERM', on); resolve(sig); };
    process.on('SIGINT', on); process.on('SIGTERM', on);
  });
}
