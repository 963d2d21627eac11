import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver does with one request: answer `status` after `delayMs`, or never (`hang`). */
export interface Behaviour {
  status?: number;
  delayMs?: number;
  hang?: boolean;
  headers?: Record<string, string>;
}

/**
 * A webhook receiver on loopback, as a customer would run one: it records every request and
 * answers by a script (`next`), else `fallback` (200). `verify` checks a request with the
 * `standardwebhooks` library, as a receiver in any language would.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly script: Behaviour[] = [];
  fallback: Behaviour = { status: 200 };
  private readonly waiters: Array<() => void> = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      for (const w of this.waiters.splice(0)) w();
      const b = this.script.shift() ?? this.fallback;
      if (b.hang) return;
      setTimeout(() => res.writeHead(b.status ?? 200, b.headers ?? {}).end('ok'), b.delayMs ?? 0);
    });
  });
  url = '';

  static async start(host = '127.0.0.1'): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, host, resolve));
    r.url = `http://${host}:${(r.server.address() as AddressInfo).port}/hooks`;
    return r;
  }

  next(...behaviours: Behaviour[]): void {
    this.script.push(...behaviours);
  }

  /** Resolves once `count` requests have arrived (or throws after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.received.length} of ${count} requests`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    return this.received.slice(0, count);
  }

  events(): Array<{ id: string; seq: number | null; type: string; [k: string]: unknown }> {
    return this.received.map((r) => JSON.parse(r.body));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies one received request with the Standard Webhooks library; throws when it does not verify. */
export function verifyWithLibrary(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}
