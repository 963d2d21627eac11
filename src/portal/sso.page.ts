import { Router, type Response } from 'express';
import type { Container } from '../container';
import { parse } from '../http/validate';
import { escapeHtml as e } from '../shared/html';
import { createSchema as connectionCreateSchema, linkSchema as connectionLinkSchema } from '../sso/connections.routes'; // the admin API's rules
import type { ConnectionView } from '../sso/connections.service';
import { spUrls } from '../sso/sp-urls';
import { csrfField, orgPath, roleOptions } from './layout.html';
import { field, noticeOf, orgOf, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES: Record<string, string> = {
  connection_created: 'The connection was created and linked to this organization. Give the SP details below to the identity provider, then test the sign-in.',
  connection_linked: 'The connection was linked to this organization.',
  connection_unlinked: 'The connection was unlinked from this organization.',
};
const EXPIRY_WARNING_MS = 30 * 24 * 3600_000;
const CONNECTIONS_LIMIT = 200;

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

/**
 * The organization's SSO tab: the SAML connections linked to it (IdP entity id, certificate
 * expiry), what the IdP needs from us (SP entity id, ACS URL, metadata), and a test sign-in.
 * Connections are tenant-level objects (one may serve several organizations and carries
 * tenant-wide settings such as JIT and role mappings), so only tenant administrators create,
 * link and unlink them here; an organization's owners and admins see and test theirs.
 */
export function ssoTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  const connectionCard = (res: Response, v: ConnectionView, isDefault: boolean) => {
    const { viewer, org, csrf } = orgOf(res);
    const conn = v.connection;
    const sp = spUrls(c.config.publicUrl, viewer.tenant.slug, conn.id);
    const testUrl = `${sp.start_url}?return_to=${encodeURIComponent(orgPath(viewer.tenant.slug, org.id, 'sso'))}`;
    const now = c.clock.now().getTime();
    const certs = v.certificates
      .map((cert) => {
        const left = new Date(cert.not_after).getTime() - now;
        const badge = left <= 0 ? '<span class="badge" data-cert="expired">expired</span>' : left <= EXPIRY_WARNING_MS ? '<span class="badge" data-cert="expiring">expires soon</span>' : '';
        return `<li>expires <time datetime="${e(new Date(cert.not_after).toISOString())}">${day(cert.not_after)}</time> ${badge}<br><span class="hint">SHA-256 <code class="secret">${e(cert.fingerprint)}</code></span></li>`;
      })
      .join('\n');
    const unlink = viewer.tenantAdmin
      ? `<form method="post" action="${e(orgPath(viewer.tenant.slug, org.id, 'sso'))}/${e(encodeURIComponent(conn.id))}/unlink" class="row-form">
${csrfField(csrf)}
<button type="submit" class="danger" aria-label="Unlink ${e(conn.name)}">Unlink from this organization</button>
</form>`
      : '';
    return `<section class="connection" data-connection="${e(conn.id)}" aria-labelledby="con-${e(conn.id)}">
<h2 id="con-${e(conn.id)}">${e(conn.name)}${isDefault ? ' <span class="badge set">default</span>' : ''}</h2>
<dl>
<dt>Identity provider entity id</dt><dd><code>${e(conn.idp_entity_id)}</code></dd>
<dt>IdP certificates</dt><dd><ul>${certs || '<li>none</li>'}</ul></dd>
<dt><label for="sp-entity-${e(conn.id)}">SP entity id (audience)</label></dt>
<dd><input id="sp-entity-${e(conn.id)}" readonly value="${e(sp.entity_id)}" data-copy="sp-entity-id"></dd>
<dt><label for="sp-acs-${e(conn.id)}">ACS URL (reply URL)</label></dt>
<dd><input id="sp-acs-${e(conn.id)}" readonly value="${e(sp.acs_url)}" data-copy="acs-url"></dd>
<dt>SP metadata</dt><dd><a href="${e(sp.metadata_url)}" data-link="metadata">${e(sp.metadata_url)}</a></dd>
</dl>
<p><a href="${e(testUrl)}" data-link="test-sign-in">Test sign-in</a> <span class="hint">(goes to the identity provider and comes back here; it signs this browser in as the person who signs in at the IdP, so use a private window to keep this session)</span></p>
${unlink}
</section>`;
  };

  const show = async (res: Response, p: { problem?: Problem; notice?: string; typed?: { name?: string; xml?: string } } = {}) => {
    const { viewer, org, csrf, effective } = orgOf(res);
    const base = orgPath(viewer.tenant.slug, org.id, 'sso');
    const linked = await c.connections.linkedTo(viewer.tenant.id, org.id);
    const defaultId = effective.auth_settings.default_connection_id ?? (linked.length === 1 ? linked[0]!.connection.id : null);
    const cards = linked.length
      ? linked.map((v) => connectionCard(res, v, v.connection.id === defaultId)).join('\n')
      : '<p>No SSO connection is linked to this organization yet.</p>';

    let manage = `<p class="hint">SSO connections are set up by the tenant’s administrators; ask them to add or change one.</p>`;
    if (viewer.tenantAdmin) {
      const linkedIds = new Set(linked.map((v) => v.connection.id));
      const others = (await c.connections.list(viewer.tenant.id, { limit: CONNECTIONS_LIMIT })).data.filter((v) => !linkedIds.has(v.connection.id));
      const roles = await c.roles.list(org.id);
      const linkExisting = others.length
        ? `<form method="post" action="${e(base)}/link">
${csrfField(csrf)}
<fieldset><legend>Link an existing connection of the tenant</legend>
<label for="connection_id">Connection</label>
<select id="connection_id" name="connection_id">${others.map((v) => `<option value="${e(v.connection.id)}">${e(v.connection.name)} — ${e(v.connection.idp_entity_id)}</option>`).join('')}</select>
<button type="submit">Link</button>
</fieldset>
</form>`
        : '';
      manage = `<form method="post" action="${e(base)}/create">
${csrfField(csrf)}
<fieldset><legend>New SAML connection from the IdP’s metadata</legend>
<label for="name">Name</label>
<input id="name" name="name" required maxlength="200" value="${e(p.typed?.name ?? '')}" placeholder="Okta">
<label for="idp_metadata_xml">IdP metadata XML</label>
<textarea id="idp_metadata_xml" name="idp_metadata_xml" required rows="10" spellcheck="false">${e(p.typed?.xml ?? '')}</textarea>
<p><input type="checkbox" id="jit_enabled" name="jit_enabled" value="true"> <label class="inline" for="jit_enabled">Create members at their first sign-in (JIT), for emails of this organization’s verified domains</label></p>
<label for="jit_default_role">Their role</label>
<select id="jit_default_role" name="jit_default_role">${roleOptions(roles, 'member')}</select>
<p class="hint">The connection is created for the tenant and linked to this organization only.</p>
<button type="submit">Create and link</button>
</fieldset>
</form>
${linkExisting}`;
    }
    sendOrgPage(res, { tab: 'sso', title: 'SSO', body: `${cards}\n${manage}`, status: p.problem?.status, notice: p.notice, error: p.problem?.message });
  };

  /** Tenant administrators only; an organization's admin gets a 403 page. */
  const tenantAdminOnly = async (res: Response): Promise<boolean> => {
    if (orgOf(res).viewer.tenantAdmin) return true;
    await show(res, { problem: { status: 403, message: 'Only the tenant’s administrators can create, link or unlink SSO connections.' } });
    return false;
  };

  router.get('/', async (req, res) => {
    await show(res, { notice: noticeOf(req, NOTICES) });
  });

  router.post('/create', async (req, res) => {
    if (!(await tenantAdminOnly(res))) return;
    const { viewer, org, ctx } = orgOf(res);
    const typed = { name: field(req, 'name') ?? '', xml: field(req, 'idp_metadata_xml') ?? '' };
    try {
      const input = parse(connectionCreateSchema, {
        type: 'saml',
        name: typed.name,
        idp_metadata_xml: typed.xml,
        ...(field(req, 'jit_enabled') === 'true' ? { jit: { enabled: true, default_role: field(req, 'jit_default_role') || 'member' } } : {}),
      });
      if (input.jit) await c.roles.requireAssignable(org.id, input.jit.default_role);
      const created = await c.connections.create(ctx, input);
      try {
        await c.connections.link(ctx, org.id, created.connection.id);
      } catch (err) {
        // a connection nobody can see from this page would be left behind: take it back
        await c.connections.delete(ctx, created.connection.id).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      return show(res, { problem: refusalOf(err), typed });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'sso'), 'connection_created');
  });

  router.post('/link', async (req, res) => {
    if (!(await tenantAdminOnly(res))) return;
    const { viewer, org, ctx } = orgOf(res);
    try {
      const { connection_id } = parse(connectionLinkSchema, { connection_id: field(req, 'connection_id') ?? '' });
      await c.connections.link(ctx, org.id, connection_id);
    } catch (err) {
      return show(res, { problem: refusalOf(err) });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'sso'), 'connection_linked');
  });

  router.post('/:connectionId/unlink', async (req, res) => {
    if (!(await tenantAdminOnly(res))) return;
    const { viewer, org, ctx } = orgOf(res);
    try {
      await c.connections.unlink(ctx, org.id, String(req.params.connectionId));
    } catch (err) {
      return show(res, { problem: refusalOf(err) });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'sso'), 'connection_unlinked');
  });
  return router;
}
