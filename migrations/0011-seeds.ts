import type { QueryInterface } from 'sequelize';
import { json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0011-seeds';

/** Issue 22 (seeds 001/002): user metadata; invitation fields; domain policies; SAML identities; workspaces. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'app_metadata', json());
  await qi.addColumn('users', 'user_metadata', json());
  for (const [column, shape] of INVITATION_COLUMNS) await qi.addColumn('invitations', column, shape);
  // {auto_join, restrict_to_verified_domains}; null reads as the defaults
  await qi.addColumn('organizations', 'domain_policy', json());
  // who was considered for auto_join once (joined or already a member): later sign-ins leave them alone
  await qi.createTable(
    'domain_auto_joins',
    {
      organization_id: { ...ref('organizations', 'CASCADE'), primaryKey: true },
      user_id: { ...ref('users', 'CASCADE'), primaryKey: true },
      created_at: timestamp(),
    },
    tableOptions(qi),
  );
  // SQLite looks child rows up when a user is inserted or deleted: user_id needs an index of its own
  await qi.addIndex('domain_auto_joins', ['user_id'], { name: 'domain_auto_joins_user' });
  // the NameID a user last signed in with through each SAML connection
  await qi.createTable(
    'saml_identities',
    {
      user_id: { ...ref('users', 'CASCADE'), primaryKey: true },
      connection_id: { ...ref('connections', 'CASCADE'), primaryKey: true },
      subject: text(512),
      last_used_at: timestamp(),
      created_at: timestamp(),
    },
    tableOptions(qi),
  );
  // connections are deleted with their identities: connection_id needs its own index (SQLite's foreign key lookups)
  await qi.addIndex('saml_identities', ['connection_id'], { name: 'saml_identities_connection' });
  // a workspace's parent organization (one level); the service deletes workspaces before their parent
  await qi.addColumn('organizations', 'parent_id', ref('organizations', 'CASCADE', true));
  await qi.addIndex('organizations', ['parent_id'], { name: 'organizations_parent' });
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
  await qi.removeIndex('organizations', 'organizations_parent');
  await qi.removeColumn('organizations', 'parent_id');
  await qi.dropTable('saml_identities');
  await qi.dropTable('domain_auto_joins');
  await qi.removeColumn('organizations', 'domain_policy');
  for (const [column] of [...INVITATION_COLUMNS].reverse()) await qi.removeColumn('invitations', column);
  await qi.removeColumn('users', 'user_metadata');
  await qi.removeColumn('users', 'app_metadata');
}
