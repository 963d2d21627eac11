import { DataTypes, type QueryInterface } from 'sequelize';
import { id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0002-invitations';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;

  await qi.createTable(
    'invitations',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      // null: a tenant-level invitation (the person becomes a tenant administrator).
      organization_id: ref('organizations', 'CASCADE', true),
      email: text(320),
      email_normalized: text(320),
      role_key: text(64),
      status: text(16),
      // sha256 of the current link's token; older links live on in invitation_tokens.
      token_hash: text(64),
      // sha256 of (tenant, organization, email) while pending, else null: one pending invite each.
      pending_key: text(64, true),
      expires_at: timestamp(),
      // wrong passwords given for an existing account through this link (reset by resend)
      failed_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      inviter_user_id: text(40, true),
      metadata: json(),
      accepted_user_id: text(40, true),
      accepted_at: timestamp(true),
      revoked_at: timestamp(true),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('invitations', ['pending_key'], { unique: true, name: 'invitations_pending_unique' });
  await qi.addIndex('invitations', ['tenant_id', 'organization_id', 'status', 'id'], { name: 'invitations_scope_status' });

  // Every token ever issued for an invitation, so that a superseded link answers 410, not 404.
  await qi.createTable(
    'invitation_tokens',
    {
      token_hash: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      invitation_id: ref('invitations', 'CASCADE'),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('invitation_tokens', ['invitation_id'], { name: 'invitation_tokens_invitation' });

  await qi.createTable(
    'outbox',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      recipient: text(320),
      subject: text(300),
      text: { type: longText, allowNull: false },
      html: { type: longText, allowNull: false },
      status: text(16),
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: timestamp(),
      last_error: text(1000, true),
      sent_at: timestamp(true),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('outbox', ['status', 'next_attempt_at'], { name: 'outbox_due' });
  await qi.addIndex('outbox', ['tenant_id', 'id'], { name: 'outbox_tenant' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['outbox', 'invitation_tokens', 'invitations']) await qi.dropTable(table);
}
