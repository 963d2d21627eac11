import { DataTypes, type QueryInterface } from 'sequelize';
import { flag, id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0005-sso';

/** SAML connections, their links to organizations, sign-in state and sessions. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;

  await qi.createTable(
    'connections',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      name: text(200),
      type: text(16),
      idp_entity_id: text(1024),
      idp_sso_url: text(2048),
      attribute_mapping: json(false),
      jit: json(false),
      signed: text(16),
      allow_idp_initiated: flag(),
      role_mappings: json(),
      // AES-256-GCM under a key derived from SECRET_KEY (shared/secret-box.ts)
      sp_private_key_encrypted: { type: DataTypes.TEXT, allowNull: false },
      sp_certificate: { type: DataTypes.TEXT, allowNull: false },
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('connections', ['tenant_id', 'id'], { name: 'connections_tenant' });

  await qi.createTable(
    'connection_certificates',
    {
      connection_id: { ...ref('connections', 'CASCADE'), primaryKey: true },
      fingerprint: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      pem: { type: longText, allowNull: false },
      not_after: timestamp(),
      // set once `connection.certificate_expiring` was recorded (30 days ahead)
      expiry_warned_at: timestamp(true),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('connection_certificates', ['not_after'], { name: 'connection_certificates_expiry' });

  await qi.createTable(
    'organization_connections',
    {
      organization_id: { ...ref('organizations', 'CASCADE'), primaryKey: true },
      connection_id: { ...ref('connections', 'CASCADE'), primaryKey: true },
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('organization_connections', ['connection_id'], { name: 'organization_connections_connection' });

  // AuthnRequests this service issued: InResponseTo must name one, once.
  await qi.createTable(
    'saml_requests',
    {
      id: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      connection_id: ref('connections', 'CASCADE'),
      relay_state_hash: text(64),
      return_to: text(2048),
      expires_at: timestamp(),
      consumed_at: timestamp(true),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('saml_requests', ['expires_at'], { name: 'saml_requests_expiry' });

  // Assertion IDs already accepted (replay cache), kept until the assertion expires.
  await qi.createTable(
    'saml_assertion_ids',
    {
      connection_id: ref('connections', 'CASCADE'),
      assertion_id: text(256),
      expires_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('saml_assertion_ids', ['connection_id', 'assertion_id'], { unique: true, name: 'saml_assertion_ids_unique' });
  await qi.addIndex('saml_assertion_ids', ['expires_at'], { name: 'saml_assertion_ids_expiry' });

  await qi.createTable(
    'sessions',
    {
      // sha256 of the random session id; the id itself lives only in the cookie
      id_hash: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      tenant_id: ref('tenants', 'CASCADE'),
      user_id: ref('users', 'CASCADE'),
      organization_id: ref('organizations', 'CASCADE', true),
      connection_id: ref('connections', 'SET NULL', true),
      expires_at: timestamp(),
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('sessions', ['user_id'], { name: 'sessions_user' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['sessions', 'saml_assertion_ids', 'saml_requests', 'organization_connections', 'connection_certificates', 'connections']) {
    await qi.dropTable(table);
  }
}
