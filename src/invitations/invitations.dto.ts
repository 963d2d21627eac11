import { z } from 'zod';
import { emailSchema, iso } from '../shared/schemas';
import { metadataSchema } from '../orgs/orgs.schemas';
import type { InvitationRecord, InvitationStatus } from './invitations.repository';
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
};

export const createOrgInvitationSchema = z.strictObject({
  ...common,
  role: z.string({ error: 'role is required' }).min(1, 'role is required').max(64),
});
export const createTenantInvitationSchema = z.strictObject({
  ...common,
  role: z.literal(TENANT_ADMIN_ROLE, { error: `a tenant-level invitation's role is "${TENANT_ADMIN_ROLE}"` }).default(TENANT_ADMIN_ROLE),
});
export const resendSchema = z.strictObject({ expires_in: expiresIn, send_email: sendEmail });
export const listQuerySchema = z.object({ status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional() });
export const acceptSchema = z.strictObject({
  token: z.string({ error: 'token is required' }).min(1, 'token is required').max(200),
  name: z.string({ error: 'name must be a string' }).max(200).optional(),
  password: z.string({ error: 'password must be a string' }).max(1024).optional(),
});

/** A pending invitation past its expiry reads as `expired`. */
export function statusOf(inv: InvitationRecord, now: Date): InvitationStatus {
  return inv.status === 'pending' && inv.expires_at <= now ? 'expired' : inv.status;
}

/** `invite_url` only in the answers that create a link (create, resend). */
export function invitationToApi(inv: InvitationRecord, now: Date, inviteUrl?: string) {
  return {
    id: inv.id,
    organization_id: inv.organization_id,
    email: inv.email,
    role: inv.role_key,
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
