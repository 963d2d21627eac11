import type { AdminClient } from './api';
import { tokenOf } from './smtp';

/** The path of an invitation collection: an organization's, or the tenant level's. */
export const invitationsPath = (orgId: string | null) => (orgId ? `/organizations/${orgId}/invitations` : '/invitations');

/** Invites `email` without sending mail; returns the invitation and its token. */
export async function invite(admin: AdminClient, orgId: string | null, email: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post(invitationsPath(orgId), { email, ...(orgId ? { role: 'member' } : {}), send_email: false, ...extra });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { invitation: res.body as { id: string; invite_url: string; [k: string]: unknown }, token: tokenOf(res.body.invite_url) };
}

/** The public API form of acceptance. */
export function acceptApi(admin: AdminClient, body: Record<string, unknown>, tenantKey = admin.tenant.slug) {
  return admin.app.http.post(`/t/${tenantKey}/api/v1/invitations/accept`).send(body);
}

export const GOOD_PASSWORD = 'correct horse battery staple';

/** Opens the hosted acceptance page and posts its form as a browser would (cookie and CSRF field of the page). */
export async function acceptOnPage(admin: AdminClient, token: string, fields: Record<string, string>) {
  const http = admin.app.http;
  const form = await http.get(`/t/${admin.tenant.slug}/invitations/accept`).query({ token });
  if (form.status !== 200) return form;
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)![1]!;
  const cookie = String(([] as string[]).concat(form.headers['set-cookie'] ?? [])[0]).split(';')[0]!;
  return http.post(`/t/${admin.tenant.slug}/invitations/accept`).set('Cookie', cookie).type('form').send({ token, csrf, ...fields });
}
