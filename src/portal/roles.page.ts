import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import { parse } from '../http/validate';
import { createRoleSchema } from '../orgs/roles.routes';
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath } from './layout.html';
import { field, noticeOf, orgOf, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES = { created: 'The role was created.', deleted: 'The role was deleted.' };

interface RoleForm {
  key?: string;
  name?: string;
  description?: string;
  permissions?: string;
  rank?: string;
}

/** Roles: the built-in and custom roles with their permissions; add a custom role; delete an unused one. */
export function rolesTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  const render = async (req: Request, res: Response, problem?: Problem, values: RoleForm = {}) => {
    const { viewer, org, csrf } = orgOf(res);
    const path = orgPath(viewer.tenant.slug, org.id, 'roles');
    const roles = await c.roles.list(org.id);
    const rows = roles
      .map((r) => {
        const remove = r.builtin
          ? '<span class="hint">built in</span>'
          : `<form method="post" action="${e(`${path}/${encodeURIComponent(r.key)}/delete`)}" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Delete role ${e(r.key)}">Delete</button></form>`;
        const permissions = r.permissions.length ? r.permissions.map((p) => `<code>${e(p)}</code>`).join(' ') : '<span class="hint">none</span>';
        return `<tr data-role="${e(r.key)}"><td>${e(r.name)}</td><td><code>${e(r.key)}</code></td><td>${e(r.rank)}</td><td>${permissions}</td><td>${e(r.description ?? '')}</td><td>${remove}</td></tr>`;
      })
      .join('\n');
    const body = `<table class="list" id="roles-table">
<thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Rank</th><th scope="col">Permissions</th><th scope="col">Description</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<section aria-labelledby="add-role-heading">
<h2 id="add-role-heading">Add a custom role</h2>
<form method="post" action="${e(`${path}/add`)}" id="add-role-form">
${csrfField(csrf)}
<label for="role-key">Key <span class="hint">(lower-case letters, digits, _ : -)</span></label>
<input id="role-key" name="key" required maxlength="64" value="${e(values.key ?? '')}">
<label for="role-name">Name</label>
<input id="role-name" name="name" required maxlength="200" value="${e(values.name ?? '')}">
<label for="role-description">Description</label>
<input id="role-description" name="description" maxlength="2000" value="${e(values.description ?? '')}">
<label for="role-permissions">Permissions <span class="hint">(one per line, or separated by spaces or commas)</span></label>
<textarea id="role-permissions" name="permissions" rows="4">${e(values.permissions ?? '')}</textarea>
<label for="role-rank">Rank <span class="hint">(1-1000; default 150: above guest (100), below member (200))</span></label>
<input id="role-rank" name="rank" type="number" min="1" max="1000" value="${e(values.rank ?? '')}">
<button type="submit">Add role</button>
</form>
</section>`;
    sendOrgPage(res, { tab: 'roles', title: 'Roles', body, status: problem?.status, error: problem?.message, notice: noticeOf(req, NOTICES) });
  };

  router.get('/', (req, res) => render(req, res));
  router.post('/add', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    const values: RoleForm = { key: field(req, 'key'), name: field(req, 'name'), description: field(req, 'description'), permissions: field(req, 'permissions'), rank: field(req, 'rank') };
    try {
      const input = parse(
        createRoleSchema,
        {
          key: values.key,
          name: values.name,
          ...(values.description ? { description: values.description } : {}),
          permissions: (values.permissions ?? '').split(/[\s,]+/).filter(Boolean),
          ...(values.rank ? { rank: Number(values.rank) } : {}),
        },
        'form',
      );
      await c.roles.create(ctx, org, input);
      redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'roles'), 'created');
    } catch (err) {
      await render(req, res, refusalOf(err), values);
    }
  });
  router.post('/:key/delete', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    try {
      await c.roles.delete(ctx, org, String(req.params.key));
      redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'roles'), 'deleted');
    } catch (err) {
      await render(req, res, refusalOf(err));
    }
  });
  return router;
}
