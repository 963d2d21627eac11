import { DataTypes, type ModelAttributeColumnOptions, type QueryInterface } from 'sequelize';

/** Column shapes shared by the migrations. Ids are `<prefix>_<ULID>` (30 characters). */
export const id = (): ModelAttributeColumnOptions => ({ type: DataTypes.STRING(40), allowNull: false, primaryKey: true });
export const ref = (table: string, onDelete: 'CASCADE' | 'SET NULL' | 'NO ACTION', allowNull = false): ModelAttributeColumnOptions => ({
  type: DataTypes.STRING(40),
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
});
export const text = (length: number, allowNull = false): ModelAttributeColumnOptions => ({ type: DataTypes.STRING(length), allowNull });
/** JSON kept as text: MariaDB returns its JSON type as a string, so we (de)serialize ourselves. */
export const json = (allowNull = true): ModelAttributeColumnOptions => ({ type: DataTypes.TEXT, allowNull });
export const timestamp = (allowNull = false): ModelAttributeColumnOptions => ({ type: DataTypes.DATE(3), allowNull });
export const flag = (): ModelAttributeColumnOptions => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });

/** Table options: on MySQL/MariaDB everything is utf8mb4 with binary (case-exact) comparison. */
export function tableOptions(qi: QueryInterface) {
  return qi.sequelize.getDialect() === 'mysql' ? { charset: 'utf8mb4', collate: 'utf8mb4_bin', engine: 'InnoDB' } : {};
}
