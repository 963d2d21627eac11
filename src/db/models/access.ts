import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { bool, date, jsonText, pk, str } from './columns';

/** A tenant-level role (migration 0010); `admin` is built in and is what `tenant_role: "admin"` means. */
export class TenantRoleRow extends Model<InferAttributes<TenantRoleRow>, InferCreationAttributes<TenantRoleRow>> {
  declare id: string;
  declare tenant_id: string;
  declare key: string;
  declare name: string;
  declare description: string | null;
  declare permissions: string[];
  declare builtin: boolean;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export type TenantRoleRecord = InferAttributes<TenantRoleRow>;

export interface AccessModels {
  TenantRole: typeof TenantRoleRow;
}

/** `membership_roles` and `user_tenant_roles` are key-only tables written with plain SQL (src/access). */
export function defineAccessModels(sequelize: Sequelize): AccessModels {
  const TenantRole = class extends TenantRoleRow {};
  TenantRole.init(
    {
      id: pk(),
      tenant_id: str(),
      key: str(),
      name: str(),
      description: { type: DataTypes.TEXT, allowNull: true },
      permissions: jsonText('permissions', false, []),
      builtin: bool(),
      created_at: date(),
      updated_at: date(),
    },
    { sequelize, tableName: 'tenant_roles', timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at', underscored: true },
  );
  return { TenantRole };
}
