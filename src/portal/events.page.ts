import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import { escapeHtml as e } from '../shared/html';
import { orgPath } from './layout.html';
import { formatTime } from './invitations.page';
import { pageRequestOf, pager } from './paging.html';
import { orgOf, queryParam, sendOrgPage } from './portal-context';

/** A dotted event type, or a prefix of one (`membership.` or `membership.*`). */
const TYPE = /^[a-z_]+(\.[a-z_]+)*(\.\*?)?$/;
const DATA_SHOWN = 300;

/** Events: the organization's events, newest first, a page at a time (by seq), filtered by type or type prefix. */
export function eventsTab(c: Container): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req: Request, res: Response) => {
    const { viewer, org } = orgOf(res);
    const path = orgPath(viewer.tenant.slug, org.id, 'events');
    const typeParam = queryParam(req, 'type', 100);
    const valid = typeParam !== undefined && TYPE.test(typeParam);
    const type = valid ? (typeParam!.endsWith('.') ? `${typeParam}*` : typeParam) : undefined;
    const pageReq = pageRequestOf(req);
    const page = await c.events.list(viewer.tenant.id, { type, organizationId: org.id }, pageReq);
    const rows = page.data
      .map((ev) => {
        const data = JSON.stringify(ev.data ?? {});
        return `<tr data-seq="${ev.seq}"><td>${ev.seq}</td><td><time datetime="${e(ev.created_at)}">${e(formatTime(new Date(ev.created_at)))}</time></td><td><code>${e(ev.type)}</code></td>
<td>${e(ev.actor.type)}${ev.actor.id ? ` <span class="hint">${e(ev.actor.id)}</span>` : ''}</td><td>${e(ev.target.type)} <span class="hint">${e(ev.target.id ?? '')}</span></td>
<td><code>${e(data.length > DATA_SHOWN ? `${data.slice(0, DATA_SHOWN)}…` : data)}</code></td></tr>`;
      })
      .join('\n');
    const body = `<form method="get" action="${e(path)}" class="row-form" id="event-filter">
<label for="event-type">Type or prefix (e.g. <code>membership.</code>)</label>
<input id="event-type" name="type" value="${e(typeParam ?? '')}" maxlength="100">
<button type="submit">Filter</button>${typeParam ? ` <a href="${e(path)}">Clear</a>` : ''}
</form>
${rows ? `<table class="list" id="events-table">
<thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">Data</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>` : '<p id="events-empty">No events.</p>'}
${pager(path, { type: valid ? typeParam : undefined }, page.next_cursor, !pageReq.after)}`;
    sendOrgPage(res, {
      tab: 'events',
      title: 'Events',
      body,
      status: typeParam !== undefined && !valid ? 400 : 200,
      error: typeParam !== undefined && !valid ? 'The type must be a dotted event type, or a prefix ending in a dot.' : undefined,
    });
  });
  return router;
}
