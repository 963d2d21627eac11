import { DataTypes, type QueryInterface } from 'sequelize';

export const name = '0015-input-scim-resource-size';

/**
 * SCIM resources are kept as JSON text. On MySQL/MariaDB a TEXT column holds 64 KiB, less than
 * the 1 MiB body SCIM accepts (maxPayloadSize), so a large User or Group (many addresses,
 * extension attributes) failed there with "Data too long" (a 500) while SQLite stored it:
 * MEDIUMTEXT (16 MiB) holds anything a body can carry. SQLite's TEXT has no such limit.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() !== 'mysql') return;
  for (const table of ['scim_users', 'scim_groups']) {
    await qi.changeColumn(table, 'resource', { type: DataTypes.TEXT('medium'), allowNull: false });
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() !== 'mysql') return;
  for (const table of ['scim_users', 'scim_groups']) {
    await qi.changeColumn(table, 'resource', { type: DataTypes.TEXT, allowNull: false });
  }
}
