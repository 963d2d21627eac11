import type { QueryInterface } from 'sequelize';
import { text } from './columns';

export const name = '0012-seeds-invitation-sso';

/**
 * Issue 22 (seed 001, invitations): an application's `initiate_login_uri`, where an invitation
 * for it sends the browser after acceptance; and the invitation a SAML sign-in accepts, kept with
 * its AuthnRequest (the token's SHA-256, never the token) so the token leaves the URL at start.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('applications', 'initiate_login_uri', text(2048, true));
  await qi.addColumn('saml_requests', 'invitation_token_hash', text(64, true));
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('saml_requests', 'invitation_token_hash');
  await qi.removeColumn('applications', 'initiate_login_uri');
}
