import type { OrgRecord, TenantRecord, UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';

/** The person a verified assertion names, as an invitation needs them. */
export interface SsoPerson {
  email: string;
  name: string | null;
}

export type SsoAcceptance =
  | { ok: true; invitationId: string; user: UserRecord; org: OrgRecord; role: string; redirectTo: string | null }
  | { ok: false; reason: 'gone' | 'email_mismatch' | 'refused'; message: string };

/**
 * Invitations tied to a connection (`connection_id`), accepted through its SAML sign-in
 * (implemented by src/invitations). The token never travels past start: the AuthnRequest's row
 * keeps its SHA-256, and the ACS accepts by that hash in the sign-in's transaction.
 */
export interface SsoInvitations {
  /** Checks the link (404/410/403 as the acceptance page would) and answers the token's hash. */
  openForSso(tenantKey: string, token: string, connectionId: string): Promise<string>;
  acceptThroughSso(tenant: TenantRecord, tokenHash: string, connectionId: string, person: SsoPerson, tx: Tx): Promise<SsoAcceptance>;
}
