import { DataTypes, type QueryInterface } from 'sequelize';
import { flag, id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0001-foundation';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);

  await qi.createTable(
    'tenants',
    {
      id: id(),
      slug: text(64),
      name: text(200),
      branding: json(),
      auth_settings: json(),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('tenants', ['slug'], { unique: true, name: 'tenants_slug_unique' });

  // One row per tenant: its last event sequence number. Locking it orders event commits.
  await qi.createTable(
    'tenant_event_counters',
    {
      tenant_id: { ...ref('tenants', 'CASCADE'), primaryKey: true },
      last_seq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    },
    opts,
  );

  await qi.createTable(
    'api_keys',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      name: text(200),
      prefix: text(32),
      secret_hash: text(64),
      created_at: timestamp(),
      revoked_at: timestamp(true),
    },
    opts,
  );
  await qi.addIndex('api_keys', ['prefix'], { unique: true, name: 'api_keys_prefix_unique' });
  await qi.addIndex('api_keys', ['tenant_id'], { name: 'api_keys_tenant' });

  await qi.createTable(
    'organizations',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      name: text(200),
      slug: text(64),
      description: { type: DataTypes.TEXT, allowNull: true },
      metadata: json(),
      branding: json(),
      auth_settings: json(),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('organizations', ['tenant_id', 'slug'], { unique: true, name: 'organizations_tenant_slug_unique' });

  await qi.createTable(
    'users',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      email: text(320),
      email_normalized: text(320),
      name: text(200, true),
      tenant_role: text(16, true),
      blocked: flag(),
      password_hash: text(255, true),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('users', ['tenant_id', 'email_normalized'], { unique: true, name: 'users_tenant_email_unique' });

  await qi.createTable(
    'roles',
    {
      id: id(),
      organization_id: ref('organizations', 'CASCADE'),
      key: text(64),
      name: text(200),
      description: { type: DataTypes.TEXT, allowNull: true },
      permissions: json(false),
      rank: { type: DataTypes.INTEGER, allowNull: false },
      builtin: flag(),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('roles', ['organization_id', 'key'], { unique: true, name: 'roles_org_key_unique' });

  await qi.createTable(
    'memberships',
    {
      id: id(),
      organization_id: ref('organizations', 'CASCADE'),
      user_id: ref('users', 'CASCADE'),
      role_key: text(64),
      status: text(16),
      source: text(16),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  // A membership's role must exist in its organization; a role still held cannot be deleted.
  await qi.addConstraint('memberships', {
    type: 'foreign key',
    name: 'memberships_role_fk',
    fields: ['organization_id', 'role_key'],
    references: { table: 'roles', fields: ['organization_id', 'key'] } as unknown as { table: string; field: string },
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
  });
  // Indexes after the constraint: SQLite adds a constraint by rebuilding the table, which drops indexes.
  await qi.addIndex('memberships', ['organization_id', 'user_id'], { unique: true, name: 'memberships_org_user_unique' });
  await qi.addIndex('memberships', ['user_id'], { name: 'memberships_user' });
  await qi.addIndex('memberships', ['organization_id', 'role_key'], { name: 'memberships_org_role' });

  await qi.createTable(
    'events',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      seq: { type: DataTypes.BIGINT, allowNull: false },
      type: text(100),
      actor_type: text(16),
      actor_id: text(40, true),
      target_type: text(40),
      target_id: text(40, true),
      // No foreign key: events outlive the organization they describe.
      organization_id: text(40, true),
      data: { type: qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: false },
      created_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('events', ['tenant_id', 'seq'], { unique: true, name: 'events_tenant_seq_unique' });
  await qi.addIndex('events', ['tenant_id', 'type', 'seq'], { name: 'events_tenant_type_seq' });
  await qi.addIndex('events', ['tenant_id', 'organization_id', 'seq'], { name: 'events_tenant_org_seq' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['events', 'memberships', 'roles', 'users', 'organizations', 'api_keys', 'tenant_event_counters', 'tenants']) {
    await qi.dropTable(table);
  }
}
