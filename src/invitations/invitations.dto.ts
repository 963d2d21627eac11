import { z } from 'zod';
import { CONTROL_CHARACTERS, emailSchema, iso } from '../shared/schemas';
import { metadataSchema } from '../orgs/orgs.schemas';
import { jsonObjectSchema } from '../shared/metadata';
import type { InvitationRecord, InvitationStatus } from './invitations.repository';
import { inviterOf, type InviterView } from './inviter';
import { DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN, TENANT_ADMIN_ROLE } from './invitations.service';

const expiresIn = z
  .number({ error: 'expires_in must be a number of seconds' })
  .int('expires_in must be a whole number of seconds')
  .min(60, 'expires_in must be at least 60 seconds')
  .max(MAX_EXPIRES_IN, `expires_in must be at most ${MAX_EXPIRES_IN} seconds (30 days)`)
  .default(DEFAULT_EXPIRES_IN);
const sendEmail = z.boolean({ error: 'send_email must be true or false' }).default(true);
const common = {
  email: emailSchema,
  expires_in: expiresIn,
  send_email: sendEmail,
  inviter_user_id: z.string({ error: 'inviter_user_id must be a string' }).min(1).max(40).optional(),
  metadata: metadataSchema.optional(),
  app_metadata: jsonObjectSchema('app_metadata').optional(),
  user_metadata: jsonObjectSchema('user_metadata').optional(),
};

const roleKey = z.string({ error: 'role is required' }).min(1, 'role is required').max(64);

/**
 * Where the browser goes after acceptance: an absolute http(s) URL without credentials. Only an
 * administrator sets it; the service also checks it against the `client_id` application's
 * redirect URI origins (docs/invitations.md).
 */
const returnTo = z
  .string({ error: 'return_to must be a string' })
  .max(2048, 'return_to is at most 2048 characters')
  .refine((v) => isPlainHttpUrl(v), 'return_to must be an absolute http(s) URL on one of the application\'s redirect URI origins');

function isPlainHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !/[\\\u0000-\u001f\u007f]/.test(value);
  } catch {
    return false;
  }
}

export const createOrgInvitationSchema = z
  .strictObject({
    ...common,
    role: roleKey.optional(),
    roles: z.array(roleKey, { error: 'roles must be an array of role keys' }).min(1, 'roles needs at least one role key').max(20, 'roles takes at most 20 keys').optional(),
    connection_id: z.string({ error: 'connection_id must be a string' }).min(1).max(40).optional(),
    // An `app_` id or an OIDC client_id; the service checks that it names an application of the tenant.
    client_id: z.string({ error: 'client_id must be a string' }).regex(/^[A-Za-z0-9._:~-]{1,200}$/, 'client_id must be an application id or client_id').optional(),
    return_to: returnTo.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.role !== undefined && body.roles !== undefined) ctx.addIssue({ code: 'custom', path: ['roles'], message: 'give role or roles, not both' });
    if (body.role === undefined && body.roles === undefined) ctx.addIssue({ code: 'custom', path: ['role'], message: 'role (or roles) is required' });
    if (body.return_to !== undefined && body.client_id === undefined) ctx.addIssue({ code: 'custom', path: ['return_to'], message: 'return_to goes with a client_id' });
  })
  .transform((body) => ({ ...body, roles: body.roles ? [...new Set(body.roles)] : [body.role!] }));
export const createTenantInvitationSchema = z.strictObject({
  ...common,
  role: z.literal(TENANT_ADMIN_ROLE, { error: `a tenant-level invitation's role is "${TENANT_ADMIN_ROLE}"` }).default(TENANT_ADMIN_ROLE),
});
export const resendSchema = z.strictObject({ expires_in: expiresIn, send_email: sendEmail });
export const listQuerySchema = z.object({ status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional() });
export const acceptSchema = z.strictObject({
  token: z.string({ error: 'token is required' }).min(1, 'token is required').max(200),
  name: z.string({ error: 'name must be a string' }).max(200).refine((v) => !CONTROL_CHARACTERS.test(v), 'name must not contain control characters (NUL, CR, LF, tab, …)').optional(),
  password: z.string({ error: 'password must be a string' }).max(1024).optional(),
});

/** A pending invitation past its expiry reads as `expired`. */
export function statusOf(inv: InvitationRecord, now: Date): InvitationStatus {
  return inv.status === 'pending' && inv.expires_at <= now ? 'expired' : inv.status;
}

/** `invite_url` only in the answers that create a link (create, resend). */
export function invitationToApi(inv: InvitationRecord, now: Date, inviteUrl?: string, inviter: InviterView | null = inviterOf(inv)) {
  return {
    id: inv.id,
    organization_id: inv.organization_id,
    email: inv.email,
    role: inv.role_key,
    roles: inv.role_keys ?? [inv.role_key],
    connection_id: inv.connection_id ?? null,
    client_id: inv.client_id ?? null,
    return_to: inv.return_to ?? null,
    app_metadata: inv.app_metadata ?? {},
    user_metadata: inv.user_metadata ?? {},
    inviter,
    status: statusOf(inv, now),
    expires_at: iso(inv.expires_at),
    inviter_user_id: inv.inviter_user_id,
    metadata: inv.metadata ?? {},
    accepted_user_id: inv.accepted_user_id ?? null,
    accepted_at: iso(inv.accepted_at),
    revoked_at: iso(inv.revoked_at),
    created_at: iso(inv.created_at),
    ...(inviteUrl ? { invite_url: inviteUrl } : {}),
  };
}
