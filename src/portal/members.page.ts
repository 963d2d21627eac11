import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import type { RoleRecord } from '../db/models';
import type { MembersService } from '../orgs/members.service';
import { ForbiddenError, ValidationError } from '../shared/errors';
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath, roleOptions } from './layout.html';
import { pageRequestOf, pager } from './paging.html';
import { mayGiveOwner } from './portal-access';
import { field, fields, noticeOf, orgOf, queryParam, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

type MemberView = Awaited<ReturnType<MembersService['list']>>['data'][number];

const NOTICES = { created: 'The organization was created.', added: 'The member was added.', roles_changed: 'The roles were changed.', removed: 'The member was removed.' };
const USER_RESULTS = 20;

/**
 * Members: the organization's members a page at a time (keyset by membership id, or by email when
 * searching: a prefix of the email or the name, over indexes), add a tenant user found by search
 * or by email, change the roles a member holds, remove. The services' rules apply (last owner,
 * directory-managed memberships, domain policy) and their refusals show on the page.
 */
export function membersTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  const render = async (req: Request, res: Response, problem?: Problem) => {
    const { viewer, org, csrf } = orgOf(res);
    const path = orgPath(viewer.tenant.slug, org.id, 'members');
    const q = queryParam(req, 'q', 100);
    // Only tenant admins browse the tenant's users: an organization's admins would otherwise see
    // every other organization's people; they add by exact email.
    const userQ = viewer.tenantAdmin ? queryParam(req, 'user_q', 100) : undefined;
    const pageReq = pageRequestOf(req);
    const [page, roles, found] = await Promise.all([
      q ? c.members.search(org, q, pageReq) : c.members.list(org, pageReq),
      c.roles.list(org.id),
      userQ ? c.users.searchByPrefix(viewer.tenant.id, userQ, { limit: USER_RESULTS }) : null,
    ]);
    const rows = page.data.map((m) => memberRow(path, csrf, m, roles)).join('\n');
    const list = rows
      ? `<table class="list" id="members-table">
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
      : `<p id="members-empty">${q ? 'No member matches this search.' : 'This organization has no members yet.'}</p>`;

    let userResults = '';
    if (found) {
      const already = new Set(found.data.length ? (await c.db.transaction((tx) => c.members.findMany(org.id, found.data.map((u) => u.id), tx))).map((m) => m.user_id) : []);
      const items = found.data
        .map((u) => {
          const member = already.has(u.id);
          const action = member
            ? '<span class="hint">already a member</span>'
            : `<form method="post" action="${e(`${path}/add`)}" class="row-form">${csrfField(csrf)}<input type="hidden" name="user_id" value="${e(u.id)}">
<label for="add-role-${e(u.id)}">Role</label>${roleSelect(`add-role-${u.id}`, 'role', roles, 'member')}
<button type="submit">Add ${e(u.email)}</button></form>`;
          return `<tr><td>${e(u.email)}</td><td>${e(u.name ?? '')}</td><td>${action}</td></tr>`;
        })
        .join('\n');
      userResults = items
        ? `<table class="list" id="user-results"><thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Add</th></tr></thead><tbody>\n${items}\n</tbody></table>`
        : '<p id="user-results-empty">No user of the tenant matches this search.</p>';
    }

    const body = `<section aria-label="Members">
<form method="get" action="${e(path)}" class="row-form" id="member-search" role="search" aria-label="Search members">
<label for="member-q">Search members by email or name</label>
<input id="member-q" name="q" type="search" value="${e(q ?? '')}" maxlength="100">
<button type="submit">Search</button>${q ? ` <a href="${e(path)}">Clear</a>` : ''}
</form>
${list}
${pager(path, { q }, page.next_cursor, !pageReq.after)}
</section>
<section aria-labelledby="add-heading">
<h2 id="add-heading">Add a member</h2>
${viewer.tenantAdmin ? `<form method="get" action="${e(path)}" class="row-form" id="user-search" role="search" aria-label="Find users of the tenant">
<label for="user-q">Find a user of the tenant by email or name</label>
<input id="user-q" name="user_q" type="search" value="${e(userQ ?? '')}" maxlength="100">
<button type="submit">Find users</button>
</form>
${userResults}` : ''}
<form method="post" action="${e(`${path}/add`)}" class="row-form" id="add-member-form">
${csrfField(csrf)}
<label for="add-email">${viewer.tenantAdmin ? 'Or add by email' : 'Add by email'}</label>
<input id="add-email" name="email" type="email" required maxlength="320">
<label for="add-role">Role</label>${roleSelect('add-role', 'role', roles, 'member')}
<button type="submit">Add member</button>
</form>
</section>`;
    sendOrgPage(res, { tab: 'members', title: 'Members', body, status: problem?.status, error: problem?.message, notice: noticeOf(req, NOTICES) });
  };

  const act = (work: (req: Request, res: Response) => Promise<keyof typeof NOTICES>) => async (req: Request, res: Response) => {
    const { viewer, org } = orgOf(res);
    try {
      const notice = await work(req, res);
      redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'members'), notice);
    } catch (err) {
      await render(req, res, refusalOf(err));
    }
  };

  /**
   * Only an owner (or a tenant admin) gives or takes `owner`: an organization's admin cannot make
   * themselves or anyone an owner, nor demote or remove one.
   */
  const assertOwnerRule = async (res: Response, roles: string[], targetUserId?: string) => {
    const { viewer, org } = orgOf(res);
    if (mayGiveOwner(viewer, org.id)) return;
    // the membership itself, whatever its status or its user's (a blocked or suspended owner is still one)
    const membership = targetUserId ? await c.members.find(org.id, targetUserId) : null;
    const targetHolds = membership ? (await c.members.rolesOfMembership(membership)).includes('owner') : false;
    if (roles.includes('owner') || targetHolds) throw new ForbiddenError('only an owner of the organization gives or takes the owner role');
  };

  router.get('/', (req, res) => render(req, res));
  router.post('/add', act(async (req, res) => {
    const { ctx, org } = orgOf(res);
    const userId = field(req, 'user_id');
    const email = field(req, 'email');
    if (!userId && !email) throw new ValidationError('give a user or an email address');
    const role = field(req, 'role') || 'member';
    await assertOwnerRule(res, [role]);
    await c.members.add(ctx, org, userId ? { userId } : { email }, role);
    return 'added';
  }));
  router.post('/:userId/roles', act(async (req, res) => {
    const { ctx, org } = orgOf(res);
    const checked = fields(req, 'roles');
    const roles = checked.length ? checked : [field(req, 'role') ?? ''];
    await assertOwnerRule(res, roles, String(req.params.userId));
    await c.members.changeRole(ctx, org.id, String(req.params.userId), roles);
    return 'roles_changed';
  }));
  router.post('/:userId/remove', act(async (req, res) => {
    const { ctx, org } = orgOf(res);
    await assertOwnerRule(res, [], String(req.params.userId));
    await c.members.remove(ctx, org.id, String(req.params.userId));
    return 'removed';
  }));
  return router;
}

function roleSelect(id: string, name: string, roles: RoleRecord[], selected: string): string {
  return `<select id="${e(id)}" name="${e(name)}">${roleOptions(roles, selected)}</select>`;
}

function memberRow(path: string, csrf: string, m: MemberView, roles: RoleRecord[]): string {
  const uid = e(m.user_id);
  const managed = m.source === 'scim';
  const checks = roles
    .map((r) => {
      const id = `roles-${m.user_id}-${r.key}`;
      return `<span><input type="checkbox" id="${e(id)}" name="roles" value="${e(r.key)}"${m.roles.includes(r.key) ? ' checked' : ''}> <label class="inline" for="${e(id)}">${e(r.name)}</label></span>`;
    })
    .join(' ');
  const actions = managed
    ? '<span class="hint">Managed by a directory</span>'
    : `<div class="actions"><details><summary>Change roles</summary>
<form method="post" action="${e(`${path}/${m.user_id}/roles`)}" class="row-form" aria-label="Roles of ${e(m.email)}">${csrfField(csrf)}
<fieldset><legend>Roles of ${e(m.email)}</legend>${checks}</fieldset>
<button type="submit">Save roles</button></form>
</details>
<form method="post" action="${e(`${path}/${m.user_id}/remove`)}" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Remove ${e(m.email)}">Remove</button></form></div>`;
  return `<tr data-user-id="${uid}"><td>${e(m.email)}</td><td>${e(m.name ?? '')}</td><td>${m.roles.map((r) => e(r)).join(', ')}</td><td>${e(m.status)}</td><td>${e(m.source)}</td><td>${actions}</td></tr>`;
}
