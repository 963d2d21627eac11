import type { IncomingMessage } from 'node:http';
import express from 'express';
import { ValidationError } from '../shared/errors';
import { JSON_BODY_LIMIT } from './body-limit';
import type { NodeMiddleware } from './rate-limit';

/**
 * Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1).
 * Nothing the API accepts comes near it; a body 100,000 levels deep would otherwise overflow
 * the stack of whatever walks it first (validation, JSON.stringify, a log line) and answer 500.
 */
export const JSON_MAX_DEPTH = 64;

/**
 * The JSON body parser of the admin API, SCIM and the public invitation API (whose limit is
 * smaller): by default at most 1 MiB once decoded (gzip, deflate
 * and br are read; the limit applies to the decoded bytes, so a small bomb is a 413), and at
 * most JSON_MAX_DEPTH levels deep, checked right after parsing and before anything else sees
 * it. Connect-style, so it runs on Express's request and on Node's (the SCIM handler).
 */
export function jsonBody(types: string[], limit = JSON_BODY_LIMIT): NodeMiddleware {
  const parse = express.json({ limit, type: types });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      // A body under another Content-Type (text/plain, a form, none) is left unread by the
      // parser; refused here so the caller hears why, not "body must be an object".
      if ((req as { body?: unknown }).body === undefined && carriesBytes(req)) {
        return next(new ValidationError(`request body must be JSON (Content-Type: ${types[0]})`, { scimType: 'invalidSyntax' }));
      }
      const problem = shapeProblem((req as { body?: unknown }).body, JSON_MAX_DEPTH);
      if (problem) return next(new ValidationError(problem, { scimType: 'invalidSyntax' }));
      next();
    });
}

/** Whether a request sends a body with content (chunked, or a Content-Length above 0). */
function carriesBytes(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * What makes a parsed body unacceptable whatever the route: objects and arrays nesting more than
 * `max` levels, or a `__proto__` key, which every later copy (zod, a spread, Object.fromEntries)
 * would silently drop or turn into a prototype (so `{"metadata":{"__proto__":…}}` answered 201
 * and stored nothing of it). Iterative, so any depth is safe to check.
 */
export function shapeProblem(value: unknown, max: number): string | undefined {
  const pending: Array<{ value: object; depth: number }> = [];
  if (value !== null && typeof value === 'object') pending.push({ value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > max) return `request body is nested more than ${max} levels deep`;
    if (!Array.isArray(next.value) && Object.hasOwn(next.value, '__proto__')) return 'request body uses the reserved key "__proto__"';
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) {
      if (child !== null && typeof child === 'object') pending.push({ value: child as object, depth: next.depth + 1 });
    }
  }
  return undefined;
}
