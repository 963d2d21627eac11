import type { ServerResponse } from 'node:http';
import { STATUS_OF, toAppError } from '../http/error-handler';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../http/retry-after';
import type { Logger } from '../shared/logger';
import { etagOf } from './scim-request';
import { SCHEMA } from './scimmy';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A SCIM JSON body with its status and, for a resource, its ETag (and Location when created). */
export function send(res: ServerResponse, status: number, body: unknown, version?: number, location?: string): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (version !== undefined) res.setHeader('ETag', etagOf(version));
  if (location) res.setHeader('Location', location);
  res.end(text);
}

export function sendNotModified(res: ServerResponse, version: number): void {
  res.statusCode = 304;
  res.setHeader('ETag', etagOf(version));
  res.end();
}

export function sendNoContent(res: ServerResponse): void {
  res.statusCode = 204;
  res.end();
}

/** An operation the service does not support (RFC 7644 §3.12: 501), in SCIM's error shape. */
export function sendNotImplemented(res: ServerResponse, detail: string): void {
  send(res, 501, { schemas: [SCHEMA.error], status: '501', detail });
}

/** 405 in SCIM's error shape, with the methods the endpoint does take. */
export function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  send(res, 405, { schemas: [SCHEMA.error], status: '405', detail: `this endpoint accepts ${allow} only` });
}

/**
 * Any error in RFC 7644 §3.12's shape: `status` a string, `scimType` only where one applies. The
 * same domain errors as the admin API; a 5xx logs its cause and shows none of it.
 */
export function sendError(res: ServerResponse, err: unknown, log: () => Logger): void {
  const error = toAppError(err);
  const status = STATUS_OF[error.code];
  if (status >= 500) log().error({ err: error.cause ?? err, code: error.code }, 'scim request failed');
  else log().info({ code: error.code, message: error.message }, 'scim request rejected');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="orgbridge-scim"');
  if (status === 503) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  const scimType = status === 400 ? (error.scimType ?? 'invalidValue') : status === 409 && error.scimType === 'uniqueness' ? 'uniqueness' : undefined;
  send(res, status, { schemas: [SCHEMA.error], status: String(status), ...(scimType ? { scimType } : {}), detail: error.message });
}
