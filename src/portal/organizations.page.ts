import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import { parse } from '../http/validate';
import { createOrgSchema } from '../orgs/orgs.schemas';
import { ForbiddenError } from '../shared/errors';
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath, portalBase } from './layout.html';
import { pageRequestOf, pager } from './paging.html';
import { field, noticeOf, portalOf, queryParam, refusalOf, sendPortalPage, type Problem } from './portal-context';

interface OrgRow {
  id: string;
  name: string;
  slug: string;
  parent_id?: string | null;
  roles?: string[];
}

/**
 * `/portal/organizations`: tenant admins list every organization (searched by name or slug
 * server-side, keyset pages) and create them; an organization's owner or admin sees only theirs.
 */
export function organizationsPages(c: Container): Router {
  const router = Router({ mergeParams: true });

  const render = async (req: Request, res: Response, problem?: Problem, values: { name?: string; slug?: string } = {}) => {
    const { viewer, csrf } = portalOf(res);
    const path = `${portalBase(viewer.tenant.slug)}/organizations`;
    const q = queryParam(req, 'q', 100);
    const pageReq = pageRequestOf(req);
    let rows: OrgRow[];
    let next: string | null = null;
    if (viewer.tenantAdmin) {
      const page = await c.orgs.list(viewer.tenant.id, q, pageReq);
      rows = page.data;
      next = page.next_cursor;
    } else {
      const term = q?.toLowerCase();
      rows = viewer.administers.filter((o) => !term || o.name.toLowerCase().includes(term) || o.slug.includes(term));
    }
    const table = rows.length
      ? `<table class="list" id="organizations-table">
<thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col">${viewer.tenantAdmin ? 'Workspace of' : 'Your roles'}</th></tr></thead>
<tbody>
${rows.map((o) => `<tr><td><a href="${e(orgPath(viewer.tenant.slug, o.id))}">${e(o.name)}</a></td><td>${e(o.slug)}</td><td>${viewer.tenantAdmin ? e(o.parent_id ?? '') : e((o.roles ?? []).join(', '))}</td></tr>`).join('\n')}
</tbody>
</table>`
      : `<p id="organizations-empty">${q ? 'No organization matches this search.' : 'There are no organizations yet.'}</p>`;
    const create = viewer.tenantAdmin
      ? `<section aria-labelledby="create-heading">
<h2 id="create-heading">Create an organization</h2>
<form method="post" action="${e(path)}" id="create-organization-form">
${csrfField(csrf)}
<label for="org-name">Name</label>
<input id="org-name" name="name" required maxlength="200" value="${e(values.name ?? '')}">
<label for="org-slug">Slug <span class="hint">(optional: derived from the name)</span></label>
<input id="org-slug" name="slug" maxlength="64" pattern="[a-z0-9][a-z0-9-]*" value="${e(values.slug ?? '')}">
<button type="submit">Create organization</button>
</form>
</section>`
      : '';
    const body = `<form method="get" action="${e(path)}" class="row-form" id="organization-search" role="search" aria-label="Search organizations">
<label for="org-q">Search by name or slug</label>
<input id="org-q" name="q" type="search" value="${e(q ?? '')}" maxlength="100">
<button type="submit">Search</button>${q ? ` <a href="${e(path)}">Clear</a>` : ''}
</form>
${table}
${pager(path, { q }, next, !pageReq.after)}
${create}`;
    sendPortalPage(res, { title: 'Organizations', body, status: problem?.status, error: problem?.message, notice: noticeOf(req, {}) });
  };

  router.get('/', (req, res) => render(req, res));
  router.post('/', async (req, res) => {
    const { viewer, ctx } = portalOf(res);
    const values = { name: field(req, 'name'), slug: field(req, 'slug') || undefined };
    try {
      if (!viewer.tenantAdmin) throw new ForbiddenError('only tenant administrators create organizations');
      const org = await c.orgs.create(ctx, parse(createOrgSchema, values, 'form'));
      res.redirect(303, `${orgPath(viewer.tenant.slug, org.id, 'members')}?notice=created`);
    } catch (err) {
      await render(req, res, refusalOf(err), values);
    }
  });
  return router;
}
