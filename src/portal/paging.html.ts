import type { Request } from 'express';
import { ValidationError } from '../shared/errors';
import { decodeCursor, type PageRequest } from '../shared/pagination';
import { escapeHtml as e } from '../shared/html';
import { queryParam } from './portal-context';

export const PAGE_SIZE = 50;

/**
 * `?cursor=` of a portal list (keyset paging: "next page" links, no COUNT over big tables). A
 * cursor that does not decode starts again at the first page rather than failing the page.
 */
export function pageRequestOf(req: Request, limit = PAGE_SIZE): PageRequest {
  const cursor = queryParam(req, 'cursor', 512);
  if (!cursor) return { limit };
  try {
    return { limit, after: decodeCursor(cursor) };
  } catch (err) {
    if (err instanceof ValidationError) return { limit };
    throw err;
  }
}

/** "First page" / "Next page" links, keeping the page's other query parameters. */
export function pager(path: string, query: Record<string, string | undefined>, nextCursor: string | null, onFirstPage: boolean): string {
  const href = (cursor?: string) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    if (cursor) params.set('cursor', cursor);
    const qs = params.toString();
    return e(`${path}${qs ? `?${qs}` : ''}`);
  };
  const links = [
    onFirstPage ? '' : `<a href="${href()}" rel="first">First page</a>`,
    nextCursor ? `<a href="${href(nextCursor)}" rel="next">Next page</a>` : '',
  ].filter(Boolean);
  return links.length ? `<nav class="pager" aria-label="Pages">${links.join('\n')}</nav>` : '';
}
