import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';

/** A JSON value stored as text (MariaDB hands its JSON type back as a string). */
export function jsonText(field: string, allowNull = true, fallback: unknown = null): ModelAttributeColumnOptions {
  return {
    type: DataTypes.TEXT,
    allowNull,
    get(this: { getDataValue(k: string): unknown }) {
      const raw = this.getDataValue(field);
      return typeof raw === 'string' ? JSON.parse(raw) : (raw ?? fallback);
    },
    set(this: { setDataValue(k: string, v: unknown): void }, value: unknown) {
      this.setDataValue(field, value === null || value === undefined ? null : JSON.stringify(value));
    },
  };
}

export const str = (allowNull = false): ModelAttributeColumnOptions => ({ type: DataTypes.STRING, allowNull });
export const pk = (): ModelAttributeColumnOptions => ({ type: DataTypes.STRING(40), primaryKey: true });
export const date = (allowNull = false): ModelAttributeColumnOptions => ({ type: DataTypes.DATE(3), allowNull });
export const bool = (): ModelAttributeColumnOptions => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
