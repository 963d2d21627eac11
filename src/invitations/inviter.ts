import type { InvitationRecord } from '../db/models';

/** Who created an invitation, as answers show it: `email` for a user (looked up by the caller). */
export interface InviterView {
  type: string;
  id: string | null;
  email?: string;
}

/** The stored creator; rows from before issue 22 know only `inviter_user_id`. */
export function inviterOf(inv: InvitationRecord): { type: string; id: string | null } | null {
  if (inv.inviter_type) return { type: inv.inviter_type, id: inv.inviter_id ?? null };
  return inv.inviter_user_id ? { type: 'user', id: inv.inviter_user_id } : null;
}
