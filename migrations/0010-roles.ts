import { DataTypes, type QueryInterface } from 'sequelize';
import { newId } from '../src/shared/ids';
import { flag, id, json, ref, tableOptions, text, timestamp } from './columns';

export const name = '0010-roles';

/**
 * Several roles per membership and tenant-level roles (issue 22).
 * - `membership_roles`: every role a membership holds. `memberships.role_key` stays, as the
 *   highest of them, for the readers that want one role (SCIM, SAML JIT, the last-owner guard).
 * - `tenant_roles` (the built-in `admin` in every tenant) and `user_tenant_roles`: what a user
 *   holds at tenant level. `users.tenant_role` stays, derived: 'admin' when `admin` is held.
 * - `tenants.inherit_global_permissions_in_organizations`.
 * A held role cannot be deleted: both holder tables point at their role with a composite key.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const opts = tableOptions(qi);
  const q = (sql: string) => qi.sequelize.query(sql);

  await qi.createTable(
    'membership_roles',
    {
      membership_id: { ...ref('memberships', 'CASCADE'), primaryKey: true },
      role_key: { ...text(64), primaryKey: true },
      organization_id: text(40),
    },
    opts,
  );
  await qi.addConstraint('membership_roles', {
    type: 'foreign key',
    name: 'membership_roles_role_fk',
    fields: ['organization_id', 'role_key'],
    references: { table: 'roles', fields: ['organization_id', 'key'] } as unknown as { table: string; field: string },
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
  });
  // After the constraint: SQLite adds one by rebuilding the table, which drops indexes.
  await qi.addIndex('membership_roles', ['organization_id', 'role_key'], { name: 'membership_roles_org_role' });
  await q('INSERT INTO membership_roles (membership_id, role_key, organization_id) SELECT id, role_key, organization_id FROM memberships');

  await qi.createTable(
    'tenant_roles',
    {
      id: id(),
      tenant_id: ref('tenants', 'CASCADE'),
      key: text(64),
      name: text(200),
      description: { type: DataTypes.TEXT, allowNull: true },
      permissions: json(false),
      builtin: flag(),
      created_at: timestamp(),
      updated_at: timestamp(),
    },
    opts,
  );
  await qi.addIndex('tenant_roles', ['tenant_id', 'key'], { unique: true, name: 'tenant_roles_tenant_key_unique' });
  const [tenants] = (await q('SELECT id FROM tenants')) as [Array<{ id: string }>, unknown];
  const now = new Date();
  if (tenants.length) {
    await qi.bulkInsert(
      'tenant_roles',
      tenants.map((t) => ({ id: newId('rol'), tenant_id: t.id, key: 'admin', name: 'Administrator', description: null, permissions: '[]', builtin: true, created_at: now, updated_at: now })),
    );
  }

  await qi.createTable(
    'user_tenant_roles',
    {
      user_id: { ...ref('users', 'CASCADE'), primaryKey: true },
      role_key: { ...text(64), primaryKey: true },
      tenant_id: text(40),
    },
    opts,
  );
  await qi.addConstraint('user_tenant_roles', {
    type: 'foreign key',
    name: 'user_tenant_roles_role_fk',
    fields: ['tenant_id', 'role_key'],
    references: { table: 'tenant_roles', fields: ['tenant_id', 'key'] } as unknown as { table: string; field: string },
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
  });
  await qi.addIndex('user_tenant_roles', ['tenant_id', 'role_key'], { name: 'user_tenant_roles_tenant_role' });
  await q("INSERT INTO user_tenant_roles (user_id, role_key, tenant_id) SELECT id, 'admin', tenant_id FROM users WHERE tenant_role = 'admin'");

  await qi.addColumn('tenants', 'inherit_global_permissions_in_organizations', flag());
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('tenants', 'inherit_global_permissions_in_organizations');
  for (const table of ['user_tenant_roles', 'tenant_roles', 'membership_roles']) await qi.dropTable(table);
}
