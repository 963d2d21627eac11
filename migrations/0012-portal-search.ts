import type { QueryInterface } from 'sequelize';

export const name = '0012-portal-search';

/**
 * The portal's searches (issue 21) run on indexes: a case-insensitive prefix of the email
 * (`users_tenant_email_unique` already) or of the name, and an organization's members in id
 * order (keyset pages deep into 50,000 members).
 * `users.name_lower` is a VIRTUAL generated column (SQLite ≥ 3.31, MariaDB ≥ 10.2), so no
 * writer of users has to know about it. Note for later migrations: on SQLite, a Sequelize
 * call that rebuilds `users` (changeColumn, addConstraint, removeColumn) would drop it; re-add
 * it after such a call.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const mysql = qi.sequelize.getDialect() === 'mysql';
  await qi.sequelize.query(
    mysql
      ? 'ALTER TABLE users ADD COLUMN name_lower VARCHAR(200) AS (LOWER(name)) VIRTUAL'
      : 'ALTER TABLE users ADD COLUMN name_lower TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL',
  );
  await qi.addIndex('users', ['tenant_id', 'name_lower'], { name: 'users_tenant_name_lower' });
  await qi.addIndex('memberships', ['organization_id', 'id'], { name: 'memberships_org_id' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('memberships', 'memberships_org_id');
  await qi.removeIndex('users', 'users_tenant_name_lower');
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN name_lower');
}
