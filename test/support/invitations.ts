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
