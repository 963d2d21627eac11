import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver in a process of its own (a bare node:http server on loopback answering
 * 204), so that receiving thousands of deliveries a second does not take the load generator's
 * event-loop turns. It reports its count every 20 ms, and each event's arrival (by its target id,
 * on the shared high-resolution clock `performance.timeOrigin + performance.now()`) while tracking.
 */
export class ReceiverProcess {
  count = 0;
  readonly seenTarget = new Map<string, number>();
  url = '';
  private child?: ChildProcess;

  async start(): Promise<void> {
    const child = fork(__filename, ['--receiver'], { execArgv: ['--import', 'tsx'] });
    this.child = child;
    this.url = await new Promise<string>((resolve) => {
      child.on('message', (m: { url?: string; count?: number; target?: string; at?: number }) => {
        if (m.url) resolve(m.url);
        if (m.count !== undefined) this.count = Math.max(this.count, m.count);
        if (m.target) this.seenTarget.set(m.target, m.at! - performance.timeOrigin);
      });
    });
  }

  set track(on: boolean) {
    this.child?.send({ track: on });
  }

  close(): void {
    this.child?.kill();
  }
}

function serve(): void {
  let count = 0;
  let track = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => track && chunks.push(c));
    req.on('end', () => {
      count++;
      if (track) process.send!({ target: JSON.parse(Buffer.concat(chunks).toString('utf8')).target.id, at: performance.timeOrigin + performance.now(), count });
      res.writeHead(204).end();
    });
  });
  process.on('message', (m: { track?: boolean }) => (track = Boolean(m.track)));
  let sent = -1;
  setInterval(() => {
    if (count !== sent) process.send!({ count: (sent = count) });
  }, 20);
  server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` }));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--receiver')) serve();
