import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import type { DirectoryRecord, RoleMappingConfig, RoleRecord } from '../db/models';
import { parse } from '../http/validate';
import { createSchema as directoryCreateSchema, mappingSchema as roleMappingSchema } from '../scim/directories.routes'; // the admin API's rules
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath, roleOptions } from './layout.html';
import { mayGiveOwner } from './portal-access';
import { field, noticeOf, orgOf, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES: Record<string, string> = {
  directory_removed: 'The directory was removed; the memberships it managed follow the remaining directories.',
  mapping_saved: 'The group → role mapping was saved and applied to the directory’s people.',
};
const PROVIDERS = [
  { key: 'okta', label: 'Okta' },
  { key: 'entra', label: 'Microsoft Entra ID' },
  { key: 'generic', label: 'Other SCIM 2.0 client' },
] as const;
/** Empty rows offered below the mapping's own rows. */
const BLANK_ROWS = 3;

type MappingRow = { group: string; group_id: string; role: string };
type Change = { user_id: string; email: string; from: string | null; to: string | null };

/**
 * The organization's Directories tab: its SCIM directories (base URL), creating one, the bearer
 * token shown once (on the answer to the create or rotate POST only: it is stored hashed and no
 * GET can show it), rotation, and the group → role mapping editor with a preview of the role
 * changes before saving. Everything goes through DirectoriesService, as the admin API does.
 */
export function directoriesTab(c: Container): Router {
  const router = Router({ mergeParams: true });
  const scimBaseUrl = (tenantSlug: string, d: DirectoryRecord) => `${c.config.publicUrl}/t/${encodeURIComponent(tenantSlug)}/scim/v2/${d.id}`;
  const providerLabel = (key: string) => PROVIDERS.find((p) => p.key === key)?.label ?? key;

  const show = async (res: Response, p: { problem?: Problem; notice?: string; typedName?: string } = {}) => {
    const { viewer, org, csrf } = orgOf(res);
    const base = orgPath(viewer.tenant.slug, org.id, 'directories');
    const directories = await c.directories.list(org.id);
    const rows = directories
      .map(
        (d) => `<tr data-directory="${e(d.id)}">
<td><strong>${e(d.name)}</strong><br><span class="hint">${e(providerLabel(d.provider))}</span></td>
<td><label class="visually-hidden" for="scim-${e(d.id)}">SCIM base URL of ${e(d.name)}</label><input id="scim-${e(d.id)}" readonly value="${e(scimBaseUrl(viewer.tenant.slug, d))}" data-copy="scim-base-url"></td>
<td>default role <code>${e(d.role_mapping.default_role)}</code>, ${d.role_mapping.mappings.length} group mapping(s)<br><a href="${e(base)}/${e(encodeURIComponent(d.id))}/role-mappings">Edit group → role mapping</a></td>
<td>
<form method="post" action="${e(base)}/${e(encodeURIComponent(d.id))}/token" class="row-form">
${csrfField(csrf)}
<button type="submit" aria-label="Rotate the token of ${e(d.name)}">Rotate token</button>
</form>
<form method="post" action="${e(base)}/${e(encodeURIComponent(d.id))}/remove" class="row-form">
${csrfField(csrf)}
<button type="submit" class="danger" aria-label="Remove ${e(d.name)}">Remove</button>
</form>
</td>
</tr>`,
      )
      .join('\n');
    const body = `${
      directories.length
        ? `<table class="list">
<caption class="visually-hidden">Directories of ${e(org.name)}</caption>
<thead><tr><th scope="col">Directory</th><th scope="col">SCIM base URL</th><th scope="col">Roles</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="hint">The bearer token is shown once, when the directory is created or its token rotated. Rotating stops the old token at once.</p>`
        : '<p>No directory yet. A directory lets your identity provider create, update and remove this organization’s members over SCIM 2.0.</p>'
    }
<form method="post" action="${e(base)}/create">
${csrfField(csrf)}
<fieldset><legend>New directory</legend>
<label for="name">Name</label>
<input id="name" name="name" required maxlength="200" value="${e(p.typedName ?? '')}" placeholder="Okta users">
<label for="provider">Provider</label>
<select id="provider" name="provider">${PROVIDERS.map((x) => `<option value="${x.key}">${e(x.label)}</option>`).join('')}</select>
<button type="submit">Create directory</button>
</fieldset>
</form>`;
    sendOrgPage(res, { tab: 'directories', title: 'Directories', body, status: p.problem?.status, notice: p.notice, error: p.problem?.message });
  };

  /** The answer page of a create or rotate: the only place the token ever appears. */
  const showToken = (res: Response, d: DirectoryRecord, token: string, created: boolean) => {
    const { viewer, org } = orgOf(res);
    const body = `<p role="status" class="notice">${created ? 'The directory was created.' : 'A new token was issued; the old one no longer works.'} Copy the token now: it is shown only on this page and cannot be shown again.</p>
<dl>
<dt><label for="scim-base-url">SCIM base URL</label></dt>
<dd><input id="scim-base-url" readonly value="${e(scimBaseUrl(viewer.tenant.slug, d))}" data-copy="scim-base-url"></dd>
<dt><label for="bearer-token">Bearer token</label></dt>
<dd><input id="bearer-token" readonly value="${e(token)}" data-copy="bearer-token" autocomplete="off"></dd>
</dl>
<p><a href="${e(orgPath(viewer.tenant.slug, org.id, 'directories'))}">Back to the directories</a></p>`;
    sendOrgPage(res, { tab: 'directories', title: created ? `Directory “${d.name}” created` : `New token for “${d.name}”`, body });
  };

  router.get('/', async (req, res) => {
    await show(res, { notice: noticeOf(req, NOTICES) });
  });

  /**
   * A directory's token creates, changes, suspends and takes over any membership of the
   * organization, owners' included, and removing a directory removes the memberships it manages:
   * so creating one, rotating (seeing) its token, removing it and saving its mapping follow the
   * owner rule (members.page.ts): owners and tenant admins only. An admin sees the tab and previews.
   */
  const ownersOnly = async (res: Response): Promise<boolean> => {
    const { viewer, org } = orgOf(res);
    if (mayGiveOwner(viewer, org.id)) return true;
    await show(res, { problem: { status: 403, message: 'Only an owner of the organization can create, rotate, remove or remap its directories: a directory manages every membership, owners’ included.' } });
    return false;
  };

  router.post('/create', async (req, res) => {
    if (!(await ownersOnly(res))) return;
    const { org, ctx } = orgOf(res);
    const typedName = field(req, 'name') ?? '';
    try {
      const input = parse(directoryCreateSchema, { name: typedName, provider: field(req, 'provider') || undefined });
      const { directory, token } = await c.directories.create(ctx, org.id, input);
      showToken(res, directory, token, true);
    } catch (err) {
      await show(res, { problem: refusalOf(err), typedName });
    }
  });

  router.post('/:dirId/token', async (req, res) => {
    if (!(await ownersOnly(res))) return;
    const { org, ctx } = orgOf(res);
    try {
      const { directory, token } = await c.directories.rotateToken(ctx, org.id, String(req.params.dirId));
      showToken(res, directory, token, false);
    } catch (err) {
      await show(res, { problem: refusalOf(err) });
    }
  });

  router.post('/:dirId/remove', async (req, res) => {
    if (!(await ownersOnly(res))) return;
    const { viewer, org, ctx } = orgOf(res);
    try {
      await c.directories.delete(ctx, org.id, String(req.params.dirId));
    } catch (err) {
      return show(res, { problem: refusalOf(err) });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'directories'), 'directory_removed');
  });

  // ---- group → role mapping: edit, preview (changes nothing), save ----
  const showMapping = async (
    res: Response,
    d: DirectoryRecord,
    p: { problem?: Problem; notice?: string; defaultRole: string; rows: MappingRow[]; changes?: Change[] },
  ) => {
    const { viewer, org, csrf } = orgOf(res);
    const action = `${orgPath(viewer.tenant.slug, org.id, 'directories')}/${encodeURIComponent(d.id)}/role-mappings`;
    const roles = await c.roles.list(org.id);
    const rows = [...p.rows, ...Array.from({ length: BLANK_ROWS }, () => ({ group: '', group_id: '', role: '' }))];
    const body = `<p><a href="${e(orgPath(viewer.tenant.slug, org.id, 'directories'))}">← All directories</a></p>
<p>A person’s role is the highest-ranked role mapped from any of their groups in this directory, else the default role. Groups are matched by display name (any case) or by SCIM id.</p>
${p.changes ? changesTable(p.changes) : ''}
<form method="post" action="${e(action)}">
${csrfField(csrf)}
<label for="default_role">Default role</label>
<select id="default_role" name="default_role">${mappingRoleOptions(roles, p.defaultRole, false)}</select>
<table class="list">
<caption>Group → role rows <span class="hint">(leave a row empty to drop it)</span></caption>
<thead><tr><th scope="col">Group display name</th><th scope="col">or SCIM group id</th><th scope="col">Role</th></tr></thead>
<tbody>
${rows
  .map(
    (r, i) => `<tr>
<td><label class="visually-hidden" for="group_${i}">Group display name, row ${i + 1}</label><input id="group_${i}" name="group_${i}" maxlength="400" value="${e(r.group)}"></td>
<td><label class="visually-hidden" for="group_id_${i}">SCIM group id, row ${i + 1}</label><input id="group_id_${i}" name="group_id_${i}" maxlength="64" value="${e(r.group_id)}"></td>
<td><label class="visually-hidden" for="role_${i}">Role, row ${i + 1}</label><select id="role_${i}" name="role_${i}">${mappingRoleOptions(roles, r.role, true)}</select></td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>
<button type="submit" formaction="${e(action)}/preview" name="intent" value="preview">Preview the changes</button>
<button type="submit" name="intent" value="save">Save and apply</button>
</form>`;
    sendOrgPage(res, { tab: 'directories', title: `Group → role mapping of “${d.name}”`, body, status: p.problem?.status, notice: p.notice, error: p.problem?.message });
  };

  const directoryOf = async (res: Response, req: Request): Promise<DirectoryRecord | null> => {
    try {
      return await c.directories.get(orgOf(res).org.id, String(req.params.dirId));
    } catch (err) {
      await show(res, { problem: refusalOf(err) });
      return null;
    }
  };

  router.get('/:dirId/role-mappings', async (req, res) => {
    const d = await directoryOf(res, req);
    if (!d) return;
    await showMapping(res, d, { notice: noticeOf(req, NOTICES), defaultRole: d.role_mapping.default_role, rows: rowsOf(d.role_mapping) });
  });

  /** The posted form as a mapping (validated with the admin API's schema), with the rows as typed. */
  const postedMapping = (req: Request) => {
    const rows = postedRows(req);
    const typed = { defaultRole: field(req, 'default_role') || 'member', rows };
    const body = {
      default_role: typed.defaultRole,
      mappings: rows.map((r) => ({ ...(r.group ? { group: r.group } : {}), ...(r.group_id ? { group_id: r.group_id } : {}), role: r.role })),
    };
    return { typed, parseMapping: (): RoleMappingConfig => parse(roleMappingSchema, body, 'mapping') };
  };


  router.post('/:dirId/role-mappings/preview', async (req, res) => {
    const d = await directoryOf(res, req);
    if (!d) return;
    const { ctx, org } = orgOf(res);
    const { typed, parseMapping } = postedMapping(req);
    try {
      const changes = await c.directories.previewRoleMapping(ctx, org.id, d.id, parseMapping());
      await showMapping(res, d, { ...typed, changes });
    } catch (err) {
      await showMapping(res, d, { ...typed, problem: refusalOf(err) });
    }
  });

  router.post('/:dirId/role-mappings', async (req, res) => {
    if (!(await ownersOnly(res))) return;
    const d = await directoryOf(res, req);
    if (!d) return;
    const { ctx, org, viewer } = orgOf(res);
    const { typed, parseMapping } = postedMapping(req);
    try {
      await c.directories.putRoleMapping(ctx, org.id, d.id, parseMapping());
    } catch (err) {
      return showMapping(res, d, { ...typed, problem: refusalOf(err) });
    }
    redirectWithNotice(res, `${orgPath(viewer.tenant.slug, org.id, 'directories')}/${encodeURIComponent(d.id)}/role-mappings`, 'mapping_saved');
  });
  return router;
}

const rowsOf = (m: RoleMappingConfig): MappingRow[] => m.mappings.map((x) => ({ group: x.group ?? '', group_id: x.group_id ?? '', role: x.role }));

/** Rows `group_N` / `group_id_N` / `role_N` in N order; a row with neither group nor id is dropped. */
function postedRows(req: Request): MappingRow[] {
  const indexes = Object.keys((req.body ?? {}) as Record<string, unknown>)
    .map((k) => /^role_(\d{1,4})$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return indexes
    .map((i) => ({ group: field(req, `group_${i}`) ?? '', group_id: field(req, `group_id_${i}`) ?? '', role: field(req, `role_${i}`) ?? '' }))
    .filter((r) => r.group || r.group_id);
}

/** The role picker of a mapping row: `roleOptions`, plus "choose a role" and a role that no longer exists. */
function mappingRoleOptions(roles: RoleRecord[], selected: string, withEmpty: boolean): string {
  const known = roles.some((r) => r.key === selected);
  return [
    withEmpty ? `<option value=""${selected ? '' : ' selected'}>choose a role</option>` : '',
    // a role that no longer exists stays visible, so saving does not drop it silently
    selected && !known ? `<option value="${e(selected)}" selected>${e(selected)} (no such role)</option>` : '',
    roleOptions(roles, selected),
  ].join('');
}

function changesTable(changes: Change[]): string {
  if (!changes.length) return '<section class="preview" role="status" data-preview="none"><h2>Preview</h2><p>Saving this mapping changes nobody’s role.</p></section>';
  const rows = changes
    .map((ch) => `<tr data-change="${e(ch.user_id)}"><td>${e(ch.email)}</td><td>${e(ch.from ?? '—')}</td><td>${e(ch.to ?? '—')}</td></tr>`)
    .join('\n');
  return `<section class="preview" role="status" data-preview="${changes.length}">
<h2>Preview: ${changes.length} role change(s) if you save</h2>
<table class="list">
<thead><tr><th scope="col">Person</th><th scope="col">Role now</th><th scope="col">Role after saving</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="hint">Nothing has changed yet. Choose “Save and apply” to apply it.</p>
</section>`;
}
