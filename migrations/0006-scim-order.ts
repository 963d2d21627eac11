import type { QueryInterface } from 'sequelize';

export const name = '0006-scim-order';

/**
 * Lists are ordered by id within a directory. Without an index in that order the database
 * sorts every id of the directory for each page (about 60 ms at 100,000 users on SQLite).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addIndex('scim_users', ['directory_id', 'id'], { name: 'scim_users_dir_id' });
  await qi.addIndex('scim_groups', ['directory_id', 'id'], { name: 'scim_groups_dir_id' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('scim_users', 'scim_users_dir_id');
  await qi.removeIndex('scim_groups', 'scim_groups_dir_id');
}
