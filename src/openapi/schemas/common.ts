import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors';
import { response } from '../registry';

/** Every error of the API but SCIM (contract section 0). */
export const ErrorBody = response(
  'Error',
  'An error: `code` is stable and machine-readable, `message` is for people, `details` name the offending fields of a 400.',
  z.object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    }),
  }),
);

export const Health = response('Health', 'The process (`ok`) or its database (`ready`) is up.', z.object({ status: z.enum(['ok', 'ready']) }));

export const OpenApiDocument = response(
  'OpenApiDocument',
  'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1).',
  z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }),
);
