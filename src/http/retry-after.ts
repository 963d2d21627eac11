import type { ServerResponse } from 'node:http';

/** Seconds a client is asked to wait after a 503: the database is expected back within seconds. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Every 503 carries Retry-After, whoever renders it (the error handler, /readyz, a hosted page):
 * the header is added as the status line is written, unless the renderer set one itself.
 * SCIM's error renderer sets it directly (src/scim/scim-response.ts), keeping its hot path bare.
 */
export function retryAfterOnUnavailable(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (args[0] === 503 && !this.hasHeader('Retry-After')) this.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
}
