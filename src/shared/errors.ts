/**
 * Domain errors. Services throw these and never choose an HTTP status; the two edges
 * (http/error-handler.ts for the admin API, the SCIM error mapper for SCIM) render them.
 */
/** Every error code of the API but SCIM's (the OpenAPI document's `Error` schema lists them in this order). */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'gone',
  'precondition_failed',
  'payload_too_large',
  'rate_limited',
  'internal',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ErrorDetail {
  path?: string;
  message: string;
}

export interface AppErrorOptions {
  details?: ErrorDetail[];
  scimType?: ScimType;
  cause?: unknown;
}

export class AppError extends Error {
  readonly details?: ErrorDetail[];
  readonly scimType?: ScimType;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.details = opts.details;
    this.scimType = opts.scimType;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, opts: AppErrorOptions = {}) {
    super('invalid_request', message, opts);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super('unauthorized', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'not allowed') {
    super('forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super('not_found', id === undefined ? `${entity} not found` : `${entity} '${id}' not found`);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, opts: AppErrorOptions = {}) {
    super('conflict', message, opts);
  }
}
export class GoneError extends AppError {
  constructor(message: string) {
    super('gone', message);
  }
}
export class PreconditionFailedError extends AppError {
  constructor(message: string) {
    super('precondition_failed', message);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = 'request body is too large') {
    super('payload_too_large', message);
  }
}
export class UnavailableError extends AppError {
  constructor(message = 'the service is temporarily unavailable', cause?: unknown) {
    super('unavailable', message, { cause });
  }
}
