import type { QueryInterface } from 'sequelize';
import { text } from './columns';

export const name = '0014-oidc-session-amr';

/**
 * How a hosted sign-in session was authenticated (RFC 8176 `amr` values, comma-separated:
 * `pwd`, `otp`), so an organization's `require_mfa` can ask for the TOTP step when the session
 * has none, and ID tokens carry `amr`. Null: a session made before this column (no MFA known).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('sessions', 'amr', text(64, true));
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('sessions', 'amr');
}
