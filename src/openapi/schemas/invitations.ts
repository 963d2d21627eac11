import { z } from 'zod';
import { invitationToApi } from '../../invitations/invitations.dto';
import type { Accepted } from '../../invitations/invitations.service';
import { outboxToApi } from '../../mail/outbox.routes';
import { documents, jsonObject, nullableTimestamp, response, timestamp } from '../registry';

export const Invitation = response(
  'Invitation',
  'An invitation to an organization (or, with `organization_id: null`, to administer the tenant). `invite_url` appears only in the answers that create a link (create, resend).',
  z.object({
    id: z.string(),
    organization_id: z.string().nullable(),
    email: z.string(),
    role: z.string(),
    roles: z.array(z.string()),
    connection_id: z.string().nullable(),
    client_id: z.string().nullable(),
    return_to: z.string().nullable(),
    app_metadata: jsonObject,
    user_metadata: jsonObject,
    inviter: z.object({ type: z.string(), id: z.string().nullable(), email: z.string().optional() }).nullable(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expires_at: timestamp,
    inviter_user_id: z.string().nullable(),
    metadata: jsonObject,
    accepted_user_id: z.string().nullable(),
    accepted_at: nullableTimestamp,
    revoked_at: nullableTimestamp,
    created_at: timestamp,
    invite_url: z.string().optional(),
  }),
);
documents(Invitation, invitationToApi);

export const InvitationAccepted = response(
  'InvitationAccepted',
  'The member an accepted invitation made, with every role it granted; `return_to` is where the browser goes next: the invitation\'s, else its application\'s `initiate_login_uri` or first redirect origin.',
  z.object({ user_id: z.string(), organization_id: z.string().nullable(), role: z.string(), roles: z.array(z.string()), return_to: z.string().optional() }),
);

export const OutboxMail = response(
  'OutboxMail',
  'A mail the service sent or keeps (without SMTP it stays here: the documented way to reach an invitation link).',
  z.object({
    id: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: nullableTimestamp,
    last_error: z.string().nullable(),
    sent_at: nullableTimestamp,
    created_at: timestamp,
  }),
);
documents(OutboxMail, outboxToApi);
documents(InvitationAccepted, (a: Accepted) => a);
