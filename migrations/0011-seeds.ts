import type { QueryInterface } from 'sequelize';
import { json, text } from './columns';

export const name = '0011-seeds';

/** Issue 22 (seeds 001/002): user metadata; invitation fields. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'app_metadata', json());
  await qi.addColumn('users', 'user_metadata', json());
  for (const [column, shape] of INVITATION_COLUMNS) await qi.addColumn('invitations', column, shape);
}

const INVITATION_COLUMNS = [
  // every invited role key (`roles`); role_key keeps the highest-ranked one
  ['role_keys', json()],
  // the SSO connection the invitee must sign in through
  ['connection_id', text(40, true)],
  // the application to go to after acceptance, and where (validated as shapes only until applications exist)
  ['client_id', text(200, true)],
  ['return_to', text(2048, true)],
  ['app_metadata', json()],
  ['user_metadata', json()],
  // who created the invitation: an actor type and id (root_key has none)
  ['inviter_type', text(16, true)],
  ['inviter_id', text(40, true)],
] as const;

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const [column] of [...INVITATION_COLUMNS].reverse()) await qi.removeColumn('invitations', column);
  await qi.removeColumn('users', 'user_metadata');
  await qi.removeColumn('users', 'app_metadata');
}
