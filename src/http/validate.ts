import { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { decodeCursor, type PageRequest } from '../shared/pagination';

/** Parses `value` with `schema`, or throws a 400 whose details name each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || undefined,
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const first = details[0]!;
  throw new ValidationError(`${what} is invalid: ${first.path ? `${first.path}: ` : ''}${first.message}`, { details });
}

const limitSchema = z.coerce
  .number({ error: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be between 1 and 200')
  .max(200, 'limit must be between 1 and 200')
  .default(50);

/** `?limit=&cursor=` of every list (contract section 0). */
export const pageQuerySchema = z.object({ limit: limitSchema, cursor: z.string().min(1).optional() });

/**
 * Query parameters holding whole numbers must be written in decimal digits: `0x10`, `1.0`,
 * `1e2`, `+5`, ` 5` and the empty string are a 400 rather than read the way `Number()` (and
 * so `z.coerce.number()`) would (issue 18: the rule of SCIM's startIndex and count). Checked on
 * the raw strings before the schema, which keeps documenting them as integers.
 */
export function requireDecimalQuery(query: Record<string, unknown>, ...names: string[]): void {
  for (const name of names) {
    const value = query[name];
    if (value === undefined || (typeof value === 'string' && /^\d{1,16}$/.test(value))) continue;
    const message = `${name} must be a decimal whole number`;
    throw new ValidationError(`query is invalid: ${name}: ${message}`, { details: [{ path: name, message }] });
  }
}

/** `?limit=&cursor=` → a validated page request. */
export function parsePage(query: Record<string, unknown>): PageRequest {
  requireDecimalQuery(query, 'limit');
  const { limit, cursor } = parse(pageQuerySchema, { limit: query.limit, cursor: query.cursor }, 'query');
  return { limit, after: cursor === undefined ? undefined : decodeCursor(cursor) };
}
