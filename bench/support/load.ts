import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<number, number>;
}

export interface RequestSpec {
  method: string;
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (the OAuth endpoints). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** The bytes and content type of a request's body, if it has one. */
function payloadOf(spec: RequestSpec): { bytes: Buffer; type: string } | undefined {
  if (spec.form) return { bytes: Buffer.from(new URLSearchParams(spec.form).toString()), type: 'application/x-www-form-urlencoded' };
  return spec.body === undefined ? undefined : { bytes: Buffer.from(JSON.stringify(spec.body)), type: 'application/json' };
}

/**
 * Sends `total` requests to 127.0.0.1:`port` with `inFlight` at a time over keep-alive
 * connections; stops early after `maxSeconds`. Latencies in milliseconds.
 */
export async function runLoad(port: number, total: number, inFlight: number, next: (i: number) => RequestSpec, maxSeconds = 600): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let issued = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const worker = async () => {
    while (issued < total && Date.now() < deadline) {
      const spec = next(issued++);
      const t0 = process.hrtime.bigint();
      const status = await send(agent, port, spec);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), statuses };
}

export function send(agent: http.Agent, port: number, spec: RequestSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = payloadOf(spec);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method,
        path: spec.path,
        agent,
        headers: { ...(payload ? { 'content-type': payload.type, 'content-length': payload.bytes.length } : {}), ...spec.headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload?.bytes);
  });
}

/** One request, parsed. */
export function call(port: number, spec: RequestSpec, agent?: http.Agent): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = payloadOf(spec);
    const req = http.request(
      { host: '127.0.0.1', port, method: spec.method, path: spec.path, agent, headers: { ...(payload ? { 'content-type': payload.type } : {}), ...spec.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(payload?.bytes);
  });
}

export const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(0)}/s over ${r.requests} requests (p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, statuses ${JSON.stringify(r.statuses)})`;

/** The ids of the first `count` users of a SCIM base URL, in id order, 200 per page. */
export async function scimUserIds(port: number, base: string, headers: Record<string, string>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 1; ids.length < count; start += 200) {
    const page = await call(port, { method: 'GET', path: `${base}/Users?startIndex=${start}&count=200&attributes=id`, headers });
    if (!page.body.Resources.length) break;
    ids.push(...page.body.Resources.map((r: { id: string }) => r.id));
  }
  return ids.slice(0, count);
}
