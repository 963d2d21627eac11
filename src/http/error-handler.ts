import type { ErrorRequestHandler, RequestHandler } from 'express';
import { translateDbError } from '../db/db-errors';
import { AppError, type ErrorCode } from '../shared/errors';

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/**
 * Errors raised by Express' body parsers and router, as domain errors (SCIM renders them as
 * invalidSyntax). A body whose Content-Encoding does not decode (a broken or truncated gzip,
 * deflate or br stream) reaches here as zlib's error, which body-parser marks 400 but gives no
 * type; a path parameter that is not valid percent-encoding (`%FF`, `%C0%80`) as the router's
 * URIError, marked 400 too.
 */
export function fromBodyParserError(err: unknown): AppError | undefined {
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return new AppError('invalid_request', 'a path segment is not valid percent-encoded UTF-8', { scimType: 'invalidSyntax' });
  }
  const e = (err ?? {}) as { type?: string; status?: number; errno?: unknown; code?: unknown; limit?: unknown };
  const invalid = (message: string) => new AppError('invalid_request', message, { scimType: 'invalidSyntax' });
  switch (e.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', `request body is larger than ${typeof e.limit === 'number' ? sizeOf(e.limit) : 'this endpoint takes'}`);
    case 'parameters.too.many':
      return new AppError('payload_too_large', 'request body has more fields than this form takes');
    case 'entity.parse.failed':
      return invalid('request body is not valid JSON');
    case 'encoding.unsupported':
      return invalid('request body Content-Encoding is not supported (use gzip, deflate, br or none)');
    case 'charset.unsupported':
      return invalid('request body charset is not supported');
    case 'request.aborted':
    case 'request.size.invalid':
      return invalid('request body was not received whole');
  }
  if (e.type === undefined && e.status === 400 && typeof e.errno === 'number' && typeof e.code === 'string') {
    return invalid('request body could not be decoded as its Content-Encoding says');
  }
  return undefined;
}

/** 1048576 → "1 MiB", 16384 → "16 KiB" (the parsers' limits are whole KiB or MiB). */
const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** Any error → a domain error; unknown errors become a generic 500 (the cause is logged only). */
export function toAppError(err: unknown): AppError {
  const translated = fromBodyParserError(err) ?? translateDbError(err);
  if (translated instanceof AppError) return translated;
  return new AppError('internal', 'internal error', { cause: err });
}

/** The admin API's error rendering: `{"error": {code, message, details}}`. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  const status = STATUS_OF[error.code];
  if (status >= 500) req.log.error({ err: error.cause ?? err, code: error.code }, 'request failed');
  else req.log.info({ code: error.code, message: error.message }, 'request rejected');
  if (res.headersSent) return;
  if (error.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(status).json({
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
};
