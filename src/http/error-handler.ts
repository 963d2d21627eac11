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

/** Errors raised by Express' body parser, as domain errors. */
export function fromBodyParserError(err: unknown): AppError | undefined {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new AppError('payload_too_large', 'request body is larger than 1 MiB');
  if (type === 'entity.parse.failed') return new AppError('invalid_request', 'request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('invalid_request', 'request body encoding is not supported');
  }
  return undefined;
}

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
