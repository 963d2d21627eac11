import { DataTypes, type QueryInterface } from 'sequelize';
import { id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0007-oidc';

/** The tenants' OpenID Connect providers: applications (clients), signing keys, and the provider's own state. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;

  await qi.createTable(
    'applications',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      name: text(200),
      type: text(16),
      client_id: text(64),
      // sha256 hex of the secret (web apps only); the secret is shown once
      client_secret_hash: text(64, true),
      redirect_uris: json(false),
      post_logout_redirect_uris: json(false),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('applications', ['client_id'], { unique: true, name: 'applications_client_id' });
  await qi.addIndex('applications', ['tenant_id', 'id'], { name: 'applications_tenant' });

  await qi.createTable(
    'signing_keys',
    {
      id: id(), // also the JWK `kid`
      tenant_id: ref('tenants', 'CASCADE'),
      alg: text(16),
      // the private JWK, AES-256-GCM under a key derived from SECRET_KEY (shared/secret-box.ts)
      private_jwk_encrypted: { type: DataTypes.TEXT, allowNull: false },
      public_jwk: { type: DataTypes.TEXT, allowNull: false },
      status: text(16), // active | retired
      created_at: timestamp(),
      retired_at: timestamp(true),
    },
    opts,
  );
  await qi.addIndex('signing_keys', ['tenant_id', 'status'], { name: 'signing_keys_tenant' });

  // oidc-provider's adapter: one row per stored artifact (codes, refresh tokens, grants, sessions, interactions)
  await qi.createTable(
    'oidc_payloads',
    {
      model: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
      id: { type: DataTypes.STRING(128), allowNull: false, primaryKey: true },
      tenant_id: ref('tenants', 'CASCADE'),
      payload: { type: longText, allowNull: false },
      grant_id: text(128, true),
      uid: text(128, true),
      user_code: text(128, true),
      expires_at: timestamp(true),
      consumed_at: timestamp(true),
    },
    opts,
  );
  await qi.addIndex('oidc_payloads', ['grant_id'], { name: 'oidc_payloads_grant' });
  await qi.addIndex('oidc_payloads', ['uid'], { name: 'oidc_payloads_uid' });
  await qi.addIndex('oidc_payloads', ['user_code'], { name: 'oidc_payloads_user_code' });
  await qi.addIndex('oidc_payloads', ['expires_at'], { name: 'oidc_payloads_expiry' });
  await qi.addIndex('oidc_payloads', ['tenant_id'], { name: 'oidc_payloads_tenant' });

  // The organization a grant's tokens are for (chosen at sign-in, switched at the token endpoint).
  await qi.createTable(
    'oidc_grant_organizations',
    {
      grant_id: { type: DataTypes.STRING(128), allowNull: false, primaryKey: true },
      tenant_id: ref('tenants', 'CASCADE'),
      user_id: ref('users', 'CASCADE'),
      // no foreign key: a deleted organization must leave its id here, so the next refresh
      // finds the organization gone (invalid_grant) instead of a grant with no organization
      organization_id: text(40, true),
      expires_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('oidc_grant_organizations', ['expires_at'], { name: 'oidc_grant_organizations_expiry' });
  // foreign keys are checked through these (SQLite scans a child table without one)
  for (const column of ['tenant_id', 'user_id']) {
    await qi.addIndex('oidc_grant_organizations', [column], { name: `oidc_grant_organizations_${column.replace('_id', '')}` });
  }

  // Password lockout per user (max_login_attempts / lockout_duration_minutes)
  await qi.createTable(
    'login_lockouts',
    {
      user_id: { ...ref('users', 'CASCADE'), primaryKey: true },
      failed_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      locked_until: timestamp(true),
      updated_at: timestamp(),
    },
    opts,
  );

  // Self-service password reset links (single use, 1 h); only the token's sha256 is kept
  await qi.createTable(
    'password_resets',
    {
      token_hash: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      tenant_id: ref('tenants', 'CASCADE'),
      user_id: ref('users', 'CASCADE'),
      expires_at: timestamp(),
      used_at: timestamp(true),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('password_resets', ['user_id'], { name: 'password_resets_user' });
  await qi.addIndex('password_resets', ['tenant_id'], { name: 'password_resets_tenant' });

  // TOTP factors (require_mfa): the secret sealed with SECRET_KEY, recovery codes as SHA-256
  await qi.createTable(
    'mfa_factors',
    {
      user_id: { ...ref('users', 'CASCADE'), primaryKey: true },
      tenant_id: ref('tenants', 'CASCADE'),
      secret_encrypted: { type: DataTypes.TEXT, allowNull: false },
      recovery_code_hashes: json(false),
      // the last time step accepted: a code is refused for that step and every earlier one
      last_step: { type: DataTypes.BIGINT, allowNull: true },
      confirmed_at: timestamp(true),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('mfa_factors', ['tenant_id'], { name: 'mfa_factors_tenant' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['mfa_factors', 'password_resets', 'login_lockouts', 'oidc_grant_organizations', 'oidc_payloads', 'signing_keys', 'applications']) await qi.dropTable(table);
}
