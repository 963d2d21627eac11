import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import { parse } from '../http/validate';
import { createOrgInvitationSchema, resendSchema, statusOf } from '../invitations/invitations.dto';
import type { InvitationStatus } from '../db/models';
import { ForbiddenError } from '../shared/errors';
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath, roleOptions } from './layout.html';
import { pageRequestOf, pager } from './paging.html';
import { mayGiveOwner } from './portal-access';
import { field, noticeOf, orgOf, queryParam, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES = { resent: 'A new link was sent; the old one no longer works.', revoked: 'The invitation was revoked.' };
const STATUSES: InvitationStatus[] = ['pending', 'accepted', 'revoked', 'expired'];
const EXPIRY_DAYS = [1, 3, 7, 14, 30];
const DEFAULT_DAYS = 7;

/**
 * Invitations: send one (email, role, expiry, with or without the email), the pending ones with
 * their expiry (or any status), resend (a new link and expiry), revoke. The link of a new or
 * resent invitation is shown once, on the answer to the POST.
 */
export function invitationsTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  interface Shown {
    problem?: Problem;
    issued?: { email: string; url: string; resent: boolean };
    values?: { email?: string; role?: string; days?: string };
  }

  const render = async (req: Request, res: Response, shown: Shown = {}) => {
    const { viewer, org, csrf } = orgOf(res);
    const path = orgPath(viewer.tenant.slug, org.id, 'invitations');
    const wanted = queryParam(req, 'status', 16);
    const status = wanted === 'all' ? undefined : STATUSES.includes(wanted as InvitationStatus) ? (wanted as InvitationStatus) : 'pending';
    const pageReq = pageRequestOf(req);
    const [page, roles] = await Promise.all([c.invitations.list(viewer.tenant.id, org.id, status, pageReq), c.roles.list(org.id)]);
    const inviters = await c.invitations.invitersOf(viewer.tenant.id, page.data);
    const now = c.clock.now();
    const rows = page.data
      .map((inv) => {
        const current = statusOf(inv, now);
        const inviter = inviters.get(inv.id);
        const actions =
          inv.status === 'pending'
            ? `<form method="post" action="${e(`${path}/${inv.id}/resend`)}" class="inline-form">${csrfField(csrf)}<button type="submit" aria-label="Resend the invitation of ${e(inv.email)}">Resend</button></form>
<form method="post" action="${e(`${path}/${inv.id}/revoke`)}" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke the invitation of ${e(inv.email)}">Revoke</button></form>`
            : '';
        return `<tr data-invitation-id="${e(inv.id)}"><td>${e(inv.email)}</td><td>${e((inv.role_keys ?? [inv.role_key]).join(', '))}</td><td>${e(current)}</td>
<td><time datetime="${e(inv.expires_at.toISOString())}">${e(formatTime(inv.expires_at))}</time>${current === 'pending' ? ` <span class="hint">(${e(timeLeft(inv.expires_at, now))})</span>` : ''}</td>
<td>${e(inviter?.email ?? inviter?.type ?? '')}</td><td>${actions}</td></tr>`;
      })
      .join('\n');
    const filter = `<form method="get" action="${e(path)}" class="row-form" id="invitation-filter">
<label for="invitation-status">Show</label>
<select id="invitation-status" name="status">${['pending', 'all', 'accepted', 'revoked', 'expired'].map((s) => `<option value="${s}"${(status ?? 'all') === s ? ' selected' : ''}>${s === 'all' ? 'All' : s[0]!.toUpperCase() + s.slice(1)}</option>`).join('')}</select>
<button type="submit">Show</button>
</form>`;
    const issued = shown.issued
      ? `<div class="notice" role="status" id="invite-link"><p>${shown.issued.resent ? 'The invitation was resent' : 'The invitation was created'} for ${e(shown.issued.email)}. Its link (shown once):</p><p><code class="secret">${e(shown.issued.url)}</code></p></div>`
      : '';
    const values = shown.values ?? {};
    const body = `${issued}
<section aria-labelledby="invite-heading">
<h2 id="invite-heading">Send an invitation</h2>
<form method="post" action="${e(`${path}/send`)}" id="send-invitation-form">
${csrfField(csrf)}
<label for="invite-email">Email</label>
<input id="invite-email" name="email" type="email" required maxlength="320" value="${e(values.email ?? '')}">
<label for="invite-role">Role</label>
<select id="invite-role" name="role">${roleOptions(roles, values.role ?? 'member')}</select>
<label for="invite-expiry">Expires after</label>
<select id="invite-expiry" name="expires_in_days">${EXPIRY_DAYS.map((d) => `<option value="${d}"${String(d) === (values.days ?? String(DEFAULT_DAYS)) ? ' selected' : ''}>${d} day${d > 1 ? 's' : ''}</option>`).join('')}</select>
<p><input type="checkbox" id="invite-send-email" name="send_email" value="yes" checked> <label class="inline" for="invite-send-email">Send the invitation by email</label></p>
<button type="submit">Send invitation</button>
</form>
</section>
<section aria-labelledby="invitations-heading">
<h2 id="invitations-heading">Invitations</h2>
${filter}
${rows ? `<table class="list" id="invitations-table">
<thead><tr><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Invited by</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>` : `<p id="invitations-empty">No ${status ?? ''} invitations.</p>`}
${pager(path, { status: wanted }, page.next_cursor, !pageReq.after)}
</section>`;
    sendOrgPage(res, {
      tab: 'invitations',
      title: 'Invitations',
      body,
      status: shown.problem?.status,
      error: shown.problem?.message,
      notice: noticeOf(req, NOTICES),
    });
  };

  const expirySeconds = (req: Request) => {
    const days = Number(field(req, 'expires_in_days') ?? DEFAULT_DAYS);
    return EXPIRY_DAYS.includes(days) ? days * 86_400 : DEFAULT_DAYS * 86_400;
  };

  router.get('/', (req, res) => render(req, res));
  router.post('/send', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    const values = { email: field(req, 'email'), role: field(req, 'role'), days: field(req, 'expires_in_days') };
    try {
      if (!mayGiveOwner(viewer, org.id) && values.role === 'owner') throw new ForbiddenError('only an owner of the organization invites owners');
      const body = parse(createOrgInvitationSchema, { email: values.email, role: values.role || 'member', expires_in: expirySeconds(req), send_email: field(req, 'send_email') === 'yes' }, 'form');
      const { invitation, url } = await c.invitations.create(ctx, { tenant: viewer.tenant, org }, {
        email: body.email,
        role: body.roles[0]!,
        roles: body.roles,
        expiresIn: body.expires_in,
        sendEmail: body.send_email,
        inviterUserId: viewer.user.id,
      });
      await render(req, res, { issued: { email: invitation.email, url, resent: false } });
    } catch (err) {
      await render(req, res, { problem: refusalOf(err), values });
    }
  });
  router.post('/:id/resend', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    try {
      const body = parse(resendSchema, { expires_in: expirySeconds(req), send_email: true }, 'form');
      // a new link for an owner invitation gives the owner role as much as sending it does
      if (!mayGiveOwner(viewer, org.id)) {
        const current = await c.invitations.get(viewer.tenant.id, org.id, String(req.params.id));
        if ((current.role_keys ?? [current.role_key]).includes('owner')) throw new ForbiddenError('only an owner of the organization resends an invitation to the owner role');
      }
      const { invitation, url } = await c.invitations.resend(ctx, { tenant: viewer.tenant, org }, String(req.params.id), { expiresIn: body.expires_in, sendEmail: body.send_email });
      await render(req, res, { issued: { email: invitation.email, url, resent: true } });
    } catch (err) {
      await render(req, res, { problem: refusalOf(err) });
    }
  });
  router.post('/:id/revoke', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    try {
      await c.invitations.revoke(ctx, { tenant: viewer.tenant, org }, String(req.params.id));
      redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'invitations'), 'revoked');
    } catch (err) {
      await render(req, res, { problem: refusalOf(err) });
    }
  });
  return router;
}

export function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function timeLeft(expiresAt: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h left` : `${Math.round(hours / 24)} days left`;
}
