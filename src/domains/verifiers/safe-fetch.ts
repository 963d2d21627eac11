import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { describeDnsError, isNoAnswer, type DnsResolver } from './resolver';

export const FETCH_TIMEOUT_MS = 5_000;
export const FETCH_MAX_BYTES = 256 * 1024;
export const FETCH_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface FetchResponse {
  status: number;
  contentType: string;
  body: string;
  url: string;
}

/** A fetch that was refused or failed; `message` is client-safe and goes into a check's detail. */
export class FetchError extends Error {}

export interface FetchOptions {
  /** Ports for URLs without an explicit one (DOMAIN_FETCH_HTTP(S)_PORT; tests only). */
  httpPort: number;
  httpsPort: number;
  timeoutMs?: number;
  maxBytes?: number;
  /** Any port may be connected to (webhooks: the URL is the administrator's, and no redirect is followed). */
  anyPort?: boolean;
  userAgent?: string;
  /** Reuse connections (per checked address and port) for the POSTs; GETs always use a fresh one. */
  keepAlive?: boolean;
}

/** What a POST came to: its status and headers (the body is not read). */
export interface PostResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
}

interface Exchange {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Answer as soon as the status line and headers arrive. */
  headersOnly?: boolean;
}

/**
 * GET for verification, safe against SSRF: the name is resolved here and every answer must
 * pass the address policy (one private answer refuses the name), the connection goes to the
 * address that was checked (no second lookup, so no DNS rebinding), each redirect is checked
 * the same way, and the whole exchange stops at 5 s and 256 KiB. No cookies or credentials
 * are ever sent.
 */
export class SafeFetcher {
  private readonly agents?: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly resolver: DnsResolver,
    private readonly policy: AddressPolicy,
    private readonly options: FetchOptions,
  ) {
    // Pools are keyed by the address connected to (and the TLS server name), which is the checked one.
    if (options.keepAlive) this.agents = { http: new http.Agent({ keepAlive: true, maxSockets: 4 }), https: new https.Agent({ keepAlive: true, maxSockets: 4 }) };
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agents?.http.destroy();
    this.agents?.https.destroy();
  }

  async get(url: string): Promise<FetchResponse> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    let current = new URL(url);
    const exchange: Exchange = {
      method: 'GET',
      headers: { 'user-agent': this.options.userAgent ?? 'orgbridge-domain-verifier', accept: 'text/html, text/plain;q=0.9', 'accept-encoding': 'identity' },
    };
    for (let hop = 0; ; hop++) {
      const target = await this.checkedTarget(current);
      const res = await this.request(current, target, deadline, exchange);
      if (!REDIRECTS.has(res.status)) return res;
      if (hop >= FETCH_MAX_REDIRECTS) throw new FetchError(`more than ${FETCH_MAX_REDIRECTS} redirects`);
      if (!res.location) throw new FetchError(`redirect ${res.status} without a Location`);
      try {
        current = new URL(res.location, current);
      } catch {
        throw new FetchError('redirect to an invalid URL');
      }
    }
  }

  /**
   * A POST with the same checks, answered once the status and headers arrive. Redirects are not
   * followed: a 3xx is an answer like any other (webhook deliveries).
   */
  async post(url: string, body: string, headers: Record<string, string>, abort?: AbortSignal): Promise<PostResponse> {
    // A timer cleared when the answer arrives, not AbortSignal.timeout: at thousands of POSTs a
    // second, each pending timeout signal would keep its request alive for the whole 15 s.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    const onAbort = () => deadline.abort();
    abort?.addEventListener('abort', onAbort, { once: true });
    try {
      const current = new URL(url);
      const target = await this.checkedTarget(current);
      const res = await this.request(current, target, deadline.signal, {
        method: 'POST',
        headers: { 'user-agent': this.options.userAgent ?? 'orgbridge', ...headers, 'content-length': String(Buffer.byteLength(body)) },
        body,
        headersOnly: true,
      });
      return { status: res.status, headers: res.headers ?? {} };
    } finally {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? FETCH_TIMEOUT_MS;
  }

  /** The address and port to connect to, after every check; throws FetchError when refused. */
  private async checkedTarget(url: URL): Promise<{ address: string; port: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError(`scheme ${url.protocol} is not allowed`);
    if (url.username || url.password) throw new FetchError('URLs with credentials are not allowed');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // The URL parser has already turned decimal, octal and hex IPv4 spellings into dotted form.
    const addresses = isIP(host) ? [host] : await this.resolve(host);
    const refused = addresses.find((a) => !this.policy.allows(a));
    if (refused !== undefined) throw new FetchError(`${host} resolves to a non-public address (${refused}); refused`);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? this.options.httpsPort : this.options.httpPort;
    // Web ports only, so a redirect cannot aim the fetch at, say, a mail or database port.
    if (!this.options.anyPort && ![80, 443, this.options.httpPort, this.options.httpsPort].includes(port)) throw new FetchError(`port ${port} is not allowed`);
    return { address: addresses[0]!, port };
  }

  private async resolve(host: string): Promise<string[]> {
    const answers = await Promise.allSettled([this.resolver.resolve4(host), this.resolver.resolve6(host)]);
    const addresses = answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : []));
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected' && !isNoAnswer(a.reason));
    if (failed) throw new FetchError(describeDnsError(failed.reason, host, 'A/AAAA'));
    if (!addresses.length) throw new FetchError(`${host} has no A or AAAA record`);
    return addresses;
  }

  private request(
    url: URL,
    target: { address: string; port: number },
    deadline: AbortSignal,
    exchange: Exchange,
  ): Promise<FetchResponse & { location?: string; headers?: http.IncomingHttpHeaders }> {
    const secure = url.protocol === 'https:';
    const hostHeader = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    const servername = isIP(url.hostname.replace(/^\[(.*)\]$/, '$1')) ? undefined : url.hostname;
    const maxBytes = this.options.maxBytes ?? FETCH_MAX_BYTES;
    const timedOut = `timed out after ${this.timeoutMs / 1000} s`;
    return new Promise((resolve, reject) => {
      if (deadline.aborted) return reject(new FetchError(timedOut));
      const options: https.RequestOptions = {
        host: target.address,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: exchange.method,
        agent: exchange.method === 'POST' && this.agents ? (secure ? this.agents.https : this.agents.http) : false,
        headers: { host: hostHeader, ...exchange.headers },
        signal: deadline,
        ...(secure ? { servername } : {}),
      };
      const req = (secure ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        if (exchange.headersOnly) {
          res.resume();
          res.on('error', () => undefined);
          return resolve({ status, contentType, body: '', url: url.href, headers: res.headers });
        }
        if (REDIRECTS.has(status)) {
          res.resume();
          req.destroy();
          return resolve({ status, contentType, body: '', url: url.href, location: res.headers.location });
        }
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          req.destroy();
          return reject(new FetchError('response is larger than 256 KiB'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new FetchError('response is larger than 256 KiB'));
          } else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, contentType, body: Buffer.concat(chunks).toString('utf8'), url: url.href }));
        res.on('error', (err) => reject(toFetchError(err, deadline, timedOut)));
        // After 'end' this is a no-op; before it, the body was cut off (deadline or peer).
        res.on('close', () => reject(toFetchError(new Error('response cut off'), deadline, timedOut)));
      });
      req.on('error', (err) => reject(toFetchError(err, deadline, timedOut)));
      req.end(exchange.body);
    });
  }
}

function toFetchError(err: unknown, deadline: AbortSignal, timedOut: string): FetchError {
  if (err instanceof FetchError) return err;
  if (deadline.aborted) return new FetchError(timedOut);
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return new FetchError('connection refused');
  if (code === 'ECONNRESET') return new FetchError('connection reset');
  if (code && /CERT|SSL|TLS/.test(code)) return new FetchError('TLS certificate is not valid for the domain');
  return new FetchError(`request failed${code ? ` (${code})` : ''}`);
}
