import type { ErrorRequestHandler, Response } from 'express';
import { toAppError, STATUS_OF } from '../http/error-handler';
import { SCHEMA } from './scimmy';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** RFC 7644 §3.12 error body; `status` is a string, `scimType` only where one applies. */
export function sendScimError(res: Response, status: number, detail: string, scimType?: string): void {
  res.status(status).type(SCIM_CONTENT_TYPE).send(JSON.stringify({ schemas: [SCHEMA.error], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

/** The SCIM edge's error rendering: the same domain errors as the admin API, in SCIM's shape. */
export const scimErrorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  const status = STATUS_OF[error.code];
  if (status >= 500) req.log.error({ err: error.cause ?? err, code: error.code }, 'scim request failed');
  else req.log.info({ code: error.code, message: error.message }, 'scim request rejected');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="orgbridge-scim"');
  const scimType = status === 400 ? (error.scimType ?? 'invalidValue') : status === 409 ? error.scimType : undefined;
  sendScimError(res, status, error.message, scimType === 'uniqueness' || status === 400 ? scimType : undefined);
};
