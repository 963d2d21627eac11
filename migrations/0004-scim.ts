import { DataTypes, type QueryInterface } from 'sequelize';
import { flag, id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0004-scim';

/**
 * SCIM directories. Every attribute a filter can name is kept in its own indexed column
 * (lower-cased where RFC 7643 says caseExact: false); the full resource is kept as JSON text
 * for everything else.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  const version = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 };

  await qi.createTable(
    'directories',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      organization_id: ref('organizations', 'CASCADE'),
      name: text(200),
      provider: text(16),
      token_prefix: text(32),
      token_hash: text(64),
      role_mapping: json(false),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('directories', ['token_prefix'], { unique: true, name: 'directories_token_prefix_unique' });
  await qi.addIndex('directories', ['organization_id'], { name: 'directories_org' });

  await qi.createTable(
    'scim_users',
    {
      id: id(),
      directory_id: ref('directories', 'CASCADE'),
      user_id: ref('users', 'CASCADE'),
      user_name: text(400),
      user_name_lower: text(400),
      external_id: text(400, true),
      display_name_lower: text(400, true),
      active: flag(),
      resource: json(false),
      version,
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('scim_users', ['directory_id', 'user_name_lower'], { unique: true, name: 'scim_users_dir_username_unique' });
  await qi.addIndex('scim_users', ['directory_id', 'external_id'], { name: 'scim_users_dir_external' });
  await qi.addIndex('scim_users', ['directory_id', 'display_name_lower'], { name: 'scim_users_dir_display' });
  await qi.addIndex('scim_users', ['directory_id', 'updated_at'], { name: 'scim_users_dir_modified' });
  await qi.addIndex('scim_users', ['directory_id', 'active'], { name: 'scim_users_dir_active' });
  await qi.addIndex('scim_users', ['user_id'], { name: 'scim_users_user' });

  await qi.createTable(
    'scim_user_emails',
    {
      scim_user_id: { ...ref('scim_users', 'CASCADE'), primaryKey: true },
      position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      directory_id: text(40),
      value_lower: text(320),
      type: text(40, true),
      primary: flag(),
    },
    opts,
  );
  await qi.addIndex('scim_user_emails', ['directory_id', 'value_lower'], { name: 'scim_user_emails_dir_value' });

  await qi.createTable(
    'scim_groups',
    {
      id: id(),
      directory_id: ref('directories', 'CASCADE'),
      display_name: text(400),
      display_name_lower: text(400),
      external_id: text(400, true),
      resource: json(false),
      version,
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('scim_groups', ['directory_id', 'display_name_lower'], { name: 'scim_groups_dir_display' });
  await qi.addIndex('scim_groups', ['directory_id', 'external_id'], { name: 'scim_groups_dir_external' });
  await qi.addIndex('scim_groups', ['directory_id', 'updated_at'], { name: 'scim_groups_dir_modified' });

  await qi.createTable(
    'scim_group_members',
    {
      group_id: { ...ref('scim_groups', 'CASCADE'), primaryKey: true },
      scim_user_id: { ...ref('scim_users', 'CASCADE'), primaryKey: true },
      directory_id: text(40),
    },
    opts,
  );
  await qi.addIndex('scim_group_members', ['scim_user_id'], { name: 'scim_group_members_user' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['scim_group_members', 'scim_groups', 'scim_user_emails', 'scim_users', 'directories']) {
    await qi.dropTable(table);
  }
}
