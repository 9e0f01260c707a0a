// Server-Sent Events on node:http: a channel that replays its history to each new client.
import type { ServerResponse } from 'node:http';

/** One SSE stream shared by every connected page; late pages get every event sent so far. */
export class EventChannel {
  private readonly history: string[] = [];
  private readonly clients = new Set<ServerResponse>();

  /** Answers a GET of the stream: headers, the events so far, then each new one as it is sent. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    for (const m of this.history) res.write(m);
    this.clients.add(res);
    res.on('close', () => { this.clients.delete(res); });
  }

  /** Sends `data` (JSON) as an event named `event` to every client, and keeps it for later ones. */
  send(event: string, data: unknown): void {
    const m = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    this.history.push(m);
    for (const c of this.clients) c.write(m);
  }

  /** Ends every open stream (the server is closing). */
  end(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
