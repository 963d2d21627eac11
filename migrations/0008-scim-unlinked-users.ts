import type { QueryInterface } from 'sequelize';

export const name = '0008-scim-unlinked-users';

/**
 * A SCIM user may stay unlinked from any tenant user (no email, or an existing account whose
 * domain the directory's organization has not verified): `scim_users.user_id` becomes nullable.
 * SQLite cannot change a column's nullability, so the table is rebuilt the documented way
 * (new table, copy, drop, rename) with foreign keys off, and its indexes are re-created.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'mysql') {
    await qi.sequelize.query('ALTER TABLE scim_users MODIFY user_id VARCHAR(40) NULL');
    return;
  }
  await rebuildSqlite(qi, (sql) => sql.replace(/(`user_id` VARCHAR\(40\)) NOT NULL/, '$1'));
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DELETE FROM scim_users WHERE user_id IS NULL');
  if (qi.sequelize.getDialect() === 'mysql') {
    await qi.sequelize.query('ALTER TABLE scim_users MODIFY user_id VARCHAR(40) NOT NULL');
    return;
  }
  await rebuildSqlite(qi, (sql) => sql.replace(/(`user_id` VARCHAR\(40\))(?! NOT NULL)/, '$1 NOT NULL'));
}

async function rebuildSqlite(qi: QueryInterface, rewrite: (createSql: string) => string): Promise<void> {
  const q = (sql: string) => qi.sequelize.query(sql);
  const [[table]] = (await qi.sequelize.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'scim_users'")) as [Array<{ sql: string }>, unknown];
  const [indexes] = (await qi.sequelize.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scim_users' AND sql IS NOT NULL")) as [Array<{ sql: string }>, unknown];
  const created = rewrite(table!.sql);
  if (created === table!.sql) throw new Error('0008: scim_users.user_id is not in the expected form');
  await q('PRAGMA foreign_keys = OFF');
  try {
    await q('BEGIN IMMEDIATE');
    await q(created.replace(/^CREATE TABLE [`"]scim_users[`"]/, 'CREATE TABLE `scim_users_rebuilt`'));
    await q('INSERT INTO `scim_users_rebuilt` SELECT * FROM `scim_users`');
    await q('DROP TABLE `scim_users`');
    await q('ALTER TABLE `scim_users_rebuilt` RENAME TO `scim_users`');
    for (const index of indexes) await q(index.sql);
    await q('COMMIT');
  } catch (err) {
    await q('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await q('PRAGMA foreign_keys = ON');
  }
}
