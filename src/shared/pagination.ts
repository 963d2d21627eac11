import { ValidationError } from './errors';

/** A page request after validation: `after` is the decoded cursor (a sort key). */
export interface PageRequest {
  limit: number;
  after?: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string' || typeof parsed.k === 'number') return String(parsed.k);
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not valid', { details: [{ path: 'cursor', message: 'not a cursor from this API' }] });
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
 * `keyOf` gives the sort key that the next page starts after.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => string | number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(map), next_cursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
