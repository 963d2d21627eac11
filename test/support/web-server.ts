import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A plain HTTP server on one loopback address (127.0.0.2, 127.0.0.3, ::1 …) that serves
 * per-host, per-path handlers and records every request that reaches it.
 */
export class TestWebServer {
  readonly hits: Array<{ host: string; path: string }> = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly server = http.createServer((req, res) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    this.hits.push({ host, path: req.url ?? '' });
    const handler = this.handlers.get(`${host}${req.url}`) ?? this.handlers.get(`*${req.url}`);
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  port = 0;

  static async start(address: string, port = 0): Promise<TestWebServer> {
    const web = new TestWebServer();
    await new Promise<void>((resolve, reject) => {
      web.server.once('error', reject);
      web.server.listen(port, address, () => resolve());
    });
    web.port = (web.server.address() as AddressInfo).port;
    return web;
  }

  /** `host` is the Host header without port, or `*` for any. */
  on(host: string, path: string, handler: Handler): void {
    this.handlers.set(`${host}${path}`, handler);
  }

  serve(host: string, path: string, contentType: string, body: string): void {
    this.on(host, path, (_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body));
  }

  redirect(host: string, path: string, location: string, status = 302): void {
    this.on(host, path, (_req, res) => res.writeHead(status, { location }).end());
  }

  hitsFor(host: string): number {
    return this.hits.filter((h) => h.host === host).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
